/* SPDX-License-Identifier: Apache-2.0 */
/* Calls the sandbox refuses. Each line reads "LABEL SYSCALL ERRNO" (or
 * "LABEL SYSCALL OK" if the call succeeded); the driver compares ERRNO with
 * the errno `runsc-c syscalls` documents for SYSCALL.
 *
 * Arguments are chosen so that even a call that got through would do no
 * harm: invalid magic numbers, zero-length copies, the current time. */
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

static void report(const char *label, const char *syscall_name, long r)
{
	printf("%s %s %s\n", label, syscall_name, r < 0 ? errno_name(errno) : "OK");
}

#define TRY(label, name, call)                                                                     \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		report(label, name, r_);                                                           \
	} while (0)

int main(void)
{
	probe_guard("denied");
	pid_t parent = getppid();

	TRY("ptrace(TRACEME)", "ptrace", ptrace(PTRACE_TRACEME, 0, NULL, NULL));
	TRY("ptrace(ATTACH,parent)", "ptrace", ptrace(PTRACE_ATTACH, parent, NULL, NULL));
	TRY("ptrace(SEIZE,1)", "ptrace", ptrace(PTRACE_SEIZE, 1, NULL, NULL));
	TRY("mount(tmpfs)", "mount", mount("none", "/tmp", "tmpfs", 0, NULL));
	TRY("mount(MS_BIND)", "mount", mount("/etc", "/tmp", NULL, MS_BIND, NULL));
	TRY("umount2(/)", "umount2", umount2("/", MNT_DETACH));
	TRY("unshare(NEWUSER|NEWNS)", "unshare", unshare(CLONE_NEWUSER | CLONE_NEWNS));
	TRY("unshare(NEWNET)", "unshare", unshare(CLONE_NEWNET));
	TRY("setns", "setns", setns(0, 0));

	union bpf_attr battr;
	memset(&battr, 0, sizeof(battr));
	battr.map_type = BPF_MAP_TYPE_ARRAY;
	battr.key_size = 4;
	battr.value_size = 4;
	battr.max_entries = 1;
	TRY("bpf(MAP_CREATE)", "bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &battr, sizeof(battr)));

	struct io_uring_params up;
	memset(&up, 0, sizeof(up));
	TRY("io_uring_setup", "io_uring_setup", syscall(SYS_io_uring_setup, 1, &up));
	TRY("keyctl(GET_KEYRING_ID)", "keyctl",
	    syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	TRY("add_key", "add_key",
	    syscall(SYS_add_key, "user", "runsc-c-probe", "x", 1, KEY_SPEC_PROCESS_KEYRING));

	struct {
		struct file_handle fh;
		unsigned char bytes[128];
	} handle;
	memset(&handle, 0, sizeof(handle));
	handle.fh.handle_bytes = sizeof(handle.bytes);
	int mount_id = 0;
	TRY("name_to_handle_at", "name_to_handle_at",
	    name_to_handle_at(AT_FDCWD, "/etc/passwd", &handle.fh, &mount_id, 0));
	handle.fh.handle_bytes = 8;
	handle.fh.handle_type = 1;
	TRY("open_by_handle_at", "open_by_handle_at",
	    open_by_handle_at(AT_FDCWD, &handle.fh, O_RDONLY));

	struct perf_event_attr pattr;
	memset(&pattr, 0, sizeof(pattr));
	pattr.size = sizeof(pattr);
	pattr.type = PERF_TYPE_SOFTWARE;
	pattr.config = PERF_COUNT_SW_CPU_CLOCK;
	pattr.disabled = 1;
	TRY("perf_event_open", "perf_event_open",
	    syscall(SYS_perf_event_open, &pattr, 0, -1, -1, 0));
	TRY("userfaultfd", "userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));

	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	TRY("clock_settime", "clock_settime", clock_settime(CLOCK_REALTIME, &now));
	/* Both NULL: a no-op even where it is allowed. */
	TRY("settimeofday", "settimeofday", syscall(SYS_settimeofday, NULL, NULL));
	/* Wrong magic numbers: EINVAL where it is allowed. */
	TRY("reboot", "reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
	TRY("init_module", "init_module", syscall(SYS_init_module, NULL, 0, ""));
	TRY("finit_module", "finit_module", syscall(SYS_finit_module, -1, "", 0));
	TRY("kexec_load", "kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0xdead0000UL));
	TRY("pivot_root", "pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp/nonexistent"));
	TRY("chroot", "chroot", chroot("/tmp"));

	char byte = 0;
	struct iovec local = {.iov_base = &byte, .iov_len = 0};
	struct iovec remote = {.iov_base = &byte, .iov_len = 0};
	TRY("process_vm_writev(parent)", "process_vm_writev",
	    syscall(SYS_process_vm_writev, parent, &local, 1, &remote, 1, 0));
	TRY("ioctl(0,TIOCSTI)", "ioctl", ioctl(0, TIOCSTI, "x"));
	TRY("ioctl(1,TIOCSTI)", "ioctl", ioctl(1, TIOCSTI, "x"));
	TRY("fsopen", "fsopen", syscall(SYS_fsopen, "tmpfs", 0));
	TRY("open_tree", "open_tree", syscall(SYS_open_tree, AT_FDCWD, "/etc", 0));
	TRY("kcmp", "kcmp", syscall(SYS_kcmp, getpid(), parent, 0, 0, 0));
	return probe_done();
}
