/* SPDX-License-Identifier: Apache-2.0 */
/* One thread changes the process's umask again and again; the other keeps
 * creating files and, for each file it made after it saw a umask() call
 * return, checks that the file's mode reflects that call or a later one.
 * Prints "stale umask: no" when none reflects an earlier umask. The flips
 * go on until CHECKS_WANTED files were checked (at most MAX_FLIPS), so a
 * loaded machine, where few files fall between two flips, checks as many.
 * Usage: umask_race DIR */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECKS_WANTED 1000
#define MAX_FLIPS     300000

static atomic_int epoch; /* umask(masks[epoch % 3]) has returned */
static atomic_int done;
static atomic_int enough; /* CHECKS_WANTED files were checked */
static const int masks[3] = {022, 077, 027};

static void *flipper(void *arg)
{
	(void)arg;
	for (int i = 1; i <= MAX_FLIPS && !atomic_load(&enough); i++) {
		umask(masks[i % 3]);
		atomic_store(&epoch, i);
		usleep(200);
	}
	atomic_store(&done, 1);
	return NULL;
}

int main(int argc, char **argv)
{
	char path[4096];
	if (argc != 2)
		return 2;
	snprintf(path, sizeof(path), "%s/umask-race", argv[1]);
	umask(masks[0]);
	pthread_t th;
	if (pthread_create(&th, NULL, flipper, NULL) != 0)
		return 1;
	long checks = 0, stale = 0, odd = 0;
	while (!atomic_load(&done)) {
		int e = atomic_load(&epoch);
		int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			continue;
		struct stat st;
		int r = fstat(fd, &st);
		close(fd);
		unlink(path);
		if (r < 0 || atomic_load(&epoch) != e)
			continue; /* a umask() returned meanwhile: either mode is right */
		int mode = st.st_mode & 0777;
		if (++checks >= CHECKS_WANTED)
			atomic_store(&enough, 1);
		if (mode == (0666 & ~masks[(e + 2) % 3]))
			stale++; /* the umask before the call that had returned */
		else if (mode != (0666 & ~masks[e % 3]) && mode != (0666 & ~masks[(e + 1) % 3]))
			odd++;
	}
	pthread_join(th, NULL);
	printf("stale umask: %s\n", stale ? "yes" : "no");
	printf("other modes: %s\n", odd ? "yes" : "no");
	fprintf(stderr, "files checked: %ld\n", checks);
	printf("files checked: %s\n", checks > 50 ? "enough" : "too few");
	return 0;
}
