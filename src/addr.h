/*
 * addr.h: names to addresses and back: getaddrinfo(3) with a small set
 * of hints, ports and service names, Unix paths and abstract names, and
 * addresses as text.  Never creates a socket.
 */
#ifndef SOCKCAT_ADDR_H
#define SOCKCAT_ADDR_H

#include <sys/socket.h>
#include <sys/un.h>
#include <netdb.h>

#include <stdbool.h>
#include <stddef.h>

#define ADDR_PORT_UNKNOWN	(-1L)

/* Text sizes for addr_text(). */
#define ADDR_HOSTLEN	NI_MAXHOST
#define ADDR_PORTLEN	NI_MAXSERV

/* What addr_resolve() asks getaddrinfo(3) for (netopt.c fills it). */
struct addr_hints {
	int	family;		/* AF_UNSPEC, AF_INET, AF_INET6 */
	int	socktype;	/* SOCK_STREAM, SOCK_DGRAM (DCCP: stream) */
	bool	numeric;	/* -n: addresses only, no DNS */
	bool	passive;	/* to bind: a NULL host is the wildcard */
};

/*
 * The port number a word names: a decimal number (returned even when out
 * of range, capped at 65536), or a service known for proto ("tcp",
 * "udp"); ADDR_PORT_UNKNOWN otherwise.
 */
long	addr_port_number(const char *, const char *);

/*
 * Resolve host (NULL: the wildcard or loopback, as hints->passive says)
 * and port as the hints say.  "[::1]" loses its brackets.  Returns 0, or
 * a getaddrinfo(3) error code for gai_strerror(); free *res with
 * freeaddrinfo(3).
 */
int	addr_resolve(const struct addr_hints *, const char *, const char *,
	    struct addrinfo **);

/*
 * Numeric host and port of an address into host[ADDR_HOSTLEN] and
 * port[ADDR_PORTLEN]; IPv4-mapped IPv6 addresses read as plain IPv4,
 * Unix addresses as their path ("@name" for abstract ones).
 */
void	addr_text(const struct sockaddr *, socklen_t, char *, char *);

/*
 * A host as messages name it, into out: "name (ADDR)" with sa's numeric
 * address when name is not that address itself, as nc.openbsd words it;
 * else name.  ADDR_LABELLEN bytes hold any address with a 253-byte name.
 */
#define ADDR_LABELLEN	(ADDR_HOSTLEN + 260)
void	addr_label(const char *, const struct sockaddr *, socklen_t, char *,
	    size_t);

/*
 * Whether a and b name the same sender: family, address and port (IPv6:
 * and scope), or a Unix path; flow labels and padding do not count.
 */
bool	addr_same(const struct sockaddr *, socklen_t, const struct sockaddr *,
	    socklen_t);

/* The service name for a port ("http"), or "*" when there is none. */
void	addr_service(const char *, int, char *, size_t);

/*
 * Fill a Unix-domain address from a path ("@name": Linux abstract).
 * Returns -1 with errno ENAMETOOLONG if it does not fit.
 */
int	addr_unix(const char *, struct sockaddr_un *, socklen_t *);

/*
 * A client as -v names it: "ADDR PORT", a Unix-domain client's own path,
 * or path (the listener's, for a Unix-domain client, which mostly has no
 * name of its own) if not NULL; Unix names with their non-printable bytes
 * escaped (escape_bytes()).
 */
void	addr_peer_name(const struct sockaddr *, socklen_t, const char *,
	    char *, size_t);

/* Verdicts of addr_port_range(). */
enum {
	ADDR_RANGE_OK = 0,
	ADDR_RANGE_BAD,		/* neither a port, a service nor LO-HI */
	ADDR_RANGE_OUT		/* outside 1-65535, or LO above HI */
};

/* A scan's port word: a port, a service for proto, or LO-HI of those. */
int	addr_port_range(const char *, const char *, long *, long *);

/* Set the port of an IPv4 or IPv6 address. */
void	addr_set_port(struct sockaddr *, long);

#endif
