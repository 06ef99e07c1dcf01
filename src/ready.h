/*
 * ready.h: what a listener tells a script: --port-file and --ready-fd
 * once it listens, and --accept-timeout's end when no client came.
 */
#ifndef SOCKCAT_READY_H
#define SOCKCAT_READY_H

#include <stdbool.h>

#include "options.h"
#include "util.h"

/*
 * The listener lfd is bound and listening (dual: a dual-stack wildcard
 * socket serving both families): write "ADDR PORT" lines, or the -U
 * path, to --port-file (a temporary file renamed over it) and to
 * --ready-fd (then closed).  Returns 0, or -1 after saying why.
 */
int	ready_announce(const struct options *, int lfd, bool dual);

/*
 * --accept-timeout: say that no client came within TIME and exit 1 (3,
 * "timed out", under --exit-detail).  Every listener gives up here.
 */
void	ready_give_up(const struct options *) SC_NORETURN;

#endif
