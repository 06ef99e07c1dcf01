/*
 * connect.c: connect mode's socket.  Every address the name has is tried:
 * the families take turns and a new attempt starts every 250 ms, or as
 * soon as one fails, while the earlier ones go on (RFC 8305, Happy
 * Eyeballs); each is bounded by -w and the first to connect wins.  With
 * --retry, a round in which every address refused or was unreachable is
 * run again until the time is up.  With -x the addresses raced are the
 * proxy's, and proxy.c then asks it for HOST PORT.  Unix-domain clients
 * are here too.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "connect.h"
#include "netopt.h"
#include "proxy.h"
#include "sock.h"
#include "sockunix.h"
#include "status.h"
#include "util.h"

#define ATTEMPT_DELAY_MS	250	/* RFC 8305's attempt delay */

/* Results of race() besides the index of the attempt that won. */
#define RACE_LOST	(-1)	/* every attempt failed, each with its err */
#define RACE_ERROR	(-2)	/* select(2) failed, errno says why */

/* One connect, with the options' part for addr.c and sock.c taken once. */
struct dial {
	const struct options	*opt;
	struct addr_hints	 hints;
	struct sock_settings	 sock;
};

struct attempt {
	struct addrinfo	*ai;
	int		 fd;		/* -1: not started, or over */
	int		 err;		/* why it failed; 0: it did not */
	enum sock_step	 step;		/* the step that failed */
	long long	 deadline;	/* -w; -1: none */
};

/* A private name for a Unix datagram client's reply socket. */
static int
unix_reply_path(char *path, size_t len)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, len, "%s/sockcat.XXXXXX", dir) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(path)) == -1)
		return -1;
	/* The name is ours; bind(2) wants it free. */
	(void)close(fd);
	(void)unlink(path);
	return 0;
}

/*
 * --retry: whether to go again, after the next of sock_retry_pause()'s
 * pauses; never past until (-1: no --retry).
 */
static bool
retry_pause(long long until, long *pause)
{
	long long	now = now_ms();

	if (until < 0 || now >= until)
		return false;
	*pause = sock_retry_pause(*pause);
	sleep_ms(*pause < until - now ? *pause : (long)(until - now));
	return true;
}

static int
open_unix_client(const struct dial *d)
{
	const struct options	*opt = d->opt;
	char			 reply[108];
	const char		*src = opt->source;
	enum sock_step		 step;
	long long		 until = sock_retry_until(opt->retry_ms);
	long			 pause = 0;
	int			 fd;

	if (opt->socktype == SOCK_DGRAM && src == NULL) {
		if (unix_reply_path(reply, sizeof(reply)) == -1) {
			sc_warn("cannot make a reply socket: %s",
			    strerror(errno));
			return -1;
		}
		src = reply;
	}
	/* Nobody there yet: no socket file, or nobody listening on it. */
	while ((fd = sock_unix_connect(&d->sock, opt->path, src, opt->wait_ms,
	    &step)) == -1 && step == STEP_CONNECT &&
	    (errno == ENOENT || errno == ECONNREFUSED) &&
	    retry_pause(until, &pause))
		;
	if (fd == -1) {
		fail_note(step == STEP_BIND ? FAIL_BIND : fail_of_errno(errno));
		sc_warn("%s %s failed: %s", sock_step_word(step),
		    step == STEP_BIND ? src : opt->path, strerror(errno));
		return -1;
	}
	/* Only once the bind is ours: never remove someone else's file. */
	if (src != NULL)
		unlink_at_exit(src);
	sc_status("Connection to %s succeeded!", opt->path);
	return fd;
}

/* -v: nc.openbsd's line; through a proxy, HOST PORT as given. */
static void
say_connected(const struct options *opt, const struct addrinfo *ai)
{
	char	label[ADDR_LABELLEN], host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	char	service[64];

	if (verbose == 0)
		return;
	if (ai == NULL) {
		(void)snprintf(label, sizeof(label), "%s", opt->host);
		(void)snprintf(port, sizeof(port), "%ld",
		    addr_port_number(opt->port, "tcp"));
	} else {
		addr_text(ai->ai_addr, ai->ai_addrlen, host, port);
		addr_label(opt->host, ai->ai_addr, ai->ai_addrlen, label,
		    sizeof(label));
	}
	addr_service(opt->proto, atoi(port), service, sizeof(service));
	sc_status("Connection to %s %s port [%s/%s] succeeded!", label, port,
	    opt->proto, service);
}

/*
 * The order to try the addresses in (RFC 8305, section 4): getaddrinfo's
 * order within each family, the families taking turns, the first
 * address's family first.
 */
static size_t
interleave(struct addrinfo *res, struct attempt **out)
{
	struct attempt	*at;
	struct addrinfo	*ai, *same = res, *other = res;
	size_t		 n = 0, i = 0;

	for (ai = res; ai != NULL; ai = ai->ai_next)
		n++;
	at = xreallocarray(NULL, n, sizeof(*at));
	while (i < n) {
		/* The next address of the first family, then of the others. */
		while (same != NULL && same->ai_family != res->ai_family)
			same = same->ai_next;
		if (same != NULL) {
			at[i++].ai = same;
			same = same->ai_next;
		}
		while (other != NULL && other->ai_family == res->ai_family)
			other = other->ai_next;
		if (other != NULL) {
			at[i++].ai = other;
			other = other->ai_next;
		}
	}
	*out = at;
	return n;
}

/* Start attempt a: its socket, or a failure recorded.  1: connected. */
static int
attempt_start(const struct dial *d, struct attempt *a, long long now)
{
	const struct options	*opt = d->opt;
	struct addrinfo		*src;
	bool			 pending;
	int			 gai;

	a->fd = -1;
	a->err = 0;
	a->step = STEP_CONNECT;
	a->deadline = opt->wait_ms >= 0 ? now + opt->wait_ms : -1;
	if ((gai = netopt_source(opt, &d->hints, a->ai->ai_family,
	    &src)) != 0) {
		sc_warn("cannot resolve source %s port %s: %s",
		    opt->source != NULL ? opt->source : "(any)",
		    opt->source_port != NULL ? opt->source_port : "0",
		    gai_strerror(gai));
		a->err = EADDRNOTAVAIL;
		a->step = STEP_BIND;
		return 0;
	}
	a->fd = sock_connect_start(&d->sock, a->ai, src, &a->step, &pending);
	if (a->fd == -1)
		a->err = errno;
	if (src != NULL)
		freeaddrinfo(src);
	return a->fd != -1 && !pending;
}

static void
attempt_fail(struct attempt *a, int err)
{
	(void)close(a->fd);
	a->fd = -1;
	a->err = err;
}

/*
 * One round over every address.  Returns the index of the attempt that
 * connected, RACE_LOST when all have failed (each with its err), or
 * RACE_ERROR; attempts still open are the caller's to close.
 */
static int
race(const struct dial *d, struct attempt *at, size_t n)
{
	struct timeval	tv;
	fd_set		wfds;
	long long	now, next_at = 0, deadline;
	size_t		next = 0, active = 0, i;
	int		maxfd, r;

	for (;;) {
		now = now_ms();
		if (next < n && (active == 0 || now >= next_at)) {
			r = attempt_start(d, &at[next], now);
			if (r == 1)
				return (int)next;
			if (at[next++].fd != -1) {
				active++;
				next_at = now + ATTEMPT_DELAY_MS;
			} else
				next_at = now;	/* failed: the next one now */
			continue;
		}
		if (active == 0)
			return RACE_LOST;
		FD_ZERO(&wfds);
		maxfd = -1;
		deadline = next < n ? next_at : -1;
		for (i = 0; i < next; i++) {
			if (at[i].fd == -1)
				continue;
			fd_watch(at[i].fd, &wfds, &maxfd);
			if (at[i].deadline >= 0 && (deadline < 0 ||
			    at[i].deadline < deadline))
				deadline = at[i].deadline;
		}
		if (select(maxfd + 1, NULL, &wfds, NULL,
		    select_timeout(deadline, now, &tv)) == -1) {
			if (errno == EINTR)
				continue;
			return RACE_ERROR;
		}
		now = now_ms();
		for (i = 0; i < next; i++) {
			if (at[i].fd == -1)
				continue;
			if (FD_ISSET(at[i].fd, &wfds)) {
				if (sock_connect_result(at[i].fd) == 0)
					return (int)i;
				attempt_fail(&at[i], errno);
			} else if (at[i].deadline >= 0 &&
			    now >= at[i].deadline)
				attempt_fail(&at[i], ETIMEDOUT);
			else
				continue;
			active--;
			next_at = now;		/* the next one at once */
		}
	}
}

/* Worth another round under --retry: nobody listens there yet. */
static bool
all_refused(const struct attempt *at, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!sock_refused(at[i].err))
			return false;
	return true;
}

/*
 * The attempts of the last round that failed, in the order started: all
 * of them, or only the last (a failed connect is always reported).
 */
static void
report_failures(const struct options *opt, const char *name,
    const char *port, const struct attempt *at, size_t n, bool all)
{
	char	label[ADDR_LABELLEN];
	size_t	i, last = 0;

	for (i = 0; i < n; i++)
		if (at[i].err != 0)
			last = i;
	for (i = all ? 0 : last; i <= last && i < n; i++) {
		if (at[i].err == 0)
			continue;
		addr_label(name, at[i].ai->ai_addr, at[i].ai->ai_addrlen,
		    label, sizeof(label));
		sc_warn("%s to %s port %s (%s) failed: %s",
		    sock_step_word(at[i].step), label, port, opt->proto,
		    strerror(at[i].err));
	}
}

/*
 * Race every address of name port (the host's, or the proxy's) as --retry
 * allows; -v says which one answered when it is the host.
 */
static int
connect_name(const struct dial *d, const char *name, const char *port)
{
	const struct options	*opt = d->opt;
	struct addrinfo		*res;
	struct attempt		*at;
	long long		 until;
	long			 pause = 0;
	size_t			 n, i;
	int			 gai, won, fd = -1;

	if ((gai = addr_resolve(&d->hints, name, port, &res)) != 0) {
		sc_warn("cannot resolve %s port %s: %s", name, port,
		    gai_strerror(gai));
		fail_note(FAIL_RESOLVE);
		return -1;
	}
	n = interleave(res, &at);
	until = sock_retry_until(opt->retry_ms);
	do {
		for (i = 0; i < n; i++)
			at[i].fd = -1, at[i].err = 0;
		won = race(d, at, n);
	} while (won == RACE_LOST && all_refused(at, n) &&
	    retry_pause(until, &pause));
	if (won == RACE_ERROR)
		sc_warn("select failed: %s", strerror(errno));
	else if (won == RACE_LOST) {
		report_failures(opt, name, port, at, n, verbose > 0);
		/* --exit-detail: the last attempt started says why. */
		fail_note(at[n - 1].step == STEP_BIND ? FAIL_BIND :
		    fail_of_errno(at[n - 1].err));
	} else if (verbose > 0)
		report_failures(opt, name, port, at, n, true);
	/* The winner's rivals are dropped, not reported. */
	for (i = 0; i < n; i++)
		if ((int)i != won && at[i].fd != -1)
			(void)close(at[i].fd);
	if (won >= 0) {
		fd = at[won].fd;
		if (opt->proxy_host == NULL)
			say_connected(opt, at[won].ai);
	}
	free(at);
	freeaddrinfo(res);
	return fd;
}

int
connect_open(const struct options *opt)
{
	struct dial	d = { .opt = opt, .hints = netopt_hints(opt),
			    .sock = netopt_sock(opt) };
	int		fd;

	if (opt->unixsock)
		return open_unix_client(&d);
	if (opt->proxy_host == NULL)
		return connect_name(&d, opt->host, opt->port);
	if ((fd = connect_name(&d, opt->proxy_host, opt->proxy_port)) == -1)
		return -1;
	if (proxy_handshake(opt, fd) == -1) {
		(void)close(fd);
		return -1;
	}
	say_connected(opt, NULL);
	return fd;
}
