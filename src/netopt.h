/*
 * netopt.h: the options as the lower layers take them, read once: the
 * resolver hints for addr.c, the socket settings for sock.c, and the
 * -s/-p address a client binds.  addr.c and sock.c never see options.
 */
#ifndef SOCKCAT_NETOPT_H
#define SOCKCAT_NETOPT_H

#include "addr.h"
#include "options.h"
#include "sock.h"

/* Resolver hints from -4/-6, -u and -n, for a name to connect to. */
struct addr_hints	netopt_hints(const struct options *);

/* Socket settings from -u/-Z, -I -O -b -D -T -M -m, and -p's range, -r. */
struct sock_settings	netopt_sock(const struct options *);

/*
 * The -s/-p address a client of family binds, resolved as hints say
 * into *src (NULL when neither was given; -p's range leaves the port to
 * sock.c).  Returns 0 or a getaddrinfo(3) error code.
 */
int	netopt_source(const struct options *, const struct addr_hints *, int,
	    struct addrinfo **);

#endif
