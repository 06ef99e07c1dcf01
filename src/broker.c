/*
 * broker.c: --broker and --chat: one select(2) loop over the listener,
 * stdin and every client; what one client sends is queued for all the
 * others, each queue bounded so that one slow reader never stalls the
 * rest.  It never runs the pump, forks or resolves.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "addr.h"
#include "broker.h"
#include "buf.h"
#include "sock.h"
#include "util.h"

#define QUEUE_MAX	(256 * 1024)	/* bytes owed to one client, at most */
#define READ_MAX	16384		/* one read; --chat holds half */
#define PAUSE_MS	100		/* accept pause, out of descriptors */

struct client {
	int		 fd;
	struct buf	 in;		/* read, not yet relayed */
	struct buf	 out;		/* owed to this client */
	long long	 last_active;	/* last byte either way */
	const char	*gone;		/* why it must go ("": EOF) or NULL */
	int		 err;		/* or the errno that made it go */
	char		 name[ADDR_HOSTLEN + ADDR_PORTLEN + 1];
};

struct broker {
	const struct options	*opt;
	int			 lfd;
	int			 spare_fd;	/* closed to refuse at EMFILE */
	long			 clients;
	long			 idle_ms;	/* -w, --idle-timeout (0: no) */
	long long		 paused_until;	/* accept nothing until then */
	bool			 stdin_open;
	struct client		 input;		/* stdin: a source only */
	struct client		*by_fd[FD_SETSIZE];
};

/* Mark c to be closed by sweep(); the first reason given stands. */
static void
drop(struct client *c, const char *why, int err)
{
	if (c->gone == NULL) {
		c->gone = why;
		c->err = err;
	}
}

/*
 * Queue pre (a string, or NULL) and len bytes at p for every client but
 * from, all or nothing: a client with no room for them has stopped
 * reading and is dropped.
 */
static void
relay(struct broker *b, const struct client *from, const char *pre,
    const char *p, size_t len)
{
	struct client	*c;
	size_t		 plen = pre != NULL ? strlen(pre) : 0;
	int		 fd;

	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if ((c = b->by_fd[fd]) == NULL || c == from ||
		    c->gone != NULL)
			continue;
		if (buf_room(&c->out) < plen + len) {
			drop(c, "not reading, over its queue bound", 0);
			continue;
		}
		if (plen > 0)
			buf_append(&c->out, pre, plen);
		if (len > 0)
			buf_append(&c->out, p, len);
	}
}

/*
 * Pass on what c has read.  Under --chat, whole lines each behind
 * "<userN> "; a partial line waits for its newline unless it fills half
 * the input queue (or the sender is leaving): then it goes as it is.
 * Holding at most half keeps room for the next read, even under -C.
 */
static void
deliver(struct broker *b, struct client *c, bool flush)
{
	const char	*nl;
	char		 pre[32];
	size_t		 n;

	if (!b->opt->chat) {
		relay(b, c, NULL, buf_head(&c->in), c->in.len);
		buf_consume(&c->in, c->in.len);
		return;
	}
	(void)snprintf(pre, sizeof(pre), "<user%d> ", c->fd);
	while (c->in.len > 0) {
		nl = memchr(buf_head(&c->in), '\n', c->in.len);
		if (nl != NULL)
			n = (size_t)(nl - buf_head(&c->in)) + 1;
		else if (flush || c->in.len >= c->in.cap / 2)
			n = c->in.len;
		else
			break;
		relay(b, c, pre, buf_head(&c->in), n);
		buf_consume(&c->in, n);
	}
}

/* Tell everyone who came, and who was there already (ncat's words). */
static void
announce_join(struct broker *b, const struct client *c)
{
	const struct client	*o;
	char			 line[sizeof(c->name) + 64];
	int			 fd, count = 0;

	(void)snprintf(line, sizeof(line),
	    "<announce> %s is connected as <user%d>.\n", c->name, c->fd);
	relay(b, NULL, NULL, line, strlen(line));
	relay(b, NULL, "<announce> already connected: ", "", 0);
	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if ((o = b->by_fd[fd]) == NULL || o == c ||
		    o->gone != NULL)
			continue;
		(void)snprintf(line, sizeof(line), "%s%s as <user%d>",
		    count++ > 0 ? ", " : "", o->name, o->fd);
		relay(b, NULL, NULL, line, strlen(line));
	}
	relay(b, NULL, NULL, count > 0 ? ".\n" : "nobody.\n",
	    count > 0 ? 2 : 8);
}

static void
client_free(struct broker *b, struct client *c)
{
	b->by_fd[c->fd] = NULL;
	b->clients--;
	(void)close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/*
 * Close every client marked gone.  Their last words and the leave
 * notices may push others over their bound: go round until none is left.
 */
static void
sweep(struct broker *b)
{
	struct client	*c;
	char		 line[64];
	bool		 again_round;
	int		 fd, cfd;

	do {
		again_round = false;
		for (fd = 0; fd < FD_SETSIZE; fd++) {
			if ((c = b->by_fd[fd]) == NULL || c->gone == NULL)
				continue;
			if (c->err != 0 || *c->gone != '\0')
				sc_status("Connection from %s closed: %s",
				    c->name, c->err != 0 ? strerror(c->err) :
				    c->gone);
			else if (verbose > 1)
				sc_status("Connection from %s closed", c->name);
			deliver(b, c, true);	/* its last partial line */
			cfd = c->fd;
			client_free(b, c);
			if (b->opt->chat) {
				(void)snprintf(line, sizeof(line),
				    "<announce> <user%d> is disconnected.\n",
				    cfd);
				relay(b, NULL, NULL, line, strlen(line));
			}
			again_round = true;
		}
	} while (again_round);
}

static void
refuse(int fd, const char *name, const char *why)
{
	sc_status("Connection from %s refused %s", name, why);
	(void)close(fd);
}

/*
 * Out of descriptors: give back the spare one for a moment, so the
 * waiting client can be accepted and closed at once instead of making
 * the listener readable forever.  If even that fails, rest a while.
 */
static void
refuse_starved(struct broker *b, long long now, int err)
{
	struct sockaddr_storage	 peer;
	socklen_t		 len;
	char			 name[ADDR_HOSTLEN + ADDR_PORTLEN + 1];
	int			 fd = -1;

	if (b->spare_fd != -1 && (err == EMFILE || err == ENFILE)) {
		(void)close(b->spare_fd);
		if ((fd = sock_accept(b->lfd, &peer, &len)) != -1) {
			addr_peer_name((struct sockaddr *)&peer, len,
			    b->opt->unixsock ? b->opt->path : NULL, name, sizeof(name));
			refuse(fd, name, "(out of descriptors)");
		}
		b->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (fd == -1) {
		if (verbose > 0)
			sc_warn("accept failed: %s", strerror(err));
		b->paused_until = now + PAUSE_MS;
	}
}

/* Take one client: refused, or in the table.  -1 on a fatal error. */
static int
on_accept(struct broker *b, long long now)
{
	const struct options	*opt = b->opt;
	struct sockaddr_storage	 peer;
	struct client		*c;
	const char		*why;
	socklen_t		 len;
	char			 name[sizeof(c->name)];
	int			 fd;

	if ((fd = sock_accept(b->lfd, &peer, &len)) == -1) {
		if (errno != EMFILE && errno != ENFILE && errno != ENOBUFS &&
		    errno != ENOMEM) {
			sc_warn("accept failed: %s", strerror(errno));
			return -1;
		}
		refuse_starved(b, now, errno);
		return 0;
	}
	addr_peer_name((struct sockaddr *)&peer, len,
	    opt->unixsock ? opt->path : NULL, name, sizeof(name));
	if (!acl_allows(&opt->acl, (const struct sockaddr *)&peer))
		why = "by --allow/--deny";
	else if (fd >= FD_SETSIZE)
		why = "(beyond select()'s FD_SETSIZE)";
	else if (opt->max_conns > 0 && b->clients >= opt->max_conns)
		why = "(--max-conns reached)";
	else
		why = NULL;
	if (why != NULL) {
		refuse(fd, name, why);
		return 0;
	}
	sc_status("Connection received on %s", name);
	c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	buf_init(&c->in, READ_MAX);
	buf_init(&c->out, QUEUE_MAX);
	c->last_active = now;
	(void)snprintf(c->name, sizeof(c->name), "%s", name);
	b->by_fd[fd] = c;
	b->clients++;
	if (opt->chat)
		announce_join(b, c);
	return 0;
}

static void
on_readable(struct broker *b, struct client *c, long long now)
{
	bool	is_stdin = c == &b->input;
	ssize_t	n;

	n = buf_fill(&c->in, c->fd, 0, is_stdin && b->opt->crlf, NULL);
	if (n == -1 && io_again(errno))
		return;
	if (n > 0) {
		c->last_active = now;
		deliver(b, c, false);
	} else if (is_stdin) {
		/* stdin is done (EOF or error); the clients carry on. */
		deliver(b, c, true);
		b->stdin_open = false;
	} else
		drop(c, "", n == 0 ? 0 : errno);
}

static void
on_writable(struct client *c, long long now)
{
	ssize_t	n;

	n = buf_drain(&c->out, c->fd, 0);
	if (n > 0)
		c->last_active = now;
	else if (n == -1 && !io_again(errno))
		drop(c, "", errno);	/* EPIPE, ECONNRESET, ... */
}

/* Drop the idle; returns the earliest deadline left (-1: none). */
static long long
check_idle(struct broker *b, long long now)
{
	struct client	*c;
	long long	 deadline = -1, at;
	int		 fd;

	if (b->idle_ms <= 0)
		return -1;
	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if ((c = b->by_fd[fd]) == NULL || c->gone != NULL)
			continue;
		at = c->last_active + b->idle_ms;
		if (now >= at)
			drop(c, "idle timeout", 0);
		else if (deadline < 0 || at < deadline)
			deadline = at;
	}
	return deadline;
}

/* One pass: wait for the earliest event or deadline, then serve it. */
static int
broker_step(struct broker *b)
{
	struct client	*c;
	struct timeval	 tv;
	fd_set		 rfds, wfds;
	long long	 now = now_ms(), deadline;
	int		 fd, maxfd = -1;

	deadline = check_idle(b, now);
	sweep(b);
	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	if (now >= b->paused_until)
		fd_watch(b->lfd, &rfds, &maxfd);
	else if (deadline < 0 || b->paused_until < deadline)
		deadline = b->paused_until;
	if (b->stdin_open && b->clients > 0)
		fd_watch(STDIN_FILENO, &rfds, &maxfd);
	for (fd = 0; fd < FD_SETSIZE; fd++) {
		if ((c = b->by_fd[fd]) == NULL)
			continue;
		fd_watch(fd, &rfds, &maxfd);
		if (c->out.len > 0)
			fd_watch(fd, &wfds, &maxfd);
	}
	if (select(maxfd + 1, &rfds, &wfds, NULL,
	    select_timeout(deadline, now, &tv)) == -1) {
		if (errno == EINTR)
			return 0;
		sc_warn("select failed: %s", strerror(errno));
		return -1;
	}
	now = now_ms();
	for (fd = 0; fd <= maxfd; fd++) {
		if ((c = b->by_fd[fd]) == NULL)
			continue;
		if (c->gone == NULL && FD_ISSET(fd, &wfds))
			on_writable(c, now);
		if (c->gone == NULL && FD_ISSET(fd, &rfds))
			on_readable(b, c, now);
	}
	if (b->stdin_open && FD_ISSET(STDIN_FILENO, &rfds))
		on_readable(b, &b->input, now);
	/* Last, so that no new client is looked up in stale sets. */
	if (FD_ISSET(b->lfd, &rfds))
		return on_accept(b, now);
	return 0;
}

/*
 * Like ncat's broker, read our own stdin while a client is connected and
 * relay it to every client (as <user0> under --chat); clients' data never
 * goes to stdout.  -d or --recv-only leave stdin alone.
 */
int
broker_run(const struct options *opt, int lfd)
{
	struct broker	*b;
	int		 fd;

	if (lfd >= FD_SETSIZE) {
		sc_warn("listening descriptor %d is beyond select()'s reach",
		    lfd);
		(void)close(lfd);
		return -1;
	}
	b = xmalloc(sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->opt = opt;
	b->lfd = lfd;
	b->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	b->idle_ms = opt->wait_ms > 0 ? opt->wait_ms : 0;
	if (opt->idle_timeout_ms > 0 &&
	    (b->idle_ms == 0 || opt->idle_timeout_ms < b->idle_ms))
		b->idle_ms = opt->idle_timeout_ms;
	b->stdin_open = !opt->no_stdin;
	b->input.fd = STDIN_FILENO;
	buf_init(&b->input.in, READ_MAX);
	while (broker_step(b) == 0)
		;
	for (fd = 0; fd < FD_SETSIZE; fd++)
		if (b->by_fd[fd] != NULL)
			client_free(b, b->by_fd[fd]);
	buf_free(&b->input.in);
	if (b->spare_fd != -1)
		(void)close(b->spare_fd);
	(void)close(lfd);
	free(b);
	return -1;
}
