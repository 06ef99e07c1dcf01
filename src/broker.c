/*
 * broker.c: --broker and --chat: one select(2) loop over the listener,
 * stdin and a list of clients: accepting or refusing, reading a sender
 * only while its queue has room (relay.c passes it on as far as the
 * others' queues allow), writing what each is owed.  It never runs the
 * pump, forks or resolves.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admit.h"
#include "broker.h"
#include "buf.h"
#include "chat.h"
#include "ready.h"
#include "relay.h"
#include "util.h"

/* Take one client, or turn it away: -1 on a fatal error. */
static int
on_accept(struct broker *b, long long now)
{
	struct sockaddr_storage	peer;
	socklen_t		len;
	char			name[ADMIT_NAMELEN];
	int			fd;

	b->join_waiting = false;
	fd = door_accept(&b->door, (int)b->clients, now, &peer, &len, name);
	if (fd != -1) {
		relay_add(b, fd, name, now);
		return 0;
	}
	if (errno == EAGAIN)
		return 0;
	sc_warn("accept failed: %s", strerror(errno));
	return -1;
}

/* Read once from c (or stdin) and pass it on. */
static void
on_readable(struct broker *b, struct client *c, long long now)
{
	bool	is_stdin = c == &b->input;
	ssize_t	n;

	n = buf_fill(&c->in, c->fd, 0, is_stdin && b->opt->crlf);
	if (n == -1 && io_again(errno))
		return;
	if (n > 0)
		c->last_active = now;
	else if (is_stdin)
		b->stdin_open = false;	/* EOF or error; the clients go on */
	else
		relay_drop(c, "", n == 0 ? 0 : errno);
	(void)relay_deliver(b, c);
}

static void
on_writable(struct client *c, long long now)
{
	ssize_t	n;

	n = buf_drain(&c->out, c->fd, 0);
	if (n > 0) {
		c->last_active = now;
		c->held_since = -1;	/* it reads: a new stall clock */
	} else if (n == -1 && !io_again(errno))
		relay_drop(c, "", errno);	/* EPIPE, ECONNRESET, ... */
}

/*
 * A sender (stdin too) is read only while its own queue is at most half
 * full: the rest waits for room in the others' (see relay_deliver()).
 */
static bool
may_read(const struct client *c)
{
	return c->in.len <= c->in.cap / 2;
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

	/* And --accept-timeout's time to give up, if it comes first. */
	deadline = deadline_sooner(relay_settle(b, now), b->door.give_up_at);
	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	if (now < b->door.paused_until)
		deadline = deadline_sooner(deadline, b->door.paused_until);
	else if (b->opt->chat && !relay_join_fits(b)) {
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
	if (!FD_ISSET(b->lfd, &rfds)) {
		if (b->door.give_up_at != -1 && now >= b->door.give_up_at)
			ready_give_up(b->opt);
		return 0;
	}
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
	door_open(&b->door, opt, lfd, true);
	b->idle_ms = opt->idle_ms;
	b->stdin_open = !opt->no_stdin;
	b->input.fd = STDIN_FILENO;
	b->input.pre_len = chat_prefix(b->input.pre, 0);
	buf_init(&b->input.in, READ_MAX);
	if (opt->chat)
		b->frame = xmalloc(QUEUE_MAX);
	while (broker_step(b) == 0)
		;
	relay_free_all(b);
	buf_free(&b->input.in);
	free(b->frame);
	door_close(&b->door);
	(void)close(lfd);
	free(b);
	return -1;
}
