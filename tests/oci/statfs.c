/* SPDX-License-Identifier: Apache-2.0 */
/* statfs(2) against fstatfs(2): for each path, one line with the file
 * system type statfs of the path gives, then fstatfs of an fd opened
 * there for reading and of an O_PATH fd of it, in hex (as `stat -f -c %t`
 * prints it), or the errno's name. Run natively and in containers by
 * tests/oci/sysfs.sh; static, as oci-probe: the rootfs has no libc. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

static void show(int r, const struct statfs *sfs)
{
	if (r < 0)
		printf(" %s", strerror(errno));
	else
		printf(" %lx", (unsigned long)sfs->f_type);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct statfs sfs;
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		int opath = open(argv[i], O_PATH | O_CLOEXEC);

		printf("%s", argv[i]);
		show(statfs(argv[i], &sfs), &sfs);
		show(fd < 0 ? fd : fstatfs(fd, &sfs), &sfs);
		show(opath < 0 ? opath : fstatfs(opath, &sfs), &sfs);
		printf("\n");
		if (fd >= 0)
			close(fd);
		if (opath >= 0)
			close(opath);
	}
	return 0;
}
