/* SPDX-License-Identifier: Apache-2.0 */
/* runsc-c spec [--bundle DIR]: writes the default config.json that runc
 * writes (a busybox-style `sh` with a terminal, rootfs/ read-only, the
 * usual kernel file systems), host name runsc-c. Refuses to overwrite. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/util.h"
#include "runsc-c/oci/oci.h"

static const char default_spec[] =
	"{\n"
	"\t\"ociVersion\": \"" OCI_VERSION "\",\n"
	"\t\"process\": {\n"
	"\t\t\"terminal\": true,\n"
	"\t\t\"user\": {\n"
	"\t\t\t\"uid\": 0,\n"
	"\t\t\t\"gid\": 0\n"
	"\t\t},\n"
	"\t\t\"args\": [\n"
	"\t\t\t\"sh\"\n"
	"\t\t],\n"
	"\t\t\"env\": [\n"
	"\t\t\t\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
	"\t\t\t\"TERM=xterm\"\n"
	"\t\t],\n"
	"\t\t\"cwd\": \"/\",\n"
	"\t\t\"capabilities\": {\n"
	"\t\t\t\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
	"\t\t\t\"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
	"\t\t\t\"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],\n"
	"\t\t\t\"ambient\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]\n"
	"\t\t},\n"
	"\t\t\"rlimits\": [\n"
	"\t\t\t{\n"
	"\t\t\t\t\"type\": \"RLIMIT_NOFILE\",\n"
	"\t\t\t\t\"hard\": 1024,\n"
	"\t\t\t\t\"soft\": 1024\n"
	"\t\t\t}\n"
	"\t\t],\n"
	"\t\t\"noNewPrivileges\": true\n"
	"\t},\n"
	"\t\"root\": {\n"
	"\t\t\"path\": \"rootfs\",\n"
	"\t\t\"readonly\": true\n"
	"\t},\n"
	"\t\"hostname\": \"runsc-c\",\n"
	"\t\"mounts\": [\n"
	"\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
	"\t\t{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
	"\t\t \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
	"\t\t{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
	"\"mode=0620\", \"gid=5\"]},\n"
	"\t\t{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\"]},\n"
	"\t\t{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\"]},\n"
	"\t\t{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]},\n"
	"\t\t{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
	"\t\t \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\"]}\n"
	"\t],\n"
	"\t\"linux\": {\n"
	"\t\t\"resources\": {\n"
	"\t\t\t\"devices\": [{\"allow\": false, \"access\": \"rwm\"}]\n"
	"\t\t},\n"
	"\t\t\"namespaces\": [\n"
	"\t\t\t{\"type\": \"pid\"},\n"
	"\t\t\t{\"type\": \"network\"},\n"
	"\t\t\t{\"type\": \"ipc\"},\n"
	"\t\t\t{\"type\": \"uts\"},\n"
	"\t\t\t{\"type\": \"mount\"},\n"
	"\t\t\t{\"type\": \"cgroup\"}\n"
	"\t\t],\n"
	"\t\t\"maskedPaths\": [\n"
	"\t\t\t\"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\",\n"
	"\t\t\t\"/proc/latency_stats\", \"/proc/timer_list\", \"/proc/timer_stats\",\n"
	"\t\t\t\"/proc/sched_debug\", \"/sys/firmware\", \"/proc/scsi\"\n"
	"\t\t],\n"
	"\t\t\"readonlyPaths\": [\n"
	"\t\t\t\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", "
	"\"/proc/sysrq-trigger\"\n"
	"\t\t]\n"
	"\t}\n"
	"}\n";

int oci_cmd_spec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"bundle", required_argument, NULL, 'b'},
		{"rootless", no_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const char *bundle = ".";
	opterr = 0;
	optind = 0;
	int ch;
	while ((ch = getopt_long_only(argc, argv, "+b:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			bundle = optarg;
			break;
		case 'r':
			break; /* runsc-c needs no other spec without root */
		case '?':
		default:
			return oci_bad_flag(argv);
		}
	}
	if (optind != argc) {
		oci_error("spec: takes no arguments");
		return OCI_EXIT_ERROR;
	}
	_cleanup_free_ char *path = NULL;
	xasprintf(&path, "%s/config.json", bundle);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			oci_error("%s exists: remove it first", path);
		else
			oci_error("%s: %s", path, strerror(errno));
		return OCI_EXIT_ERROR;
	}
	int r = write_all(fd, default_spec, strlen(default_spec));
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlink(path);
		oci_error("%s: %s", path, strerror(-r));
		return OCI_EXIT_ERROR;
	}
	return 0;
}
