/*
 * broker.h: --broker and --chat: one process relaying every client's
 * data to all the others.
 */
#ifndef SOCKCAT_BROKER_H
#define SOCKCAT_BROKER_H

#include "options.h"

/*
 * Serve clients of the listening socket lfd (stream, non-blocking not
 * required) until a fatal error; returns -1 after saying why.
 */
int	broker_run(const struct options *, int);

#endif
