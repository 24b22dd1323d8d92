/* SPDX-License-Identifier: Apache-2.0 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

const char *log_prefix = "runsc-c";
int log_verbose;

void cleanup_freep(void *p)
{
	free(*(void **)p);
}

void cleanup_closep(const int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

void cleanup_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static void vlog(const char *fmt, va_list ap, int err)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s: ", log_prefix);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	int m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if (m > 0)
		n += m;
	if ((size_t)n >= sizeof(buf) - 64)
		n = (int)sizeof(buf) - 64;
	if (err)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ": %s", strerror(err));
	buf[n++] = '\n';
	/* One write per message so lines from several processes do not mix. */
	(void)!write(STDERR_FILENO, buf, (size_t)n);
}

void log_msg(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

int stdio_fds_fill(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		/* The lower ones are open by now: open(2) takes the lowest
		 * free number, which is fd. */
		int null_fd = open("/dev/null", O_RDWR);
		if (null_fd < 0)
			return -errno;
		if (null_fd != fd) {
			int r = dup2(null_fd, fd);
			int err = errno;
			close(null_fd);
			if (r < 0)
				return -err;
		}
	}
	return 0;
}

void exec_emfile_describe(char *buf, size_t len, const char *argv0, rlim_t nofile_cur,
			  unsigned preserved)
{
	char limit[64] = "";
	if (nofile_cur != RLIM_INFINITY)
		snprintf(limit, sizeof(limit), " (%llu, with %u fds preserved)",
			 (unsigned long long)nofile_cur, preserved);
	snprintf(
		buf, len,
		"exec '%s': the process's RLIMIT_NOFILE%s leaves no fd free for the sandbox's exec "
		"loader (it takes one below the limit, two for a dynamically linked program)",
		argv0, limit);
}

double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void log_debug(const char *fmt, ...)
{
	if (!log_verbose)
		return;
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap, 0);
	va_end(ap);
	_exit(125);
}

void die_errno(const char *fmt, ...)
{
	int err = errno;
	va_list ap;
	va_start(ap, fmt);
	vlog(fmt, ap, err);
	va_end(ap);
	_exit(125);
}

int send_msg_fds(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	if (nfds > MSG_FDS_MAX)
		return -EINVAL;
	if (nfds > 0) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
	}
	ssize_t r;
	do
		r = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if ((size_t)r != len)
		return -EIO;
	return 0;
}

ssize_t recv_msg_fds(int sock, void *buf, size_t len, int *fds, int max_fds, int *nfds)
{
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	union {
		char buf[CMSG_SPACE(sizeof(int) * MSG_FDS_MAX)];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t r;
	*nfds = 0;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int n = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		int *in = (int *)(void *)CMSG_DATA(c);
		for (int i = 0; i < n; i++) {
			if (*nfds < max_fds)
				fds[(*nfds)++] = in[i];
			else
				close(in[i]);
		}
	}
	if (msg.msg_flags & MSG_CTRUNC) {
		for (int i = 0; i < *nfds; i++)
			close(fds[i]);
		*nfds = 0;
		return -EPROTO;
	}
	return r;
}

static char *title_start;
static size_t title_len;
static char *env_start;
static size_t env_len;

void proc_title_init(int argc, char **argv)
{
	if (argc < 1)
		return;
	title_start = argv[0];
	title_len = (size_t)(argv[argc - 1] + strlen(argv[argc - 1]) - argv[0]);
	size_t n = 0;
	while (environ[n])
		n++;
	if (n) {
		env_start = environ[0];
		env_len = (size_t)(environ[n - 1] + strlen(environ[n - 1]) + 1 - environ[0]);
	}
}

void proc_env_clear(void)
{
	clearenv();
	if (env_start && env_len)
		memset(env_start, 0, env_len);
}

void proc_title_set(const char *title)
{
	prctl(PR_SET_NAME, title);
	if (!title_start || title_len == 0)
		return;
	memset(title_start, 0, title_len);
	strncpy(title_start, title, title_len - 1);
}

bool pidfd_wait_exit(int pidfd, int ms)
{
	struct pollfd p = {.fd = pidfd, .events = POLLIN};
	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000;
	int n;
	for (int left = ms; (n = poll(&p, 1, left)) < 0 && errno == EINTR;) {
		if (ms < 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int)((end.tv_sec - now.tv_sec) * 1000 +
			     (end.tv_nsec - now.tv_nsec) / 1000000);
		if (left <= 0)
			return false;
	}
	return n > 0;
}

pid_t fork_single_threaded(void)
{
	return _Fork();
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len > 0) {
		ssize_t r = write(fd, p, len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

void unescape_octal(char *s)
{
	char *out = s;
	for (char *p = s; *p;) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 4;
		} else {
			*out++ = *p++;
		}
	}
	*out = '\0';
}

ssize_t read_file_at(int dirfd, const char *path, char **out)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len + 1 >= cap) {
			char *n = realloc(buf, cap * 2);
			if (!n) {
				free(buf);
				return -ENOMEM;
			}
			buf = n;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + len, cap - len - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = 0;
	*out = buf;
	return (ssize_t)len;
}

int write_file_at(int dirfd, const char *path, const char *content)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write_all(fd, content, strlen(content));
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);
	if (!p)
		die("out of memory");
	return p;
}

char **env_replaced(char *const *envp, char *entry)
{
	size_t name_len = (size_t)(strchr(entry, '=') - entry) + 1, n = 0, kept = 0;

	while (envp[n])
		n++;
	char **out = calloc(n + 2, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(envp[i], entry, name_len) != 0)
			out[kept++] = envp[i];
	out[kept] = entry;
	return out;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);
	if (!p)
		die("out of memory");
	return p;
}

int xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vasprintf(out, fmt, ap);
	va_end(ap);
	if (r < 0)
		die("out of memory");
	return r;
}

int size_parse(const char *text, uint64_t *bytes)
{
	static const char units[] = "kmgt";
	char *end;
	errno = 0;
	double v = (text[0] >= '0' && text[0] <= '9') ? strtod(text, &end) : -1;
	/* Digits and a point only: not strtod's hex (0x1p30) nor exponents
	 * (1e9). */
	if (v >= 0 && end != text + strspn(text, "0123456789."))
		v = -1;
	double mult = 1;
	if (v >= 0 && !errno && *end) {
		const char *u = strchr(units, end[0] | 0x20);
		if (u && end[0] != 0) {
			for (const char *p = units; p <= u; p++)
				mult *= 1024;
			end++;
			if (*end == 'i')
				end++;
		}
		if (*end == 'B' || (mult == 1 && *end == 'b'))
			end++;
	}
	if (v < 0 || errno || *end || !(v * mult >= 1) || v * mult > 1e18)
		return -EINVAL;
	*bytes = (uint64_t)(v * mult);
	return 0;
}

int nofile_limit_raise(struct rlimit *old)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur >= rl.rlim_max)
		return 0;
	struct rlimit up = {.rlim_cur = rl.rlim_max, .rlim_max = rl.rlim_max};
	if (setrlimit(RLIMIT_NOFILE, &up) < 0)
		return -errno;
	if (old)
		*old = rl;
	return 1;
}

int send_msg_fds_raised(int sock, const void *buf, size_t len, const int *fds, int nfds)
{
	struct rlimit old;
	bool raised = nofile_limit_raise(&old) > 0;
	int r = send_msg_fds(sock, buf, len, fds, nfds);
	if (raised && setrlimit(RLIMIT_NOFILE, &old) < 0 && r == 0)
		r = -errno;
	return r;
}
