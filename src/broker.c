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
#include "chat.h"
#include "relay.h"
#include "sock.h"
#include "util.h"

#define PAUSE_MS	100		/* accept pause, out of descriptors */
#define REFUSE_BURST	64		/* refused at most before that pause */

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
		    (fd = sock_accept(b->lfd, &peer, &len, false)) != -1) {
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
	if ((fd = sock_accept(b->lfd, &peer, &len, false)) == -1) {
		if (errno == EAGAIN)
			return 0;	/* gone before we took it */
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
	else if (!fd_selectable(fd))
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
	relay_add(b, fd, name, now);
	return 0;
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

	deadline = relay_settle(b, now);
	FD_ZERO(&rfds);
	FD_ZERO(&wfds);
	if (now < b->paused_until) {
		if (deadline < 0 || b->paused_until < deadline)
			deadline = b->paused_until;
	} else if (b->opt->chat && !relay_join_fits(b)) {
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
	relay_free_all(b);
	buf_free(&b->input.in);
	free(b->frame);
	if (b->spare_fd != -1)
		(void)close(b->spare_fd);
	(void)close(lfd);
	free(b);
	return -1;
}
