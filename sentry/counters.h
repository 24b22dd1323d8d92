/* SPDX-License-Identifier: Apache-2.0 */
/* What the sentry did for the guest, counted when it logs its decisions
 * (--debug): notifications per syscall, the time their handlers took, the
 * gofer requests each made, and the sentry's CPU time. Logged once when the
 * sandbox ends, so that a change to a handler can be measured by what it
 * saves. */
#ifndef RUNSC_SENTRY_COUNTERS_H
#define RUNSC_SENTRY_COUNTERS_H

#include <stdint.h>

/* Around the handler of one notification (syscall number nr). */
void counters_call_begin(int nr);
void counters_call_end(void);
/* One gofer request of operation op, on behalf of the current call. */
void counters_gofer(uint32_t op);
/* Writes the counts to the log (a line per syscall, busiest first, named
 * by name_of or "other" where it returns NULL). */
void counters_log(const char *(*name_of)(int nr));

#endif
