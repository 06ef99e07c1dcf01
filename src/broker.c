/*
 * broker.c: --broker and --chat: one select(2) loop over the listener,
 * stdin and a list of clients; what one client sends is queued for all
 * the others.  Back-pressure, not eviction: a sender is read only while
 * every other client has room for what it says, and a client is dropped
 * only when it has held others up STALL_MS without taking a byte.  It
 * never runs the pump, forks or resolves.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "addr.h"
#include "broker.h"
#include "buf.h"
#include "chat.h"
#include "sock.h"
#include "util.h"

#define QUEUE_MAX	(256 * 1024)	/* clients' data owed to one client */
#define NOTICE_ROOM	(64 * 1024)	/* and beyond it, --chat's notices */
#define READ_MAX	16384		/* one read from a sender */
#define RESERVE		(CHAT_LINE_MAX + CHAT_PREFIX_MAX) /* a relay's need */
#define STALL_S		5		/* holding others up, not reading */
#define STALL_MS	(STALL_S * 1000)
#define PAUSE_MS	100		/* accept pause, out of descriptors */
#define REFUSE_BURST	64		/* refused at most before that pause */

#define STR_(x)		#x
#define STR(x)		STR_(x)

struct client {
	struct client	*next;
	int		 fd;
	struct buf	 in;		/* read, not yet relayed */
	struct buf	 out;		/* owed to this client */
	long long	 last_active;	/* last byte either way */
	long long	 held_since;	/* holding a sender up (-1: not) */
	const char	*gone;		/* why it must go ("": EOF) or NULL */
	int		 err;		/* or the errno that made it go */
	size_t		 pre_len;
	char		 pre[CHAT_PREFIX_MAX];	/* "<userN> " */
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
	bool			 join_waiting;	/* --chat: held for room */
	struct client		 input;		/* stdin: a source only */
	struct client		*list;		/* in the order they came */
	char			*frame;		/* --chat: one relay, framed */
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

/* Room for clients' data in c's queue, which stops at QUEUE_MAX. */
static size_t
data_room(struct client *c)
{
	size_t	room = buf_room(&c->out);

	if (c->out.len >= QUEUE_MAX)
		return 0;
	return room < QUEUE_MAX - c->out.len ? room : QUEUE_MAX - c->out.len;
}

/* Does from hold bytes that are ready to go? */
static bool
ready(const struct broker *b, const struct client *from, bool flush)
{
	const struct buf	*in = &from->in;

	if (!b->opt->chat || flush || in->len >= CHAT_LINE_MAX)
		return in->len > 0;
	return memchr(buf_head(in), '\n', in->len) != NULL;
}

/*
 * Pass on what from has read, as far as every other client has room:
 * framed once under --chat (whole lines behind "<userN> "; see
 * chat_frame()), then queued for each.  A leaver's unfinished line goes
 * as it is.  Returns false when ready bytes are held back for want of
 * room in some queue: from is held up.
 */
static bool
deliver(struct broker *b, struct client *from)
{
	struct client	*c;
	const char	*p;
	size_t		 room, n, used;
	bool		 flush;

	flush = from == &b->input ? !b->stdin_open : from->gone != NULL;
	while (from->in.len > 0) {
		room = SIZE_MAX;
		for (c = b->list; c != NULL; c = c->next)
			if (c != from && c->gone == NULL && data_room(c) < room)
				room = data_room(c);
		if (room < RESERVE)
			return !ready(b, from, flush);
		if (room == SIZE_MAX) {
			/* Nobody to tell. */
			buf_consume(&from->in, from->in.len);
			break;
		}
		if (b->opt->chat) {
			n = chat_frame(buf_head(&from->in), from->in.len,
			    from->pre, from->pre_len, flush, b->frame, room,
			    &used);
			p = b->frame;
		} else {
			n = used = from->in.len < room ? from->in.len : room;
			p = buf_head(&from->in);
		}
		if (used == 0)
			break;		/* a line still unfinished */
		for (c = b->list; c != NULL; c = c->next)
			if (c != from && c->gone == NULL)
				buf_append(&c->out, p, n);
		buf_consume(&from->in, used);
	}
	return true;
}

/*
 * Queue a --chat notice for every client, beyond the bound of their data
 * if need be: one with no room even there has long stopped reading.
 */
static void
notice(struct broker *b, const char *text, size_t len)
{
	struct client	*c;

	for (c = b->list; c != NULL; c = c->next) {
		if (c->gone != NULL)
			continue;
		if (buf_room(&c->out) < len)
			drop(c, "not reading, over its queue bound", 0);
		else
			buf_append(&c->out, text, len);
	}
}

/* The size of the notices of a join, at most (see announce_join()). */
static size_t
join_size(const struct broker *b)
{
	const struct client	*c;
	size_t			 size = sizeof(c->name) + 128;

	for (c = b->list; c != NULL; c = c->next)
		size += strlen(c->name) + CHAT_PREFIX_MAX + 8;
	return size < QUEUE_MAX / 2 ? size : QUEUE_MAX / 2;
}

/*
 * Tell everyone who came, and who was there already (ncat's words):
 * the text is built whole, then queued once for each.
 */
static void
announce_join(struct broker *b, const struct client *new)
{
	const struct client	*c;
	size_t			 cap = join_size(b) + sizeof(new->name), len;
	char			*text = xmalloc(cap);
	int			 count = 0;

	len = (size_t)snprintf(text, cap,
	    "<announce> %s is connected as <user%d>.\n"
	    "<announce> already connected: ", new->name, new->fd);
	for (c = b->list; c != NULL && len < cap; c = c->next) {
		if (c == new || c->gone != NULL)
			continue;
		len += (size_t)snprintf(text + len, cap - len,
		    "%s%s as <user%d>", count++ > 0 ? ", " : "", c->name,
		    c->fd);
	}
	if (len < cap)
		len += (size_t)snprintf(text + len, cap - len, "%s",
		    count > 0 ? ".\n" : "nobody.\n");
	notice(b, text, len < cap ? len : cap - 1);
	free(text);
}

static void
client_free(struct broker *b, struct client *c)
{
	b->clients--;
	(void)close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/*
 * Close the clients marked gone whose last words are out; returns true
 * if any went.  A leave notice may push another over, and a list walk
 * cannot survive that: start over after each one.
 */
static bool
sweep(struct broker *b)
{
	struct client	**pp, *c;
	char		  line[64];
	bool		  any = false;
	int		  fd;

	for (pp = &b->list; (c = *pp) != NULL;) {
		if (c->gone == NULL || c->in.len > 0) {
			pp = &c->next;
			continue;
		}
		if (c->err != 0 || *c->gone != '\0')
			sc_status("Connection from %s closed: %s", c->name,
			    c->err != 0 ? strerror(c->err) : c->gone);
		else if (verbose > 1)
			sc_status("Connection from %s closed", c->name);
		*pp = c->next;
		fd = c->fd;
		client_free(b, c);
		any = true;
		if (b->opt->chat) {
			(void)snprintf(line, sizeof(line),
			    "<announce> <user%d> is disconnected.\n", fd);
			notice(b, line, strlen(line));
			pp = &b->list;
		}
	}
	return any;
}

/*
 * Run each client's clocks: the stall clock while it holds up a sender
 * (any but itself, by its lack of room) or a waiting --chat join, the idle
 * clock always.  Drops whom they condemn; returns the earliest deadline
 * left (-1: none).
 */
static long long
check_clients(struct broker *b, const struct client *held, int nheld,
    long long now)
{
	struct client	*c;
	long long	 deadline = -1, at;
	size_t		 join = b->join_waiting ? join_size(b) : 0;
	bool		 holding;

	for (c = b->list; c != NULL; c = c->next) {
		if (c->gone != NULL)
			continue;
		holding = data_room(c) < RESERVE &&
		    (nheld > 1 || (nheld == 1 && held != c));
		if (!holding && (join == 0 || data_room(c) >= join))
			c->held_since = -1;
		else if (c->held_since < 0)
			c->held_since = now;
		at = c->held_since + STALL_MS;
		if (c->held_since >= 0 && now >= at) {
			drop(c, "not reading for " STR(STALL_S) " s", 0);
			continue;
		}
		if (c->held_since >= 0 && (deadline < 0 || at < deadline))
			deadline = at;
		if (b->idle_ms <= 0)
			continue;
		at = c->last_active + b->idle_ms;
		if (now >= at)
			drop(c, "idle timeout", 0);
		else if (deadline < 0 || at < deadline)
			deadline = at;
	}
	return deadline;
}

/*
 * Before each wait: relay what is pending, run the clocks, close the
 * gone, and again while closing changed anything.  Returns the earliest
 * deadline (-1: none).
 */
static long long
settle(struct broker *b, long long now)
{
	struct client	*c, *held;
	long long	 deadline;
	int		 nheld;

	do {
		held = NULL;
		nheld = 0;
		if (b->input.in.len > 0 && !deliver(b, &b->input)) {
			held = &b->input;
			nheld++;
		}
		for (c = b->list; c != NULL; c = c->next)
			if (c->in.len > 0 && !deliver(b, c)) {
				held = c;
				nheld++;
			}
		deadline = check_clients(b, held, nheld, now);
	} while (sweep(b));
	return deadline;
}

static void
refuse(int fd, const char *name, const char *why)
{
	sc_status("Connection from %s refused %s", name, why);
	(void)close(fd);
}

/*
 * Out of descriptors: give back the spare one for a moment, so that the
 * clients waiting now can be accepted and closed at once instead of
 * making the listener readable forever; then rest a while in any case,
 * so that clients knocking again and again cost no more than that.
 */
static void
refuse_starved(struct broker *b, long long now, int err)
{
	struct sockaddr_storage	 peer;
	socklen_t		 len;
	char			 name[ADDR_HOSTLEN + ADDR_PORTLEN + 1];
	int			 fd, n = 0;

	if (b->spare_fd != -1 && (err == EMFILE || err == ENFILE)) {
		(void)close(b->spare_fd);
		/* Only those already waiting: a deadline in the past. */
		while (n < REFUSE_BURST && fd_wait(b->lfd, false, now) == 0 &&
		    (fd = sock_accept(b->lfd, &peer, &len)) != -1) {
			addr_peer_name((struct sockaddr *)&peer, len,
			    b->opt->unixsock ? b->opt->path : NULL, name,
			    sizeof(name));
			refuse(fd, name, "(out of descriptors)");
			n++;
		}
		b->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (n == 0 && verbose > 0)
		sc_warn("accept failed: %s", strerror(err));
	b->paused_until = now + PAUSE_MS;
}

/* A new client at the end of the list; under --chat, the others are told. */
static void
client_add(struct broker *b, int fd, const char *name, long long now)
{
	struct client	*c, **pp;

	c = xmalloc(sizeof(*c));
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	buf_init(&c->in, READ_MAX);
	buf_init(&c->out, QUEUE_MAX + NOTICE_ROOM);
	c->last_active = now;
	c->held_since = -1;
	c->pre_len = chat_prefix(c->pre, fd);
	(void)snprintf(c->name, sizeof(c->name), "%s", name);
	for (pp = &b->list; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = c;
	b->clients++;
	if (b->opt->chat)
		announce_join(b, c);
}

/* Take one client: refused, or in the list.  -1 on a fatal error. */
static int
on_accept(struct broker *b, long long now)
{
	const struct options	*opt = b->opt;
	struct sockaddr_storage	 peer;
	const char		*why;
	socklen_t		 len;
	char			 name[ADDR_HOSTLEN + ADDR_PORTLEN + 1];
	int			 fd;

	b->join_waiting = false;
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
	client_add(b, fd, name, now);
	return 0;
}

/* Read once from c (or stdin) and pass it on. */
static void
on_readable(struct broker *b, struct client *c, long long now)
{
	bool	is_stdin = c == &b->input;
	ssize_t	n;

	n = buf_fill(&c->in, c->fd, 0, is_stdin && b->opt->crlf, NULL);
	if (n == -1 && io_again(errno))
		return;
	if (n > 0)
		c->last_active = now;
	else if (is_stdin)
		b->stdin_open = false;	/* EOF or error; the clients go on */
	else
		drop(c, "", n == 0 ? 0 : errno);
	(void)deliver(b, c);
}

static void
on_writable(struct client *c, long long now)
{
	ssize_t	n;

	n = buf_drain(&c->out, c->fd, 0);
	if (n > 0) {
		c->last_active = now;
		c->held_since = -1;	/* it reads: the stall clock starts over */
	} else if (n == -1 && !io_again(errno))
		drop(c, "", errno);	/* EPIPE, ECONNRESET, ... */
}

/*
 * A sender (stdin too) is read only while its own queue is at most half
 * full: the rest waits for room in the others' (see deliver()).
 */
static bool
may_read(const struct client *c)
{
	return c->in.len <= c->in.cap / 2;
}

/* Under --chat: has every client room for the notices of a join? */
static bool
join_fits(struct broker *b)
{
	struct client	*c;
	size_t		 join = join_size(b);

	for (c = b->list; c != NULL; c = c->next)
		if (c->gone == NULL && data_room(c) < join)
			return false;
	return true;
}

/* One pass: wait for the earliest event or deadline, then serve it. */
static int
broker_step(struct broker *b)
{
	struct client	*c;
	struct timeval	 tv;
	fd_set		 rfds, wfds;
	long long	 now = now_ms(), deadline;
	bool		 held_join = false;
	int		 maxfd = -1;

	deadline = settle(b, now);
	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	if (now < b->paused_until) {
		if (deadline < 0 || b->paused_until < deadline)
			deadline = b->paused_until;
	} else if (b->opt->chat && !join_fits(b)) {
		/* Watched only to learn that someone waits. */
		held_join = true;
		if (!b->join_waiting)
			fd_watch(b->lfd, &rfds, &maxfd);
	} else {
		b->join_waiting = false;
		fd_watch(b->lfd, &rfds, &maxfd);
	}
	if (b->stdin_open && b->clients > 0 && may_read(&b->input))
		fd_watch(STDIN_FILENO, &rfds, &maxfd);
	for (c = b->list; c != NULL; c = c->next) {
		if (c->gone != NULL)
			continue;
		if (may_read(c))
			fd_watch(c->fd, &rfds, &maxfd);
		if (c->out.len > 0)
			fd_watch(c->fd, &wfds, &maxfd);
	}
	if (select(maxfd + 1, &rfds, &wfds, NULL,
	    select_timeout(deadline, now, &tv)) == -1) {
		if (errno == EINTR)
			return 0;
		sc_warn("select failed: %s", strerror(errno));
		return -1;
	}
	now = now_ms();
	for (c = b->list; c != NULL; c = c->next) {
		if (c->gone == NULL && FD_ISSET(c->fd, &wfds))
			on_writable(c, now);
		if (c->gone == NULL && FD_ISSET(c->fd, &rfds))
			on_readable(b, c, now);
	}
	if (b->stdin_open && FD_ISSET(STDIN_FILENO, &rfds))
		on_readable(b, &b->input, now);
	/* Last, so that no new client is looked up in stale sets. */
	if (!FD_ISSET(b->lfd, &rfds))
		return 0;
	if (held_join) {
		b->join_waiting = true;
		return 0;
	}
	return on_accept(b, now);
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
	struct client	*c;

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
	b->input.pre_len = chat_prefix(b->input.pre, 0);
	buf_init(&b->input.in, READ_MAX);
	if (opt->chat)
		b->frame = xmalloc(QUEUE_MAX);
	while (broker_step(b) == 0)
		;
	while ((c = b->list) != NULL) {
		b->list = c->next;
		client_free(b, c);
	}
	buf_free(&b->input.in);
	free(b->frame);
	if (b->spare_fd != -1)
		(void)close(b->spare_fd);
	(void)close(lfd);
	free(b);
	return -1;
}
