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
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "netopt.h"
#include "scan.h"
#include "sock.h"
#include "util.h"

#define SCAN_WAIT_MS		3000	/* -w's default per port */
#define SCAN_PARALLEL		256	/* --max-parallel's default */
#define UDP_WAIT_MAX_MS		1000	/* an ICMP answer comes at once */

enum state {
	WAITING,		/* not started */
	PROBING,		/* connect (TCP) or probe byte (UDP) out */
	PAUSED,			/* refused; --retry tries again at deadline */
	OPEN,
	FAILED			/* err says why */
};

struct probe {
	int		 port;
	enum state	 state;
	int		 fd;
	int		 err;
	long long	 deadline;
	struct addrinfo	*ai;		/* the address being tried */
	long		 pause;		/* --retry: the last pause */
};

struct scan {
	const struct options	*opt;
	struct sock_settings	 sock;	/* the options' part for sock.c */
	struct addrinfo		*res;	/* the host's addresses */
	struct addrinfo		*src[2];	/* -s/-p for IPv4, IPv6 */
	struct probe		*probes;
	size_t			 n;
	size_t			 next_start;
	size_t			 next_report;
	size_t			 active;
	size_t			 window;
	long			 wait_ms;
	long long		 next_start_at;	/* -i pacing */
	long long		 retry_until;	/* --retry; -1: none */
	bool			 any_open;
	int			*spare[2];	/* refused sockets, IPv4, IPv6 */
	size_t			 nspare[2];
};

/* The ports in the order they are scanned: as given, or shuffled (-r). */
static void
expand_ports(struct scan *sc)
{
	const struct options	*opt = sc->opt;
	const char		*proto = opt->port_proto;
	long			 lo, hi, p;
	size_t			 n = 0, i, j;
	int			 w;

	for (w = 0; w < opt->nport_words; w++) {
		(void)addr_port_range(opt->port_words[w], proto, &lo, &hi);
		n += (size_t)(hi - lo + 1);
	}
	sc->probes = xreallocarray(NULL, n, sizeof(*sc->probes));
	for (w = 0; w < opt->nport_words; w++) {
		(void)addr_port_range(opt->port_words[w], proto, &lo, &hi);
		for (p = lo; p <= hi; p++)
			sc->probes[sc->n++] = (struct probe){ (int)p, WAITING,
			    -1, 0, 0, NULL, 0 };
	}
	if (!opt->randomize)
		return;
	for (i = n; i > 1; i--) {
		struct probe	tmp;

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
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur - 16 < room)
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

#ifdef HAVE_TCP_RECONNECT
/* Keep a probe's refused, now unconnected, socket for another port. */
static void
keep(struct scan *sc, struct probe *pr)
{
	int	v6 = pr->ai->ai_family == AF_INET6;

	sc->spare[v6][sc->nspare[v6]++] = pr->fd;
	pr->fd = -1;
	sc->active--;
}
#endif

/*
 * A kept socket of the family, or -1.  Kept and probing sockets together
 * stay within the window: a new socket first costs one of the other
 * family's (a host with IPv6 and IPv4 addresses keeps both kinds).
 */
static int
spare(struct scan *sc, int v6)
{
	if (sc->nspare[v6] > 0)
		return sc->spare[v6][--sc->nspare[v6]];
	if (sc->nspare[!v6] > 0 &&
	    sc->active + sc->nspare[0] + sc->nspare[1] >= sc->window)
		(void)close(sc->spare[!v6][--sc->nspare[!v6]]);
	return -1;
}

static void
finish(struct scan *sc, struct probe *pr, int err)
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
		pr->state = WAITING;
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
		pr->state = PAUSED;
		return;
	}
	pr->state = err == 0 ? OPEN : FAILED;
	if (err == 0)
		sc->any_open = true;
}

/*
 * No descriptor that select() can take is free (sock.c refuses numbers
 * from FD_SETSIZE up as it does EMFILE): with probes out, this one waits
 * for one of them to end and the window shrinks to what fits; with none
 * out, nothing ever will, so the scan ends here.
 */
static void
no_descriptor(struct scan *sc, struct probe *pr, long long now, int err)
{
	if (sc->active == 0)
		sc_fatal(EXIT_NET, "cannot open a socket for port %d: %s "
		    "(select() takes descriptors 0 to %d only)", pr->port,
		    strerror(err), FD_SETSIZE - 1);
	if (sc->window > sc->active) {
		sc->window = sc->active;
		if (verbose)
			sc_warn("out of descriptors: scanning %zu ports at a "
			    "time", sc->window);
	}
	pr->state = PAUSED;		/* again once a probe has ended */
	pr->deadline = now;
}

/* Put one probe on the wire (or fail it at once). */
static void
start(struct scan *sc, struct probe *pr, long long now)
{
	const struct options	*opt = sc->opt;
	struct addrinfo		*src;
	enum sock_step		 what;
	bool			 pending;
	int			 fd, v6;

	if (pr->ai == NULL)
		pr->ai = sc->res;
	addr_set_port(pr->ai->ai_addr, pr->port);
	v6 = pr->ai->ai_family == AF_INET6;
	src = sc->src[v6];
	if ((fd = spare(sc, v6)) != -1 &&
	    sock_reconnect(fd, pr->ai, &pending) == -1) {
		(void)close(fd);	/* a new socket gives the answer */
		fd = -1;
	}
	if (fd == -1)
		fd = sock_connect_start(&sc->sock, pr->ai, src, &what,
		    &pending);
	if (fd == -1 && (errno == EMFILE || errno == ENFILE)) {
		no_descriptor(sc, pr, now, errno);
		return;
	}
	if (fd == -1) {
		finish(sc, pr, errno);
		return;
	}
	pr->fd = fd;
	pr->state = PROBING;
	sc->active++;
	pr->deadline = now + sc->wait_ms;
	if (opt->socktype == SOCK_DGRAM) {
		/* The byte draws an ICMP port unreachable from a closed port. */
		if (send(fd, "X", 1, 0) == -1)
			finish(sc, pr, errno);
		else if (pr->deadline > now + UDP_WAIT_MAX_MS)
			pr->deadline = now + UDP_WAIT_MAX_MS;
		return;
	}
	if (!pending)
		finish(sc, pr, self_connected(fd) ? ECONNREFUSED : 0);
}

/* A probe's socket is ready: the connect ended, or an error came. */
static void
ready(struct scan *sc, struct probe *pr)
{
	char	byte;

	if (sc->opt->socktype == SOCK_DGRAM) {
		if (recv(pr->fd, &byte, 1, 0) == -1 && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != EINTR)
			finish(sc, pr, errno);
		else
			finish(sc, pr, 0);	/* an answer: something is there */
		return;
	}
#ifdef HAVE_TCP_RECONNECT
	if (sock_connect_again(pr->fd, pr->ai) == -1) {
		int	err = errno;

		if (err == EALREADY || err == EINPROGRESS || err == EINTR) {
			/* Woken early: an error may be waiting all the same. */
			if (sock_connect_result(pr->fd) == -1)
				finish(sc, pr, errno);
			return;
		}
		keep(sc, pr);
		finish(sc, pr, err);
		return;
	}
#else
	if (sock_connect_result(pr->fd) == -1) {
		finish(sc, pr, errno);
		return;
	}
#endif
	finish(sc, pr, self_connected(pr->fd) ? ECONNREFUSED : 0);
}

static const char *
state_word(const struct probe *pr)
{
	if (pr->state == OPEN)
		return "open";
	switch (pr->err) {
	case ECONNREFUSED:
		return "closed";
	case ETIMEDOUT:
		return "filtered";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	default:
		return "error";
	}
}

/*
 * The result lines went nowhere: a reader that has gone (… | head) ends
 * the scan quietly, a failed write (disk full) with one message.
 */
static void
output_failed(const struct scan *sc, int err)
{
	if (err == EPIPE)
		exit(sc->any_open ? EXIT_OK : EXIT_NET);
	sc_fatal(EXIT_NET, "cannot write the scan results: %s", strerror(err));
}

/* Say what became of every probe whose turn has come, in order. */
static void
report(struct scan *sc)
{
	const struct options	*opt = sc->opt;
	const char		*proto = opt->port_proto;
	struct probe		*pr;
	char			 service[64], label[ADDR_LABELLEN];

	while (sc->next_report < sc->n) {
		pr = &sc->probes[sc->next_report];
		if (pr->state != OPEN && pr->state != FAILED)
			return;
		sc->next_report++;
		if (opt->scan_csv && printf("%s,%d,%s,%s\n", opt->host,
		    pr->port, proto, state_word(pr)) < 0)
			output_failed(sc, errno);
		if (verbose == 0)
			continue;
		/* "localhost (127.0.0.1)": which of its addresses it was. */
		if (pr->ai != NULL)
			addr_label(opt->host, pr->ai->ai_addr,
			    pr->ai->ai_addrlen, label, sizeof(label));
		else
			(void)snprintf(label, sizeof(label), "%s", opt->host);
		if (pr->state == OPEN) {
			addr_service(proto, pr->port, service,
			    sizeof(service));
			sc_status("Connection to %s %d port [%s/%s] "
			    "succeeded!", label, pr->port, proto, service);
		} else
			sc_warn("connect to %s port %d (%s) failed: %s",
			    label, pr->port, proto, strerror(pr->err));
	}
	if (fflush(stdout) == EOF)
		output_failed(sc, errno);
}

/* One pass: start what the window allows, wait, collect. */
static void
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
			start(sc, pr, now);
		while (pr->state == WAITING);
		if (sc->opt->interval_ms > 0)
			sc->next_start_at = now + sc->opt->interval_ms;
	}
	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	for (i = sc->next_report; i < sc->next_start; i++) {
		pr = &sc->probes[i];
		if (pr->state == PROBING)
			fd_watch(pr->fd, sc->opt->socktype == SOCK_DGRAM ?
			    &rfds : &wfds, &maxfd);
		else if (pr->state != PAUSED || sc->active >= sc->window)
			continue;	/* a paused one waits for room too */
		if (deadline < 0 || pr->deadline < deadline)
			deadline = pr->deadline;
	}
	if (sc->next_start < sc->n && sc->active < sc->window &&
	    (deadline < 0 || sc->next_start_at < deadline))
		deadline = sc->next_start_at;
	/* Nothing to wait for: just look (the loop ends when all is said). */
	n = select(maxfd + 1, &rfds, &wfds, NULL,
	    select_timeout(deadline < 0 ? now : deadline, now, &tv));
	if (n == -1 && errno != EINTR)
		sc_fatal(EXIT_NET, "select failed: %s", strerror(errno));
	now = now_ms();
	for (i = sc->next_report; i < sc->next_start; i++) {
		pr = &sc->probes[i];
		if (pr->state == PAUSED && now >= pr->deadline &&
		    sc->active < sc->window)
			pr->state = WAITING;	/* its pause is over */
		else if (pr->state != PROBING)
			continue;
		else if (n > 0 && (FD_ISSET(pr->fd, &rfds) ||
		    FD_ISSET(pr->fd, &wfds)))
			ready(sc, pr);
		else if (now >= pr->deadline)
			/* UDP: no ICMP answer means open, as nc.openbsd says. */
			finish(sc, pr, sc->opt->socktype == SOCK_DGRAM ?
			    0 : ETIMEDOUT);
		while (pr->state == WAITING)
			start(sc, pr, now);
	}
	report(sc);
}

int
scan_run(const struct options *opt)
{
	struct scan		sc;
	struct addr_hints	hints = netopt_hints(opt);
	int			gai, fam;

	memset(&sc, 0, sizeof(sc));
	sc.opt = opt;
	sc.wait_ms = opt->wait_ms >= 0 ? opt->wait_ms : SCAN_WAIT_MS;
	sc.sock = netopt_sock(opt);
	sc.retry_until = sock_retry_until(opt->retry_ms);
	if ((gai = addr_resolve(&hints, opt->host, "0", &sc.res)) != 0) {
		sc_warn("cannot resolve %s: %s", opt->host, gai_strerror(gai));
		return EXIT_NET;
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
	while (sc.next_report < sc.n)
		scan_step(&sc);
	freeaddrinfo(sc.res);
	for (fam = 0; fam < 2; fam++) {
		if (sc.src[fam] != NULL)
			freeaddrinfo(sc.src[fam]);
		while (sc.nspare[fam] > 0)
			(void)close(sc.spare[fam][--sc.nspare[fam]]);
		free(sc.spare[fam]);
	}
	free(sc.probes);
	return sc.any_open ? EXIT_OK : EXIT_NET;
}
