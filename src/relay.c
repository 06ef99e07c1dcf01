/*
 * relay.c: what the broker's clients owe each other.  A sender's bytes
 * are queued for all the others only as far as every queue has room
 * (back-pressure; broker.c stops reading it meanwhile); --chat frames
 * them once and adds the notices; each client's stall and idle clocks
 * decide who is dropped.  No select(), no accept.
 */
#include "config.h"

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "chat.h"
#include "relay.h"
#include "util.h"

#define NOTICE_ROOM	(64 * 1024)	/* beyond QUEUE_MAX: --chat notices */
#define RESERVE		(CHAT_LINE_MAX + CHAT_PREFIX_MAX) /* a relay's need */
#define STALL_S		5		/* holding others up, not reading */
#define STALL_MS	(STALL_S * 1000)

#define STR_(x)		#x
#define STR(x)		STR_(x)

void
relay_drop(struct client *c, const char *why, int err)
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
bool
relay_deliver(struct broker *b, struct client *from)
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
			relay_drop(c, "not reading, over its queue bound", 0);
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
			relay_drop(c, "not reading for " STR(STALL_S) " s", 0);
			continue;
		}
		if (c->held_since >= 0)
			deadline = deadline_sooner(deadline, at);
		if (b->idle_ms <= 0)
			continue;
		at = c->last_active + b->idle_ms;
		if (now >= at)
			relay_drop(c, "idle timeout", 0);
		else
			deadline = deadline_sooner(deadline, at);
	}
	return deadline;
}

/*
 * Before each wait: relay what is pending, run the clocks, close the
 * gone, and again while closing changed anything.  Returns the earliest
 * deadline (-1: none).
 */
long long
relay_settle(struct broker *b, long long now)
{
	struct client	*c, *held;
	long long	 deadline;
	int		 nheld;

	do {
		held = NULL;
		nheld = 0;
		if (b->input.in.len > 0 && !relay_deliver(b, &b->input)) {
			held = &b->input;
			nheld++;
		}
		for (c = b->list; c != NULL; c = c->next)
			if (c->in.len > 0 && !relay_deliver(b, c)) {
				held = c;
				nheld++;
				/* Its bytes wait on us: it is not idle. */
				c->last_active = now;
			}
		deadline = check_clients(b, held, nheld, now);
	} while (sweep(b));
	return deadline;
}

/* A new client at the end of the list; under --chat, the others are told. */
void
relay_add(struct broker *b, int fd, const char *name, long long now)
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

/* Under --chat: has every client room for the notices of a join? */
bool
relay_join_fits(struct broker *b)
{
	struct client	*c;
	size_t		 join = join_size(b);

	for (c = b->list; c != NULL; c = c->next)
		if (c->gone == NULL && data_room(c) < join)
			return false;
	return true;
}

void
relay_free_all(struct broker *b)
{
	struct client	*c;

	while ((c = b->list) != NULL) {
		b->list = c->next;
		client_free(b, c);
	}
}
