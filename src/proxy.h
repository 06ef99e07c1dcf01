/*
 * proxy.h: -x: ask a SOCKS 4, SOCKS 5 or HTTP CONNECT proxy for the
 * connection to HOST PORT.
 */
#ifndef SOCKCAT_PROXY_H
#define SOCKCAT_PROXY_H

#include "options.h"

/*
 * On fd, connected to the proxy, ask for opt->host opt->port as -X says,
 * within -w.  Returns 0 when the proxy has made the connection (fd then
 * carries the peer's bytes), or -1 after one line on stderr.
 */
int	proxy_handshake(const struct options *, int);

#endif
