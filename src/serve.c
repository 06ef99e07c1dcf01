/*
 * serve.c: the listening side: bind as the options say (a dual-stack
 * wildcard by default), report what -v promises, take one client and
 * hand it to the pump.  It never touches the payload.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "serve.h"
#include "sock.h"
#include "util.h"

static const char *
proto_name(const struct options *opt)
{
	if (opt->unixsock)
		return "unix";
	if (opt->dccp)
		return "dccp";
	return opt->socktype == SOCK_DGRAM ? "udp" : "tcp";
}

/* "Listening on" for stream sockets, "Bound on" for datagram ones. */
static void
say_bound(const struct options *opt, int fd, int dual)
{
	const char		*verb = opt->socktype == SOCK_DGRAM ?
				    "Bound on" : "Listening on";
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	char			 host[ADDR_HOSTLEN], port[ADDR_PORTLEN];

	if (verbose == 0)
		return;
	if (opt->unixsock) {
		sc_status("%s %s", verb, opt->path);
		return;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return;
	addr_text((struct sockaddr *)&ss, len, host, port);
	/* A dual-stack wildcard serves both families: say so, v4 first. */
	if (dual)
		sc_status("%s 0.0.0.0 %s", verb, port);
	sc_status("%s %s %s", verb, host, port);
}

static void
say_received(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len)
{
	char	host[ADDR_HOSTLEN], port[ADDR_PORTLEN];

	if (verbose == 0)
		return;
	addr_text((const struct sockaddr *)peer, len, host, port);
	/* Unix stream clients are mostly unnamed: name the listener's path. */
	if (opt->unixsock && opt->socktype != SOCK_DGRAM)
		sc_status("Connection received on %s", opt->path);
	else if (opt->unixsock)
		sc_status("Connection received on %s", host);
	else
		sc_status("Connection received on %s %s", host, port);
}

/*
 * Bind the first address that takes it.  With no ADDR and no -4/-6, one
 * IPv6 socket with IPV6_V6ONLY off serves both families; where IPv6 is
 * missing, IPv4 alone.  *dual tells which happened.
 */
static int
open_inet_listener(const struct options *opt, int *dual)
{
	struct options		 o6 = *opt;
	struct addrinfo		*res = NULL, *ai;
	const char		*what = "bind";
	char			 host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	int			 fd = -1, gai, v6only = SOCK_V6ONLY_DEFAULT;
	int			 saved = 0;

	*dual = 0;
	if (opt->host == NULL && opt->family == AF_UNSPEC) {
		o6.family = AF_INET6;
		if (addr_resolve(&o6, NULL, opt->port, 1, &res) == 0) {
			fd = sock_listen(opt, res, SOCK_V6ONLY_OFF, &what);
			saved = errno;
			if (fd != -1) {
				*dual = 1;
				freeaddrinfo(res);
				return fd;
			}
			freeaddrinfo(res);
			res = NULL;
			/* No IPv6 here: plain IPv4 below.  Anything else is real. */
			if (saved != EAFNOSUPPORT && saved != EADDRNOTAVAIL)
				goto failed;
		}
	}
	if (opt->family == AF_INET6)
		v6only = SOCK_V6ONLY_ON;
	gai = addr_resolve(opt, opt->host, opt->port, 1, &res);
	if (gai != 0) {
		sc_warn("cannot resolve %s port %s: %s",
		    opt->host != NULL ? opt->host : "(any)", opt->port,
		    gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = sock_listen(opt, ai, v6only, &what);
		if (fd != -1)
			break;
		saved = errno;
		if (verbose > 0 && ai->ai_next != NULL) {
			addr_text(ai->ai_addr, ai->ai_addrlen, host, port);
			sc_warn("%s %s port %s (%s) failed: %s", what, host,
			    port, proto_name(opt), strerror(saved));
		}
	}
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
failed:
	sc_warn("%s %s port %s (%s) failed: %s", what,
	    opt->host != NULL ? opt->host : "(any)", opt->port,
	    proto_name(opt), strerror(saved));
	return -1;
}

static int
open_listener(const struct options *opt, int *dual)
{
	const char	*what;
	int		 fd;

	*dual = 0;
	if (!opt->unixsock)
		return open_inet_listener(opt, dual);
	fd = sock_unix_listen(opt, opt->path, &what);
	if (fd == -1) {
		if (errno == ENOTSOCK)
			sc_warn("%s exists and is not a socket", opt->path);
		else if (errno == EADDRINUSE)
			sc_warn("%s: address already in use", opt->path);
		else
			sc_warn("%s %s failed: %s", what, opt->path,
			    strerror(errno));
		return -1;
	}
	unlink_at_exit(opt->path);
	return fd;
}

int
serve_run(const struct options *opt, struct tap *tap, struct pump_result *res)
{
	struct sockaddr_storage	 peer;
	struct pump_io		 io;
	socklen_t		 len;
	int			 lfd, fd, dual;

	if ((lfd = open_listener(opt, &dual)) == -1)
		return -1;
	say_bound(opt, lfd, dual);
	if (opt->socktype == SOCK_DGRAM) {
		/* The first datagram's sender becomes the peer. */
		if (sock_take_peer(lfd, &peer, &len) == -1) {
			sc_warn("receive failed: %s", strerror(errno));
			(void)close(lfd);
			return -1;
		}
		fd = lfd;
	} else {
		fd = sock_accept(lfd, &peer, &len);
		if (fd == -1) {
			sc_warn("accept failed: %s", strerror(errno));
			(void)close(lfd);
			return -1;
		}
		/* One-shot: no second client may queue behind this one. */
		(void)close(lfd);
	}
	say_received(opt, &peer, len);
	io = (struct pump_io){ fd, fd, STDIN_FILENO, STDOUT_FILENO, tap };
	pump_run(opt, &io, res);
	(void)close(fd);
	return 0;
}
