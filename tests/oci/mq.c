/* SPDX-License-Identifier: Apache-2.0 */
/* POSIX message queues, for tests/oci/sysfs.sh: "mq-probe NAME" makes the
 * queue /NAME, sends a message, receives it and prints it, and leaves the
 * queue for /dev/mqueue to show; "mq-probe -u NAME" removes it. Prints
 * "mq_open: <error>" and the like when a call fails. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char name[256];
	if (argc == 3 && strcmp(argv[1], "-u") == 0) {
		snprintf(name, sizeof(name), "/%s", argv[2]);
		if (mq_unlink(name) < 0) {
			printf("mq_unlink: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: mq-probe [-u] NAME\n");
		return 2;
	}
	snprintf(name, sizeof(name), "/%s", argv[1]);
	struct mq_attr attr = {.mq_maxmsg = 4, .mq_msgsize = 64};
	mqd_t q = mq_open(name, O_RDWR | O_CREAT, 0600, &attr);
	if (q == (mqd_t)-1) {
		printf("mq_open: %s\n", strerror(errno));
		return 1;
	}
	if (mq_send(q, "hello", 5, 1) < 0) {
		printf("mq_send: %s\n", strerror(errno));
		return 1;
	}
	char buf[64];
	unsigned int prio = 0;
	ssize_t n = mq_receive(q, buf, sizeof(buf), &prio);
	if (n < 0) {
		printf("mq_receive: %s\n", strerror(errno));
		return 1;
	}
	printf("received %.*s priority %u\n", (int)n, buf, prio);
	mq_close(q);
	return 0;
}
