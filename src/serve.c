/*
 * serve.c: the listening side: bind as the options say (a dual-stack
 * wildcard by default), report what -v promises, take clients through
 * admit.c's door, and serve each through session_run(): once, one after
 * another (-k), each in a child (--fork), or a datagram listener's first
 * peer or every sender (-u -k); --broker and --chat are handed to
 * broker.c.  It never touches the payload.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "admit.h"
#include "broker.h"
#include "exec.h"
#include "netopt.h"
#include "ready.h"
#include "serve.h"
#include "session.h"
#include "sock.h"
#include "sockunix.h"
#include "status.h"
#include "util.h"

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

/* admit_sender() for the pump's -u -k datagrams: quiet. */
static bool
admit_datagram(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len)
{
	return admit_sender(opt, peer, len, true);
}

/*
 * Bind the first address that takes it.  With no ADDR and no -4/-6, one
 * IPv6 socket with IPV6_V6ONLY off serves both families; where IPv6 is
 * missing, IPv4 alone.  *dual tells which happened.
 */
static int
open_inet_listener(const struct options *opt, const struct sock_settings *ss,
    int *dual)
{
	struct addr_hints	 hints = netopt_hints(opt), h6;
	struct addrinfo		*res = NULL, *ai;
	enum sock_step		 step = STEP_BIND;
	char			 host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	int			 fd = -1, gai, v6only = SOCK_V6ONLY_DEFAULT;
	int			 saved = 0;

	*dual = 0;
	hints.passive = true;
	if (opt->listen_host == NULL && opt->family == AF_UNSPEC) {
		h6 = hints;
		h6.family = AF_INET6;
		if (addr_resolve(&h6, NULL, opt->listen_port, &res) == 0) {
			fd = sock_listen(ss, res, SOCK_V6ONLY_OFF, &step);
			saved = errno;
			if (fd != -1) {
				*dual = 1;
				freeaddrinfo(res);
				return fd;
			}
			freeaddrinfo(res);
			res = NULL;
			/* No IPv6 here: IPv4 below; anything else is real. */
			if (saved != EAFNOSUPPORT && saved != EADDRNOTAVAIL)
				goto failed;
		}
	}
	if (opt->family == AF_INET6)
		v6only = SOCK_V6ONLY_ON;
	gai = addr_resolve(&hints, opt->listen_host, opt->listen_port, &res);
	if (gai != 0) {
		sc_warn("cannot resolve %s port %s: %s",
		    opt->listen_host != NULL ? opt->listen_host : "(any)",
		    opt->listen_port, gai_strerror(gai));
		fail_note(FAIL_RESOLVE);
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = sock_listen(ss, ai, v6only, &step);
		if (fd != -1)
			break;
		saved = errno;
		if (verbose > 0 && ai->ai_next != NULL) {
			addr_text(ai->ai_addr, ai->ai_addrlen, host, port);
			sc_warn("%s %s port %s (%s) failed: %s",
			    sock_step_word(step), host, port, opt->proto,
			    strerror(saved));
		}
	}
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
failed:
	sc_warn("%s %s port %s (%s) failed: %s", sock_step_word(step),
	    opt->listen_host != NULL ? opt->listen_host : "(any)",
	    opt->listen_port, opt->proto, strerror(saved));
	return -1;
}

static int
open_listener(const struct options *opt, int *dual)
{
	struct sock_settings	ss = netopt_sock(opt);
	enum sock_step		step;
	int			fd;

	*dual = 0;
	if (!opt->unixsock)
		return open_inet_listener(opt, &ss, dual);
	fd = sock_unix_listen(&ss, opt->path, &step);
	if (fd == -1) {
		if (errno == ENOTSOCK)
			sc_warn("%s exists and is not a socket", opt->path);
		else if (errno == EADDRINUSE)
			sc_warn("%s: address already in use", opt->path);
		else
			sc_warn("%s %s failed: %s", sock_step_word(step),
			    opt->path, strerror(errno));
		return -1;
	}
	unlink_at_exit(opt->path);
	return fd;
}

/* --fork: children started (counted here) and ended (by the handler);
 * the difference is how many are being served. */
static int			started;
static volatile sig_atomic_t	reaped;

/*
 * The next admitted client of a stream listener (its address in *peer):
 * wait for one, and through any pause the door asks for; until the
 * door's time to give up (--accept-timeout), if it has one.
 */
static int
next_client(struct door *d, struct sockaddr_storage *peer, socklen_t *len)
{
	char			name[ADMIT_NAMELEN];
	long long		now, wake;
	int			fd;

	for (;;) {
		now = now_ms();
		if (now < d->paused_until) {
			if (d->give_up_at != -1 && d->give_up_at <= now)
				ready_give_up(d->opt);
			wake = deadline_sooner(d->paused_until, d->give_up_at);
			sleep_ms((long)(wake - now));
			continue;
		}
		if (fd_wait(d->lfd, false, d->give_up_at) == -1) {
			if (errno == ETIMEDOUT)
				ready_give_up(d->opt);
			return -1;
		}
		fd = door_accept(d, started - (int)reaped, now_ms(), peer,
		    len, name);
		if (fd != -1 || errno != EAGAIN)
			return fd;
	}
}

/* -u -l: the sender that first_peer() took; the pump hears it alone. */
static struct sockaddr_storage	dgram_peer;
static socklen_t		dgram_peer_len;

/*
 * admit() for -u -l's pump: once the socket is connected the system
 * delivers the peer's datagrams only, but one from another sender may
 * have been queued before that: it is dropped.  Unconnected (no reply
 * can reach the peer), the lists decide.
 */
static bool
admit_peer(const struct options *opt, const struct sockaddr_storage *from,
    socklen_t len)
{
	if (!sock_answerable(&dgram_peer, dgram_peer_len))
		return admit_datagram(opt, from, len);
	return addr_same((const struct sockaddr *)from, len,
	    (const struct sockaddr *)&dgram_peer, dgram_peer_len);
}

/*
 * --accept-timeout for a datagram listener: wait for a datagram until
 * give_up_at (-1: leave the wait to the caller).  0, or -1.
 */
static int
wait_datagram(const struct options *opt, int lfd, long long give_up_at)
{
	if (give_up_at == -1 || fd_wait(lfd, false, give_up_at) == 0)
		return 0;
	if (errno == ETIMEDOUT)
		ready_give_up(opt);
	return -1;
}

/*
 * The first admitted datagram's sender becomes the peer: the socket is
 * connected to it when it can be answered.  Refused datagrams are dropped
 * unread on the way.  Returns 0, or -1.
 */
static int
first_peer(const struct options *opt, int lfd, struct sockaddr_storage *peer,
    socklen_t *len)
{
	long long	give_up_at = deadline_after(opt->accept_timeout_ms);

	for (;;) {
		if (wait_datagram(opt, lfd, give_up_at) == -1 ||
		    sock_peek_peer(lfd, peer, len) == -1)
			return -1;
		if (admit_sender(opt, peer, *len, false)) {
			dgram_peer = *peer;
			dgram_peer_len = *len;
			return sock_take_peer(lfd, peer, *len);
		}
		if (sock_drop_datagram(lfd) == -1)
			return -1;
	}
}

/* Reap every child that has ended: no zombies, and a free slot each. */
static void
on_sigchld(int sig)
{
	int	saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		reaped++;
	errno = saved;
}

/* Bring both counts down long before they could overflow. */
static void
rebase_counts(void)
{
	sigset_t	chld, old;

	if (reaped < (1 << 30))
		return;
	(void)sigemptyset(&chld);
	(void)sigaddset(&chld, SIGCHLD);
	(void)sigprocmask(SIG_BLOCK, &chld, &old);
	started -= (int)reaped;
	reaped = 0;
	(void)sigprocmask(SIG_SETMASK, &old, NULL);
}

/* --fork without a program: a child serves the client and exits. */
static pid_t
fork_session(const struct options *opt, int lfd, int fd, struct tap *tap)
{
	bool	stdin_done = true;	/* children: no stdin */
	pid_t	pid;

	if ((pid = fork()) == 0) {
		/* The child serves one client and never cleans up what
		 * belongs to the parent (the socket file); signals ignored
		 * since we started stay ignored. */
		(void)signal(SIGCHLD, SIG_DFL);
		unlink_at_exit_disown();
		(void)close(lfd);
		_exit(session_run(opt, &(struct session){ .fd = fd,
		    .tap = tap, .stdin_done = &stdin_done }));
	}
	if (pid == -1)
		sc_warn("fork failed: %s", strerror(errno));
	return pid;
}

/*
 * --fork (and -k -e/-c with --max-conns, ncat's way): the parent only
 * accepts; each client gets a child that runs the pump and exits, or
 * (-e/-c) the program itself, started from here on a socket accepted
 * blocking.  Returns only on a fatal error.
 */
static int
serve_fork(const struct options *opt, int lfd, struct tap *tap)
{
	struct sigaction	sa;
	struct sockaddr_storage	peer;
	socklen_t		len;
	struct door		door;
	bool			program = opt->program && !opt->pass_fd;
	pid_t			pid;
	int			fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, NULL);
	door_open(&door, opt, lfd, false);
	door.blocking = program;
	for (;;) {
		rebase_counts();
		if ((fd = next_client(&door, &peer, &len)) == -1) {
			sc_warn("accept failed: %s", strerror(errno));
			return -1;
		}
		pid = program ? exec_start_accepted(opt, fd, &peer, len) :
		    fork_session(opt, lfd, fd, tap);
		if (pid != -1)
			started++;
		(void)close(fd);
	}
}

/*
 * -u -k with --accept-timeout: wait for a first datagram that the lists
 * let in, dropping refused ones; the pump reads it.  0, or -1.
 */
static int
first_sender(const struct options *opt, int lfd)
{
	struct sockaddr_storage	peer;
	socklen_t		len;
	long long		give_up_at;

	if ((give_up_at = deadline_after(opt->accept_timeout_ms)) == -1)
		return 0;
	for (;;) {
		if (wait_datagram(opt, lfd, give_up_at) == -1 ||
		    sock_peek_peer(lfd, &peer, &len) == -1)
			return -1;
		if (admit_sender(opt, &peer, len, true))
			return 0;
		if (sock_drop_datagram(lfd) == -1)
			return -1;
	}
}

/*
 * -u -k: datagrams from any peer, replies to the latest sender, on the
 * unconnected socket.  Runs until the pump stops (-W, -q, idle).
 */
static int
serve_dgram_any(const struct options *opt, int lfd, struct tap *tap)
{
	struct sockaddr_storage	peer;
	socklen_t		len = 0;
	int			status;

	if (first_sender(opt, lfd) == -1) {
		sc_warn("receive failed: %s", strerror(errno));
		(void)close(lfd);
		return EXIT_NET;
	}
	status = session_run(opt, &(struct session){ .fd = lfd, .tap = tap,
	    .admit = admit_datagram, .reply_to = &peer, .reply_len = &len });
	(void)close(lfd);
	return status;
}

/*
 * A stream listener's clients, each served to its end before the next;
 * the first alone (and the listener closed) unless -k.
 */
static int
serve_stream(const struct options *opt, int lfd, struct tap *tap)
{
	struct sockaddr_storage	peer;
	socklen_t		len;
	struct door		door;
	bool			stdin_done = false;
	int			fd, status;

	door_open(&door, opt, lfd, false);
	do {
		if ((fd = next_client(&door, &peer, &len)) == -1) {
			sc_warn("accept failed: %s", strerror(errno));
			(void)close(lfd);
			return EXIT_NET;
		}
		/* One-shot: no second client may queue behind this one. */
		if (opt->serve == SERVE_ONCE)
			(void)close(lfd);
		status = session_run(opt, &(struct session){ .fd = fd,
		    .tap = tap, .stdin_done = &stdin_done });
		(void)close(fd);
	} while (opt->serve == SERVE_KEEP);
	return status;
}

/* -u -l: the first admitted sender is the peer, heard alone. */
static int
serve_dgram_first(const struct options *opt, int lfd, struct tap *tap)
{
	struct sockaddr_storage	peer;
	socklen_t		len;
	int			status;

	if (first_peer(opt, lfd, &peer, &len) == -1) {
		sc_warn("receive failed: %s", strerror(errno));
		(void)close(lfd);
		return EXIT_NET;
	}
	status = session_run(opt, &(struct session){ .fd = lfd, .tap = tap,
	    .admit = admit_peer });
	(void)close(lfd);
	return status;
}

int
serve_run(const struct options *opt, struct tap *tap)
{
	int	lfd, dual;

	if ((lfd = open_listener(opt, &dual)) == -1)
		return exit_for(opt, fail_noted(FAIL_BIND));
	say_bound(opt, lfd, dual);
	if (ready_announce(opt, lfd, dual) == -1) {
		(void)close(lfd);
		return EXIT_NET;
	}
	switch (opt->serve) {
	case SERVE_BROKER:
	case SERVE_CHAT:
		return broker_run(opt, lfd) == -1 ? EXIT_NET : EXIT_OK;
	case SERVE_FORK:
		return serve_fork(opt, lfd, tap) == -1 ? EXIT_NET : EXIT_OK;
	case SERVE_DGRAM_ANY:
		return serve_dgram_any(opt, lfd, tap);
	case SERVE_DGRAM_FIRST:
		return serve_dgram_first(opt, lfd, tap);
	case SERVE_ONCE:
	case SERVE_KEEP:
		break;
	}
	return serve_stream(opt, lfd, tap);
}
