/* SPDX-License-Identifier: Apache-2.0 */
#ifndef RUNSC_CLI_DO_H
#define RUNSC_CLI_DO_H

int cmd_do(int argc, char **argv);

#endif
