/*
 * connect.h: connect mode's socket: every address raced as RFC 8305 says,
 * --retry, and Unix-domain clients.
 */
#ifndef SOCKCAT_CONNECT_H
#define SOCKCAT_CONNECT_H

#include "options.h"

/*
 * Connect to HOST PORT (or -U PATH) as the options say.  Every failure is
 * reported on stderr; returns the connected non-blocking socket, or -1.
 */
int	connect_open(const struct options *);

#endif
