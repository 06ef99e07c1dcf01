/*
 * serve.c: the listening side: bind as the options say (a dual-stack
 * wildcard by default), report what -v promises, admit clients through
 * --allow/--deny, and serve them once, one after another (-k), or each in
 * a child (--fork), through the pump or a program; --broker is handed on.
 * It never touches the payload.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "acl.h"
#include "addr.h"
#include "broker.h"
#include "exec.h"
#include "netopt.h"
#include "serve.h"
#include "sock.h"
#include "sockunix.h"
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

/*
 * How -v names a client: a Unix datagram sender by its own socket's path
 * (or "(unnamed)"); a Unix stream client, mostly unnamed, by the
 * listener's path; any other by its address and port.
 */
static void
peer_name(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len, char *name, size_t size)
{
	/* A Unix datagram client is named by its reply socket's path; Unix
	 * stream clients are mostly unnamed: name the listener's path. */
	addr_peer_name((const struct sockaddr *)peer, len, opt->unixsock &&
	    opt->socktype != SOCK_DGRAM ? opt->path : NULL, name, size);
}

/* A client turned away: "Connection from NAME refused WHY" under -v. */
static void
refuse(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len, const char *why)
{
	char	name[ADDR_HOSTLEN + ADDR_PORTLEN + 2];

	if (verbose == 0)
		return;
	peer_name(opt, peer, len, name, sizeof(name));
	sc_status("Connection from %s refused %s", name, why);
}

/*
 * The one door every client passes, connection or datagram: --allow and
 * --deny on its address (a Unix peer has none: any --allow keeps it out,
 * as ncat does).  A client kept out is said under -v; the caller closes
 * its connection or drops its datagram.  One let in is said as
 * "Connection received on NAME" unless quiet (-u -k's datagrams), and a
 * datagram sender that no reply can reach is said once.
 */
static bool
admit(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len, bool quiet)
{
	static bool	noreply_said;
	char		name[ADDR_HOSTLEN + ADDR_PORTLEN + 2];

	if (!acl_allows(&opt->acl, (const struct sockaddr *)peer)) {
		refuse(opt, peer, len, "by --allow/--deny");
		return false;
	}
	if (verbose == 0)
		return true;
	peer_name(opt, peer, len, name, sizeof(name));
	if (!quiet)
		sc_status("Connection received on %s", name);
	if (opt->socktype == SOCK_DGRAM && !noreply_said &&
	    !sock_answerable(peer, len)) {
		sc_warn("%s cannot be answered: replies are dropped", name);
		noreply_said = true;
	}
	return true;
}

/* admit() for the pump's -u -k datagrams: quiet, and a sender Linux gives
 * no address at all (an unbound Unix socket) is named "(unnamed)". */
static bool
admit_datagram(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len)
{
	struct sockaddr_storage	unnamed;

	if (len < offsetof(struct sockaddr_un, sun_path)) {
		memset(&unnamed, 0, sizeof(unnamed));
		unnamed.ss_family = AF_UNIX;
		peer = &unnamed;
		len = offsetof(struct sockaddr_un, sun_path);
	}
	return admit(opt, peer, len, true);
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
	if (opt->host == NULL && opt->family == AF_UNSPEC) {
		h6 = hints;
		h6.family = AF_INET6;
		if (addr_resolve(&h6, NULL, opt->port, &res) == 0) {
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
	gai = addr_resolve(&hints, opt->host, opt->port, &res);
	if (gai != 0) {
		sc_warn("cannot resolve %s port %s: %s",
		    opt->host != NULL ? opt->host : "(any)", opt->port,
		    gai_strerror(gai));
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
			    sock_step_word(step), host, port, opt_proto(opt),
			    strerror(saved));
		}
	}
	freeaddrinfo(res);
	if (fd != -1)
		return fd;
failed:
	sc_warn("%s %s port %s (%s) failed: %s", sock_step_word(step),
	    opt->host != NULL ? opt->host : "(any)", opt->port,
	    opt_proto(opt), strerror(saved));
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

/*
 * The next admitted client of a stream listener.  Running out of
 * descriptors or memory is survived: wait a little and try again.
 */
static int
next_client(const struct options *opt, int lfd,
    struct sockaddr_storage *peer, socklen_t *len)
{
	static const struct timespec	pause = { 0, 100 * 1000 * 1000 };
	static int			starved;	/* errno said */
	int				fd;

	for (;;) {
		if ((fd = sock_accept(lfd, peer, len, true)) == -1) {
			if (errno != EMFILE && errno != ENFILE &&
			    errno != ENOBUFS && errno != ENOMEM)
				return -1;
			/* Once per spell, not ten lines a second. */
			if (starved != errno)
				sc_warn("accept failed: %s (waiting)",
				    strerror(errno));
			starved = errno;
			(void)nanosleep(&pause, NULL);
			continue;
		}
		starved = 0;
		if (!fd_selectable(fd)) {
			/* Every lower number is taken: as good as EMFILE. */
			refuse(opt, peer, *len, "(beyond select()'s FD_SETSIZE)");
			(void)close(fd);
			(void)nanosleep(&pause, NULL);
			continue;
		}
		if (admit(opt, peer, *len, false))
			return fd;
		(void)close(fd);
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
 * The first admitted datagram's sender becomes the peer: the socket is
 * connected to it when it can be answered.  Refused datagrams are dropped
 * unread on the way.  Returns 0, or -1.
 */
static int
first_peer(const struct options *opt, int lfd, struct sockaddr_storage *peer,
    socklen_t *len)
{
	for (;;) {
		if (sock_peek_peer(lfd, peer, len) == -1)
			return -1;
		if (admit(opt, peer, *len, false)) {
			dgram_peer = *peer;
			dgram_peer_len = *len;
			return sock_take_peer(lfd, peer, *len);
		}
		if (sock_drop_datagram(lfd) == -1)
			return -1;
	}
}

/*
 * One client on fd: its program (-e/-c), or the pump with stdin until
 * stdin's end (*stdin_done), hearing only the datagrams that admit lets
 * in (NULL: all).  Returns the exit status it earns.
 */
static int
serve_client(const struct options *opt, int fd, struct tap *tap,
    bool *stdin_done, bool (*admit_from)(const struct options *,
    const struct sockaddr_storage *, socklen_t))
{
	struct pump_io		io;
	struct pump_result	res;

	if (opt->exec != NULL || opt->sh_exec != NULL)
		return exec_wait(opt, fd);
	io = (struct pump_io){ fd, fd, *stdin_done ? -1 : STDIN_FILENO,
	    STDOUT_FILENO, tap, NULL, NULL, admit_from };
	pump_run(opt, &io, &res);
	if (res.stdin_eof)
		*stdin_done = true;
	return pump_status(&res);
}

static volatile sig_atomic_t	children;

/* Reap every child that has ended: no zombies, and a free slot each. */
static void
on_sigchld(int sig)
{
	int	saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		children--;
	errno = saved;
}

/*
 * --fork: the parent only accepts; each client gets a child that runs
 * the program or the pump and exits.  Returns only on a fatal error.
 */
static int
serve_fork(const struct options *opt, int lfd, struct tap *tap)
{
	struct sockaddr_storage	peer;
	struct sigaction	sa;
	sigset_t		chld, old;
	socklen_t		len;
	bool			stdin_done = true;	/* children: no stdin */
	pid_t			pid;
	int			fd;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGCHLD, &sa, NULL);
	(void)sigemptyset(&chld);
	(void)sigaddset(&chld, SIGCHLD);
	for (;;) {
		if ((fd = next_client(opt, lfd, &peer, &len)) == -1) {
			sc_warn("accept failed: %s", strerror(errno));
			return -1;
		}
		if (opt->max_conns > 0 && children >= opt->max_conns) {
			refuse(opt, &peer, len, "(--max-conns reached)");
			(void)close(fd);
			continue;
		}
		(void)sigprocmask(SIG_BLOCK, &chld, &old);
		if ((pid = fork()) == 0) {
			/* The child serves one client and never cleans up
			 * what belongs to the parent (the socket file);
			 * signals ignored since we started stay ignored. */
			(void)signal(SIGCHLD, SIG_DFL);
			unlink_at_exit_disown();
			(void)sigprocmask(SIG_SETMASK, &old, NULL);
			(void)close(lfd);
			if (opt->exec != NULL || opt->sh_exec != NULL) {
				exec_peer(opt, fd);
				_exit(EXIT_NET);
			}
			_exit(serve_client(opt, fd, tap, &stdin_done, NULL));
		}
		if (pid == -1)
			sc_warn("fork failed: %s", strerror(errno));
		else
			children++;
		(void)sigprocmask(SIG_SETMASK, &old, NULL);
		(void)close(fd);
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
	struct pump_io		io;
	struct pump_result	res;
	socklen_t		len = 0;

	io = (struct pump_io){ lfd, lfd, STDIN_FILENO, STDOUT_FILENO, tap,
	    &peer, &len, admit_datagram };
	pump_run(opt, &io, &res);
	(void)close(lfd);
	return pump_status(&res);
}

int
serve_run(const struct options *opt, struct tap *tap)
{
	struct sockaddr_storage	 peer;
	socklen_t		 len;
	bool			 stdin_done = false;
	int			 lfd, fd, dual, status;

	if ((lfd = open_listener(opt, &dual)) == -1)
		return EXIT_NET;
	say_bound(opt, lfd, dual);
	if (opt->broker)
		return broker_run(opt, lfd) == -1 ? EXIT_NET : EXIT_OK;
	if (opt->fork)
		return serve_fork(opt, lfd, tap) == -1 ? EXIT_NET : EXIT_OK;
	if (opt->socktype == SOCK_DGRAM && opt->keep_open)
		return serve_dgram_any(opt, lfd, tap);
	if (opt->socktype == SOCK_DGRAM) {
		if (first_peer(opt, lfd, &peer, &len) == -1) {
			sc_warn("receive failed: %s", strerror(errno));
			(void)close(lfd);
			return EXIT_NET;
		}
		status = serve_client(opt, lfd, tap, &stdin_done, admit_peer);
		(void)close(lfd);
		return status;
	}
	do {
		if ((fd = next_client(opt, lfd, &peer, &len)) == -1) {
			sc_warn("accept failed: %s", strerror(errno));
			(void)close(lfd);
			return EXIT_NET;
		}
		/* One-shot: no second client may queue behind this one. */
		if (!opt->keep_open)
			(void)close(lfd);
		status = serve_client(opt, fd, tap, &stdin_done, NULL);
		(void)close(fd);
	} while (opt->keep_open);
	return status;
}
