/* SPDX-License-Identifier: Apache-2.0 */
/* kill(-1, SIGKILL) from the guest, as a process other than its init: it may
 * kill every guest process the caller can signal, and nothing else. The
 * driver checks that a host process started before is still alive.
 * Usage: kill HOST_PID */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

int main(int argc, char **argv)
{
	probe_guard("kill");
	if (argc < 2) {
		fprintf(stderr, "usage: kill HOST_PID\n");
		return 2;
	}
	pid_t host_pid = (pid_t)atoi(argv[1]);
	probe_result(getpid() > 1, "runs as a pid > 1", "pid %d", (int)getpid());

	errno = 0;
	int r = kill(host_pid, 0);
	probe_result(r < 0 && errno == ESRCH, "kill(host pid, 0) finds nothing", "%s",
		     r < 0 ? errno_name(errno) : "the host pid is visible");

	/* A guest sibling to show that kill(-1) itself works inside. */
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	usleep(100 * 1000);
	errno = 0;
	r = kill(-1, SIGKILL);
	probe_result(r == 0, "kill(-1, SIGKILL) returns 0", "%s", r == 0 ? "ok" : errno_name(errno));
	int status = 0;
	pid_t w = waitpid(child, &status, 0);
	probe_result(w == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		     "kill(-1, SIGKILL) killed the guest's own child", "status 0x%x", status);
	return probe_done();
}
