/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c syscalls`: prints the syscall table. */
#ifndef RUNSC_CLI_SYSCALLS_CMD_H
#define RUNSC_CLI_SYSCALLS_CMD_H

/* argv[0] is "syscalls". Returns the exit status: 0, 1 if output failed,
 * 2 for a bad flag. */
int cmd_syscalls(int argc, char **argv);

#endif
