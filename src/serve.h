/*
 * serve.h: listen strategies.  This release has the one-shot listener:
 * bind, wait for one client (TCP/Unix accept, or the first datagram's
 * sender), pump it, done.  -k, --fork and --broker slot in beside it.
 */
#ifndef SOCKCAT_SERVE_H
#define SOCKCAT_SERVE_H

#include "hexdump.h"
#include "options.h"
#include "pump.h"

/*
 * Listen as the options say and serve the client through the pump.
 * Returns 0 with *res filled, or -1 after reporting why no client could
 * be served (the caller exits 1).
 */
int	serve_run(const struct options *, struct tap *, struct pump_result *);

#endif
