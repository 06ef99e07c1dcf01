/*
 * addr.c: getaddrinfo/getnameinfo behind struct addr_hints, ports and
 * services, IPv6 brackets, Unix paths and "@abstract" names, addresses
 * as text.  It returns codes; the caller decides what to say.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "parse.h"
#include "util.h"

long
addr_port_number(const char *word, const char *proto)
{
	struct servent	*se;
	const char	*p;
	long		 v = 0;

	if (*word == '\0')
		return ADDR_PORT_UNKNOWN;
	for (p = word; isdigit((unsigned char)*p); p++)
		if (v <= 65535)
			v = v * 10 + (*p - '0');
	if (*p == '\0')
		return v > 65535 ? 65536 : v;
	if ((se = getservbyname(word, proto)) == NULL)
		return ADDR_PORT_UNKNOWN;
	return ntohs((unsigned short)se->s_port);
}

int
addr_resolve(const struct addr_hints *h, const char *host, const char *port,
    struct addrinfo **res)
{
	struct addrinfo	 hints;
	char		 name[NI_MAXHOST];
	size_t		 len;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = h->family;
	/* getaddrinfo knows only stream and datagram; DCCP resolves as TCP. */
	hints.ai_socktype = h->socktype == SOCK_DGRAM ? SOCK_DGRAM :
	    SOCK_STREAM;
	hints.ai_flags = h->passive ? AI_PASSIVE : 0;
	if (h->numeric)
		hints.ai_flags |= AI_NUMERICHOST;
	if (host != NULL && parse_unbracket(host, &len) &&
	    len < sizeof(name)) {
		memcpy(name, host + 1, len);
		name[len] = '\0';
		host = name;
		hints.ai_flags |= AI_NUMERICHOST;
	}
	return getaddrinfo(host, port, &hints, res);
}

void
addr_text(const struct sockaddr *sa, socklen_t len, char *host, char *port)
{
	struct sockaddr_in		 sin;
	const struct sockaddr_in6	*sin6;
	const struct sockaddr_un	*sun;
	size_t				 plen;

	host[0] = '\0';
	port[0] = '\0';
	if (sa->sa_family == AF_UNIX) {
		sun = (const struct sockaddr_un *)(const void *)sa;
		plen = len > offsetof(struct sockaddr_un, sun_path) ?
		    len - offsetof(struct sockaddr_un, sun_path) : 0;
		if (plen == 0) {
			(void)snprintf(host, ADDR_HOSTLEN, "(unnamed)");
		} else if (sun->sun_path[0] == '\0') {
			(void)snprintf(host, ADDR_HOSTLEN, "@%.*s",
			    (int)(plen - 1), sun->sun_path + 1);
		} else {
			(void)snprintf(host, ADDR_HOSTLEN, "%.*s",
			    (int)strnlen(sun->sun_path, plen), sun->sun_path);
		}
		return;
	}
	if (sa->sa_family == AF_INET6) {
		sin6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_port = sin6->sin6_port;
			memcpy(&sin.sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
			sa = (const struct sockaddr *)&sin;
			len = sizeof(sin);
		}
	}
	if (getnameinfo(sa, len, host, ADDR_HOSTLEN, port, ADDR_PORTLEN,
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		(void)snprintf(host, ADDR_HOSTLEN, "?");
		(void)snprintf(port, ADDR_PORTLEN, "?");
	}
}

void
addr_service(const char *proto, int port, char *buf, size_t len)
{
	struct servent	*se;

	se = getservbyport(htons((unsigned short)port), proto);
	(void)snprintf(buf, len, "%s", se != NULL ? se->s_name : "*");
}

int
addr_unix(const char *path, struct sockaddr_un *sun, socklen_t *len)
{
	size_t	plen = strlen(path);

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (path[0] == '@') {
		/* Abstract: a leading NUL, then the name, no terminator. */
		if (plen > sizeof(sun->sun_path)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sun->sun_path + 1, path + 1, plen - 1);
		*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
		    plen);
		return 0;
	}
	if (plen >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun->sun_path, path, plen + 1);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen + 1);
	return 0;
}

void
addr_peer_name(const struct sockaddr *sa, socklen_t len, const char *path,
    char *name, size_t size)
{
	char	host[ADDR_HOSTLEN], port[ADDR_PORTLEN];

	/* A Unix name is any bytes its owner chose: escaped for the line. */
	if (path != NULL) {
		(void)escape_bytes(name, size, path, strlen(path));
		return;
	}
	addr_text(sa, len, host, port);
	if (sa->sa_family == AF_UNIX)
		(void)escape_bytes(name, size, host, strlen(host));
	else
		(void)snprintf(name, size, "%s %s", host, port);
}

int
addr_port_range(const char *word, const char *proto, long *lo, long *hi)
{
	char		 left[NI_MAXSERV];
	const char	*dash;
	size_t		 n;

	*lo = *hi = addr_port_number(word, proto);
	if (*lo == ADDR_PORT_UNKNOWN) {
		/* LO-HI; a hyphenated service name was tried whole above. */
		if ((dash = strchr(word, '-')) == NULL ||
		    (n = (size_t)(dash - word)) >= sizeof(left))
			return ADDR_RANGE_BAD;
		memcpy(left, word, n);
		left[n] = '\0';
		*lo = addr_port_number(left, proto);
		*hi = addr_port_number(dash + 1, proto);
		if (*lo == ADDR_PORT_UNKNOWN || *hi == ADDR_PORT_UNKNOWN)
			return ADDR_RANGE_BAD;
	}
	if (*lo < 1 || *hi > 65535 || *lo > *hi)
		return ADDR_RANGE_OUT;
	return ADDR_RANGE_OK;
}

void
addr_set_port(struct sockaddr *sa, long port)
{
	if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)(void *)sa)->sin6_port =
		    htons((unsigned short)port);
	else if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)(void *)sa)->sin_port =
		    htons((unsigned short)port);
}

void
addr_label(const char *name, const struct sockaddr *sa, socklen_t len,
    char *out, size_t outlen)
{
	char	host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	size_t	n;

	addr_text(sa, len, host, port);
	/* "[::1]" is the address ::1 too. */
	if (strcmp(name, host) == 0 || (parse_unbracket(name, &n) &&
	    strlen(host) == n && strncmp(name + 1, host, n) == 0))
		(void)snprintf(out, outlen, "%s", name);
	else
		(void)snprintf(out, outlen, "%s (%s)", name, host);
}

bool
addr_same(const struct sockaddr *a, socklen_t alen, const struct sockaddr *b,
    socklen_t blen)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->sa_family != b->sa_family)
		return false;
	switch (a->sa_family) {
	case AF_INET:
		a4 = (const struct sockaddr_in *)(const void *)a;
		b4 = (const struct sockaddr_in *)(const void *)b;
		return a4->sin_port == b4->sin_port &&
		    a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	case AF_INET6:
		a6 = (const struct sockaddr_in6 *)(const void *)a;
		b6 = (const struct sockaddr_in6 *)(const void *)b;
		return a6->sin6_port == b6->sin6_port &&
		    a6->sin6_scope_id == b6->sin6_scope_id &&
		    memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof(a6->sin6_addr)) == 0;
	default:
		return alen == blen && memcmp(a, b, alen) == 0;
	}
}
