/*
 * scan.c: -z.  Many non-blocking connects at once under one select(),
 * within a window that select() and the descriptor limit allow; results
 * held until every port before them is reported, so the output reads as
 * a serial scan.  UDP probes send one byte and listen for the ICMP port
 * unreachable that says "closed".  It never moves payload.  Where
 * connect(2) can be asked again (Linux), a refused socket is kept and sent
 * to the next port: two system calls a closed port instead of four.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "event.h"
#include "netopt.h"
#include "scan.h"
#include "sock.h"
#include "status.h"
#include "util.h"

#define SCAN_WAIT_MS		3000	/* -w's default per port */
#define SCAN_PARALLEL		256	/* --max-parallel's default */
#define UDP_WAIT_MAX_MS		1000	/* an ICMP answer comes at once */

enum probe_state {
	PROBE_WAITING,		/* not started */
	PROBE_ON_WIRE,		/* connect (TCP) or probe byte (UDP) out */
	PROBE_PAUSED,		/* refused; --retry tries again at deadline */
	PROBE_OPEN,
	PROBE_FAILED		/* err says why */
};

/* Why a scan ended before every port was reported. */
enum scan_stop {
	SCAN_GOING,
	SCAN_NO_DESCRIPTOR,	/* none free, and no probe out to free one */
	SCAN_SELECT_FAILED,
	SCAN_OUTPUT_FAILED	/* the result lines could not be written */
};

struct probe {
	int			 port;
	enum probe_state	 state;
	int			 fd;
	int			 err;
	long long		 deadline;
	const struct addrinfo	*ai;	/* the host's address being tried */
	struct addrinfo		 to;	/* ai, but its ai_addr is addr: */
	union {				/* the probe's own, with its port */
		struct sockaddr		sa;
		struct sockaddr_in	v4;
		struct sockaddr_in6	v6;
	}			 addr;
	long			 pause;	/* --retry: the last pause */
	long long		 started, ms;	/* its first start; took */
};

struct scan {
	const struct options	*opt;
	const char		*proto;	/* "tcp" or "udp" */
	struct sock_settings	 sock;	/* the options' part for sock.c */
	struct addrinfo		*res;	/* the host's addresses */
	struct addrinfo		*src[2];	/* -s/-p for IPv4, IPv6 */
	struct probe		*probes;
	size_t			 n;		/* ports */
	size_t			 next_start, next_report;
	size_t			 active, window; /* probes out; at most */
	long			 wait_ms;
	long long		 next_start_at;	/* -i pacing */
	long long		 retry_until;	/* --retry; -1: none */
	bool			 any_open;
	int			*spare[2];	/* refused sockets, v4 and v6 */
	size_t			 nspare[2];
	enum scan_stop		 stop;
	int			 stop_err;	/* errno of the stop */
	int			 stop_port;	/* SCAN_NO_DESCRIPTOR's port */
};

/* The ports in the order they are scanned: as given, or shuffled (-r). */
static void
expand_ports(struct scan *sc)
{
	const struct options	*opt = sc->opt;
	long			 lo, hi, p;
	size_t			 i, j;
	int			 w;
	struct probe		 tmp;

	for (w = 0; w < opt->nport_words; w++) {
		(void)addr_port_range(opt->port_words[w], sc->proto, &lo, &hi);
		sc->probes = xreallocarray(sc->probes, sc->n +
		    (size_t)(hi - lo + 1), sizeof(*sc->probes));
		for (p = lo; p <= hi; p++)
			sc->probes[sc->n++] = (struct probe){ .port = (int)p,
			    .state = PROBE_WAITING, .fd = -1 };
	}
	if (!opt->randomize)
		return;
	for (i = sc->n; i > 1; i--) {
		j = (size_t)random() % i;
		tmp = sc->probes[i - 1];
		sc->probes[i - 1] = sc->probes[j];
		sc->probes[j] = tmp;
	}
}

/* How many probes may be out at once: never past select() or rlimit. */
static size_t
window_size(const struct options *opt)
{
	struct rlimit	rl;
	long		want = opt->max_parallel > 0 ? opt->max_parallel :
			    SCAN_PARALLEL;
	long		room = FD_SETSIZE - 16;

	if (opt->interval_ms > 0)
		return 1;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && (long)rl.rlim_cur - 16 < room)
		room = (long)rl.rlim_cur - 16;
	if (room < 1)
		room = 1;
	return (size_t)(want < room ? want : room);
}

/* A connected socket whose peer is itself: TCP simultaneous open. */
static bool
self_connected(int fd)
{
	struct sockaddr_storage	a, b;
	socklen_t		alen = sizeof(a), blen = sizeof(b);

	if (getsockname(fd, (struct sockaddr *)&a, &alen) == -1 ||
	    getpeername(fd, (struct sockaddr *)&b, &blen) == -1)
		return false;
	return alen == blen && memcmp(&a, &b, alen) == 0;
}

/*
 * A kept socket of the family, or -1.  Kept and probing sockets together
 * stay within the window: a new socket first costs one of the other
 * family's (a host with IPv6 and IPv4 addresses keeps both kinds).
 */
static int
spare_take(struct scan *sc, int v6)
{
	if (sc->nspare[v6] > 0)
		return sc->spare[v6][--sc->nspare[v6]];
	if (sc->nspare[!v6] > 0 &&
	    sc->active + sc->nspare[0] + sc->nspare[1] >= sc->window)
		(void)close(sc->spare[!v6][--sc->nspare[!v6]]);
	return -1;
}

/* A probe is over (err 0: open), or goes again: another address, --retry. */
static void
probe_finish(struct scan *sc, struct probe *pr, int err)
{
	long long	now;

	if (pr->fd != -1) {
		(void)close(pr->fd);
		pr->fd = -1;
		sc->active--;
	}
	/* Another address of the host may answer where this one did not. */
	if (err != 0 && pr->ai != NULL && pr->ai->ai_next != NULL) {
		pr->ai = pr->ai->ai_next;
		pr->state = PROBE_WAITING;
		pr->err = err;
		return;
	}
	pr->err = err;
	/* --retry: a port nobody listens on yet gets another go. */
	if (err != 0 && sock_refused(err) && sc->retry_until >= 0 &&
	    (now = now_ms()) < sc->retry_until) {
		pr->pause = sock_retry_pause(pr->pause);
		pr->deadline = now + pr->pause < sc->retry_until ?
		    now + pr->pause : sc->retry_until;
		pr->ai = NULL;
		pr->state = PROBE_PAUSED;
		return;
	}
	pr->state = err == 0 ? PROBE_OPEN : PROBE_FAILED;
	pr->ms = now_ms() - pr->started;
	if (err == 0)
		sc->any_open = true;
}

/* The scan cannot go on: why, and errno.  Returns -1 to pass up. */
static int
scan_stop(struct scan *sc, enum scan_stop why, int err)
{
	sc->stop = why;
	sc->stop_err = err;
	return -1;
}

/*
 * No descriptor select() can take is free (sock.c refuses FD_SETSIZE and
 * up as EMFILE): with probes out, this one waits for one of them to end
 * and the window shrinks to fit; with none out, the scan stops (-1).
 */
static int
no_descriptor(struct scan *sc, struct probe *pr, long long now, int err)
{
	if (sc->active == 0) {
		sc->stop_port = pr->port;
		return scan_stop(sc, SCAN_NO_DESCRIPTOR, err);
	}
	if (sc->window > sc->active) {
		sc->window = sc->active;
		if (verbose)
			sc_warn("out of descriptors: scanning %zu ports at a "
			    "time", sc->window);
	}
	pr->state = PROBE_PAUSED;	/* again once a probe has ended */
	pr->deadline = now;
	return 0;
}

/* Put one probe on the wire (or fail it at once).  0, or -1: stop. */
static int
probe_start(struct scan *sc, struct probe *pr, long long now)
{
	enum sock_step		 what;
	bool			 pending;
	int			 fd, v6;

	if (pr->ai == NULL)
		pr->ai = sc->res;
	if (pr->started == 0)
		pr->started = now;
	memcpy(&pr->addr, pr->ai->ai_addr, pr->ai->ai_addrlen);
	addr_set_port(&pr->addr.sa, pr->port);
	pr->to = *pr->ai;
	pr->to.ai_addr = &pr->addr.sa;
	pr->to.ai_next = NULL;
	v6 = pr->to.ai_family == AF_INET6;
	if ((fd = spare_take(sc, v6)) != -1 &&
	    sock_reconnect(fd, &pr->to, &pending) == -1) {
		(void)close(fd);	/* a new socket gives the answer */
		fd = -1;
	}
	if (fd == -1)
		fd = sock_connect_start(&sc->sock, &pr->to, sc->src[v6],
		    &what, &pending);
	if (fd == -1 && (errno == EMFILE || errno == ENFILE))
		return no_descriptor(sc, pr, now, errno);
	if (fd == -1) {
		probe_finish(sc, pr, errno);
		return 0;
	}
	pr->fd = fd;
	pr->state = PROBE_ON_WIRE;
	sc->active++;
	pr->deadline = now + sc->wait_ms;
	if (sc->opt->socktype == SOCK_DGRAM) {
		/* A closed port answers the byte: ICMP port unreachable. */
		if (send(fd, "X", 1, 0) == -1)
			probe_finish(sc, pr, errno);
		else if (pr->deadline > now + UDP_WAIT_MAX_MS)
			pr->deadline = now + UDP_WAIT_MAX_MS;
	} else if (!pending)
		probe_finish(sc, pr, self_connected(fd) ? ECONNREFUSED : 0);
	return 0;
}

/* A probe's socket is ready: the connect ended, or an error came. */
static void
probe_ready(struct scan *sc, struct probe *pr)
{
	char	byte;
#ifdef HAVE_TCP_RECONNECT
	int	err, v6 = pr->to.ai_family == AF_INET6;
#endif

	if (sc->opt->socktype == SOCK_DGRAM) {
		if (recv(pr->fd, &byte, 1, 0) == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR)
			probe_finish(sc, pr, errno);
		else	/* an answer: something is there */
			probe_finish(sc, pr, 0);
		return;
	}
#ifdef HAVE_TCP_RECONNECT
	if (sock_connect_again(pr->fd, &pr->to) == -1) {
		err = errno;
		if (err == EALREADY || err == EINPROGRESS || err == EINTR) {
			/* Woken early: an error may be waiting all the same. */
			if (sock_connect_result(pr->fd) == -1)
				probe_finish(sc, pr, errno);
			return;
		}
		/* Refused, and unconnected again: kept for another port. */
		sc->spare[v6][sc->nspare[v6]++] = pr->fd;
		pr->fd = -1;
		sc->active--;
		probe_finish(sc, pr, err);
		return;
	}
#else
	if (sock_connect_result(pr->fd) == -1) {
		probe_finish(sc, pr, errno);
		return;
	}
#endif
	probe_finish(sc, pr, self_connected(pr->fd) ? ECONNREFUSED : 0);
}

/* Say what became of each probe whose turn has come, in order; or -1. */
static int
report(struct scan *sc)
{
	const struct options	*opt = sc->opt;
	const char		*proto = sc->proto;
	struct probe		*pr;
	char			 service[64], label[ADDR_LABELLEN];

	while (sc->next_report < sc->n) {
		pr = &sc->probes[sc->next_report];
		if (pr->state != PROBE_OPEN && pr->state != PROBE_FAILED)
			return 0;	/* the rest wait for this one */
		sc->next_report++;
		if (event_scan(opt, pr->to.ai_addr, pr->to.ai_addrlen,
		    pr->port, pr->state == PROBE_OPEN ? 0 : pr->err,
		    pr->ms) == -1)
			return scan_stop(sc, SCAN_OUTPUT_FAILED, errno);
		if (verbose == 0)
			continue;
		/* "localhost (127.0.0.1)": which of its addresses it was. */
		addr_label(opt->host, pr->to.ai_addr, pr->to.ai_addrlen, label,
		    sizeof(label));
		if (pr->state == PROBE_OPEN) {
			addr_service(proto, pr->port, service,
			    sizeof(service));
			sc_status("Connection to %s %d port [%s/%s] "
			    "succeeded!", label, pr->port, proto, service);
		} else
			sc_warn("connect to %s port %d (%s) failed: %s",
			    label, pr->port, proto, strerror(pr->err));
	}
	if (fflush(stdout) == EOF)
		return scan_stop(sc, SCAN_OUTPUT_FAILED, errno);
	return 0;
}

/* One pass: start what the window allows, wait, collect.  0, or -1. */
static int
scan_step(struct scan *sc)
{
	struct timeval	 tv;
	struct probe	*pr;
	fd_set		 rfds, wfds;
	long long	 now = now_ms(), deadline = -1;
	size_t		 i;
	int		 maxfd = -1, n;

	while (sc->active < sc->window && sc->next_start < sc->n &&
	    now >= sc->next_start_at) {
		pr = &sc->probes[sc->next_start++];
		/* A probe that failed over to another address goes again. */
		do
			if (probe_start(sc, pr, now) == -1)
				return -1;
		while (pr->state == PROBE_WAITING);
		if (sc->opt->interval_ms > 0)
			sc->next_start_at = now + sc->opt->interval_ms;
	}
	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	for (i = sc->next_report; i < sc->next_start; i++) {
		pr = &sc->probes[i];
		if (pr->state == PROBE_ON_WIRE)
			fd_watch(pr->fd, sc->opt->socktype == SOCK_DGRAM ?
			    &rfds : &wfds, &maxfd);
		else if (pr->state != PROBE_PAUSED ||
		    sc->active >= sc->window)
			continue;	/* a paused one waits for room too */
		deadline = deadline_sooner(deadline, pr->deadline);
	}
	if (sc->next_start < sc->n && sc->active < sc->window)
		deadline = deadline_sooner(deadline, sc->next_start_at);
	/* Nothing to wait for: just look (the loop ends when all is said). */
	n = select(maxfd + 1, &rfds, &wfds, NULL,
	    select_timeout(deadline < 0 ? now : deadline, now, &tv));
	if (n == -1 && errno != EINTR)
		return scan_stop(sc, SCAN_SELECT_FAILED, errno);
	now = now_ms();
	for (i = sc->next_report; i < sc->next_start; i++) {
		pr = &sc->probes[i];
		if (pr->state == PROBE_PAUSED && now >= pr->deadline &&
		    sc->active < sc->window)
			pr->state = PROBE_WAITING;	/* its pause is over */
		else if (pr->state != PROBE_ON_WIRE)
			continue;
		else if (n > 0 && (FD_ISSET(pr->fd, &rfds) ||
		    FD_ISSET(pr->fd, &wfds)))
			probe_ready(sc, pr);
		else if (now >= pr->deadline)
			/* UDP: no ICMP answer means open (nc.openbsd too). */
			probe_finish(sc, pr, sc->opt->socktype == SOCK_DGRAM ?
			    0 : ETIMEDOUT);
		while (pr->state == PROBE_WAITING)
			if (probe_start(sc, pr, now) == -1)
				return -1;
	}
	return report(sc);
}

/* The exit status, and the one line on why a scan stopped early. */
static int
scan_status(const struct scan *sc)
{
	if (sc->stop == SCAN_NO_DESCRIPTOR)
		sc_warn("cannot open a socket for port %d: %s (select() "
		    "takes descriptors 0 to %d only)", sc->stop_port,
		    strerror(sc->stop_err), FD_SETSIZE - 1);
	else if (sc->stop == SCAN_SELECT_FAILED)
		sc_warn("select failed: %s", strerror(sc->stop_err));
	else if (sc->stop == SCAN_OUTPUT_FAILED && sc->stop_err != EPIPE) {
		sc_warn("cannot write the scan results: %s",
		    strerror(sc->stop_err));
		return exit_for(sc->opt, FAIL_WRITE);
	} else	/* done, or a reader that has gone (… | head): quietly */
		return sc->any_open ? EXIT_OK : EXIT_NET;
	return EXIT_NET;
}

int
scan_run(const struct options *opt)
{
	struct scan		sc;
	struct addr_hints	hints = netopt_hints(opt);
	size_t			i;
	int			gai, fam, status;

	memset(&sc, 0, sizeof(sc));
	sc.opt = opt;
	sc.proto = opt->port_proto;
	sc.wait_ms = opt->wait_ms >= 0 ? opt->wait_ms : SCAN_WAIT_MS;
	sc.sock = netopt_sock(opt);
	sc.retry_until = sock_retry_until(opt->retry_ms);
	if ((gai = addr_resolve(&hints, opt->host, "0", &sc.res)) != 0) {
		sc_warn("cannot resolve %s: %s", opt->host, gai_strerror(gai));
		return exit_for(opt, FAIL_RESOLVE);
	}
	for (fam = 0; fam < 2; fam++)
		if ((gai = netopt_source(opt, &hints, fam ? AF_INET6 : AF_INET,
		    &sc.src[fam])) != 0 && opt->source != NULL &&
		    verbose > 1)
			sc_warn("cannot resolve source %s for IPv%d: %s",
			    opt->source, fam ? 6 : 4, gai_strerror(gai));
	expand_ports(&sc);
	sc.window = window_size(opt);
	for (fam = 0; fam < 2; fam++)
		sc.spare[fam] = xreallocarray(NULL, sc.window, sizeof(int));
	while (sc.next_report < sc.n && scan_step(&sc) == 0)
		continue;
	status = scan_status(&sc);
	for (i = sc.next_report; i < sc.next_start; i++)
		if (sc.probes[i].fd != -1)
			(void)close(sc.probes[i].fd);	/* stopped early */
	freeaddrinfo(sc.res);
	for (fam = 0; fam < 2; fam++) {
		if (sc.src[fam] != NULL)
			freeaddrinfo(sc.src[fam]);
		while (sc.nspare[fam] > 0)
			(void)close(sc.spare[fam][--sc.nspare[fam]]);
		free(sc.spare[fam]);
	}
	free(sc.probes);
	return status;
}
