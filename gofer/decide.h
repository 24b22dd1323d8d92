/* SPDX-License-Identifier: Apache-2.0 */
/* The policy's file rules, applied to a request's object as resolved
 * inside the view, and learn mode's record of what was allowed (see the
 * top of gofer.h). Without a policy every decision allows. */
#ifndef RUNSC_GOFER_DECIDE_H
#define RUNSC_GOFER_DECIDE_H

#include <stdbool.h>

#include "gofer/request.h"
#include "gofer/walk.h"

/* The sandbox has a policy: the decide_* calls below can refuse. */
bool has_policy(const struct ctx *c);
/* The decision on the object of fd. Returns 0, -ENOENT (hidden), -EACCES
 * (c->resp->rule names the rule) or -errno. */
int decide_fd(struct ctx *c, int fd, enum need need);
/* The decision on name in parent_fd (a name about to be created, or an
 * object the operation reaches by name). */
int decide_name(struct ctx *c, int parent_fd, const char *name, enum need need);
int decide_obj(struct ctx *c, const struct obj *o, enum need need);
/* Renaming a directory moves everything below it: refused when a rule
 * other than write may apply below either name. */
int decide_rename_dir(struct ctx *c, const struct gofer_walk *w1, const struct gofer_walk *w2);

#endif
