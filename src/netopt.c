/*
 * netopt.c: struct options turned into what addr.c and sock.c take, so
 * that neither of them knows the command line.  It reads the options and
 * resolves -s; it neither prints nor exits.
 */
#include "config.h"

#include <netdb.h>

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "netopt.h"
#include "options.h"
#include "sock.h"

struct addr_hints
netopt_hints(const struct options *opt)
{
	return (struct addr_hints){
		.family = opt->family,
		.socktype = opt->socktype,
		.numeric = opt->nodns,
		.passive = false
	};
}

struct sock_settings
netopt_sock(const struct options *opt)
{
	bool	port_given = opt->source_port != NULL;

	return (struct sock_settings){
		.socktype = opt->socktype,
		.protocol = opt->protocol,
		.recv_buf = opt->recv_buf,
		.send_buf = opt->send_buf,
		.tos = opt->tos,
		.ttl = opt->ttl,
		.min_ttl = opt->min_ttl,
		.broadcast = opt->broadcast,
		.debug = opt->debug,
		.source_port_lo = port_given ? opt->source_port_lo : 0,
		.source_port_hi = port_given ? opt->source_port_hi : 0,
		.source_port_random = opt->randomize
	};
}

int
netopt_source(const struct options *opt, const struct addr_hints *hints,
    int family, struct addrinfo **src)
{
	struct addr_hints	h = *hints;

	*src = NULL;
	if (opt->source == NULL && opt->source_port == NULL)
		return 0;
	h.family = family;
	h.passive = true;
	/* A -p range: sock.c picks the port when it binds. */
	return addr_resolve(&h, opt->source, opt->source_port != NULL &&
	    opt->source_port_lo == opt->source_port_hi ? opt->source_port :
	    "0", src);
}
