/*
 * serve.h: listen strategies: one client, -k (one after another),
 * --fork (a child per client), --broker (handed to broker.c).
 */
#ifndef SOCKCAT_SERVE_H
#define SOCKCAT_SERVE_H

#include "tap.h"
#include "options.h"
#include "pump.h"

/*
 * Listen as the options say and serve clients.  Returns the exit status:
 * the last client's (its pump's or its program's), or 1 after saying why
 * no client could be served.  -k and --fork return only on failure.
 */
int	serve_run(const struct options *, struct tap *);

#endif
