/* SPDX-License-Identifier: Apache-2.0 */
/* The guest's terminal: when the caller's stdin and stdout are a terminal,
 * the guest gets a terminal of its own (so it can never type into the
 * caller's), and the supervisor relays between the two. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "common/util.h"
#include "sandbox/internal.h"
#include "sentry/sentry.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER 0x5441
#endif

/* The guest's terminal comes from the sandbox's own devpts instance (opened
 * through the gofer), so that ttyname() inside finds it under /dev/pts. */
/* A new master from the view's /dev/ptmx, opened through the gofer as
 * the guest's user. */
static int ptmx_open(int gofer_sock, struct gofer_shared *shared, const struct sandbox_config *cfg,
		     int *master)
{
	struct sentry s = {.gofer = gofer_sock, .gofer_shared = shared};
	struct gofer_req req = {.op = GOP_OPEN, .flags = O_RDWR | O_NOCTTY | O_CLOEXEC};
	struct gofer_resp resp;
	req.uid = cfg->user_set ? cfg->uid : 0;
	req.gid = cfg->user_set ? cfg->gid : 0;
	/* The capabilities over files of a root guest (mode 0666 decides). */
	req.caps = req.uid == 0 ? GOFER_CAPS_FS : 0;
	req.path_len = sizeof("/dev/ptmx");
	memcpy(req.data, "/dev/ptmx", req.path_len);
	*master = -1;
	int r = gofer_call(&s, &req, NULL, 0, &resp, master);
	/* The gofer's next client is the sentry, which starts afresh. */
	gofer_settle(&s);
	if (r < 0)
		return r;
	return *master < 0 ? -ENOTTY : 0;
}

/* Unlocks master's pty and opens its slave; the slave or -errno. */
static int pty_slave(int master)
{
	int unlock = 0;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return -errno;
	int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return slave < 0 ? -errno : slave;
}

int term_factory_open(int gofer_sock, struct gofer_shared *shared, const struct sandbox_config *cfg,
		      int *factory)
{
	return ptmx_open(gofer_sock, shared, cfg, factory);
}

int term_new(int factory, int *master, int *slave, char *name, size_t name_len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", factory);
	*master = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0)
		return -errno;
	unsigned int n;
	int r = ioctl(*master, TIOCGPTN, &n) < 0 ? -errno : pty_slave(*master);
	if (r < 0) {
		close(*master);
		*master = -1;
		return r;
	}
	*slave = r;
	snprintf(name, name_len, "/dev/pts/%u", n);
	return 0;
}

/* The guest's terminal comes from the sandbox's own devpts instance (opened
 * through the gofer), so that ttyname() inside finds it under /dev/pts. */
int term_open(struct term *t, int gofer_sock, struct gofer_shared *shared,
	      const struct sandbox_config *cfg)
{
	int r = ptmx_open(gofer_sock, shared, cfg, &t->master);
	if (r < 0)
		return r;
	t->slave = pty_slave(t->master);
	if (t->slave < 0)
		return t->slave;
	t->active = true;
	if (cfg->terminal_detached)
		return 0;
	t->relayed = true;
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
	if (tcgetattr(STDIN_FILENO, &t->saved) == 0) {
		t->saved_ok = true;
		tcsetattr(t->slave, TCSANOW, &t->saved);
		struct termios raw = t->saved;
		cfmakeraw(&raw);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	return 0;
}

int term_take(struct term *t, char *name, size_t name_len)
{
	if (!t->active || t->relayed || t->master < 0)
		return -ENOTTY;
	unsigned int n;
	if (ioctl(t->master, TIOCGPTN, &n) < 0)
		return -errno;
	snprintf(name, name_len, "/dev/pts/%u", n);
	int fd = t->master;
	t->master = -1;
	return fd;
}

void term_restore(struct term *t)
{
	if (t->active && t->saved_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
}

bool term_relay(int from, int to)
{
	char buf[16384];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && (errno == EAGAIN || errno == EINTR);
	return write_all(to, buf, (size_t)n) == 0;
}

void term_resize(const struct term *t)
{
	struct winsize ws;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

void term_drain(const struct term *t)
{
	char buf[16384];
	ssize_t got;
	fcntl(t->master, F_SETFL, O_NONBLOCK);
	while ((got = read(t->master, buf, sizeof(buf))) > 0)
		if (write_all(STDOUT_FILENO, buf, (size_t)got) < 0)
			break;
}
