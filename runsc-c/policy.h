/* SPDX-License-Identifier: Apache-2.0 */
/* `runsc-c policy check|show`: the YAML policies from the command line. */
#ifndef RUNSC_CLI_POLICY_H
#define RUNSC_CLI_POLICY_H

/* argv[0] is "policy". Returns the exit status: 0; 1 when a policy has
 * problems (printed one per line, FILE:LINE:COLUMN: message); 2 for a bad
 * command line. */
int cmd_policy(int argc, char **argv);

#endif
