/*
 * pump.c: one select(2) loop moving bytes stdin -> socket and socket ->
 * stdout through two fixed queues, with back-pressure, half-close (-N,
 * -q), idle and quit deadlines, -i pacing, -W, -t replies and the taps.
 * It never resolves, accepts or forks.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "meter.h"
#include "pump.h"
#include "pumpio.h"
#include "telnet.h"
#include "util.h"

/* stdin has ended and all it gave (and every -t reply) is sent. */
static bool
up_done(const struct pump *p)
{
	return p->up.src_eof && flow_drained(&p->up) && p->tel.replies.len == 0;
}

/* stdin done, its queue sent: under -N/-q the peer is told (FIN). */
static void
half_close_when_sent(struct pump *p)
{
	struct flow	*up = &p->up;

	if (p->half_close && up->src_eof && flow_drained(up) &&
	    !p->net_shut && !up->dst_gone) {
		(void)shutdown(p->io->net_out, SHUT_WR);
		p->net_shut = true;
	}
}

/* When -q ends the run, or -1: not yet known (stdin still open). */
static long long
quit_deadline(const struct pump *p)
{
	if (!p->quit_on || !up_done(p))
		return -1;
	if (p->dgram && p->quit_ms >= 0)
		return p->stdin_eof_at + p->quit_ms;
	if (!p->dgram && p->quit_ms > 0)
		return (p->last_recv > p->stdin_eof_at ? p->last_recv :
		    p->stdin_eof_at) + p->quit_ms;
	return -1;
}

/*
 * The earliest moment something is due: idle, -q, -i's next line, a
 * rate-limited flow's bucket refilled.
 */
static long long
next_deadline(const struct pump *p, long long now)
{
	long long	due = -1;

	if (p->idle_ms > 0)
		due = p->last_activity + p->idle_ms;
	due = deadline_sooner(due, quit_deadline(p));
	if (p->up.q.len > 0 && p->next_send_at > now)
		due = deadline_sooner(due, p->next_send_at);
	due = rate_sooner(&p->up.rate, now, due);
	return rate_sooner(&p->down.rate, now, due);
}

/*
 * Whether the run is over, and why (in p->res): one rule a line, in
 * order of precedence.
 */
static bool
finished(struct pump *p, long long now)
{
	struct flow	*up = &p->up, *down = &p->down;
	bool		 down_done;
	long long	 t;

	down_done = (down->src_eof || p->limit_hit) && flow_drained(down);
	if (p->local_err != 0) {
		p->res->why = PUMP_LOCAL_ERROR;
		p->res->err = p->local_err;
		return true;
	}
	if (p->err != 0 && flow_drained(down)) {
		p->res->why = p->unsent ? PUMP_UNSENT : PUMP_NET_ERROR;
		p->res->err = p->err;
		return true;
	}
	if ((p->send_only || p->io->program) && up_done(p))
		p->res->why = PUMP_SENT_ALL;
	else if (p->limit_hit && flow_drained(down))
		p->res->why = PUMP_RECV_LIMIT;
	/*
	 * The peer closed: what it sent is out, what stdin gave is sent.
	 * Under -N/-q its FIN only ends its half: stdin must end too.
	 */
	else if ((down->src_eof && down_done && flow_drained(up) &&
	    p->tel.replies.len == 0 && (!p->half_close || up->src_eof ||
	    up->dst_gone)) ||
	    /* stdout is gone and stdin is done: nothing left to move */
	    (down->dst_gone && up_done(p)) ||
	    /* sending is over and stdout is gone: as if the peer closed */
	    (up->dst_gone && down->dst_gone))
		p->res->why = PUMP_PEER_CLOSED;
	else if (p->idle_ms > 0 && now >= p->last_activity + p->idle_ms)
		p->res->why = PUMP_IDLE;
	else if ((t = quit_deadline(p)) >= 0 && now >= t)
		p->res->why = PUMP_QUIT;
	else
		return false;
	return true;
}

/*
 * The descriptors for this pass: read only where the queue has room,
 * write only what is queued.  Returns the highest, or -1 for none.
 */
static int
watch_sets(struct pump *p, long long now, fd_set *rfds, fd_set *wfds)
{
	int	maxfd = -1;

	FD_ZERO(rfds);
	FD_ZERO(wfds);
	/* Stdin stops at the peer's FIN unless -N/-q. */
	if (!p->up.src_eof && (!p->down.src_eof || p->half_close) &&
	    !p->up.dst_gone && !p->up.sf_wait &&
	    rate_ready(&p->up.rate, now) &&
	    (p->up.zc ? zpipe_room(&p->up.zp) :
	    p->dgram ? p->up.q.len == 0 :
	    buf_room(&p->up.q) >= (p->crlf ? 2u : 1u)))
		fd_watch(p->up.src, rfds, &maxfd);
	/* A program's relay passes one datagram a write: one at a time. */
	if (!p->down.src_eof && !p->limit_hit && !p->down.dst_gone &&
	    !p->down.sf_wait && rate_ready(&p->down.rate, now) &&
	    (p->down.zc ? zpipe_room(&p->down.zp) :
	    p->io->program ? p->down.q.len == 0 :
	    buf_room(&p->down.q) >= (p->dgram ? DGRAM_RECV_ROOM : 1u)))
		fd_watch(p->down.src, rfds, &maxfd);
	/* -u -k: nobody to answer until someone has written. */
	if (!p->up.dst_gone && (p->up.sf_wait || p->tel.replies.len > 0 ||
	    (flow_queued(&p->up) > 0 && now >= p->next_send_at)) &&
	    (p->io->reply_to == NULL || *p->io->reply_len > 0))
		fd_watch(p->up.dst, wfds, &maxfd);
	if ((p->down.sf_wait || flow_queued(&p->down) > 0) &&
	    !p->down.dst_gone)
		fd_watch(p->down.dst, wfds, &maxfd);
	/* Idle or not, learn when stdout's reader goes (| head -1). */
	if (p->watch_stdout && !p->down.dst_gone)
		fd_watch(p->down.dst, rfds, &maxfd);
	return maxfd;
}

/* Whatever select() found ready, in an order that frees room first. */
static void
pump_ready(struct pump *p, long long now, fd_set *rfds, fd_set *wfds)
{
	if (p->watch_stdout && FD_ISSET(p->down.dst, rfds))
		flow_sink_gone(&p->down);	/* as EPIPE would say */
	if (p->down.zc)
		zc_ready(p, &p->down, now, rfds, wfds);
	else {
		if (FD_ISSET(p->down.src, rfds))
			net_readable(p, now);
		if (FD_ISSET(p->down.dst, wfds) && !p->down.dst_gone)
			local_writable(p);
	}
	if (p->up.zc)
		zc_ready(p, &p->up, now, rfds, wfds);
	else {
		if (p->up.src >= 0 && FD_ISSET(p->up.src, rfds))
			local_readable(p, now);
		if (FD_ISSET(p->up.dst, wfds))
			net_writable(p, now);
	}
}

/* The environment's debugging switch: SOCKCAT_NO_SPLICE set, not 0. */
static bool
env_no_splice(void)
{
	const char	*v = getenv("SOCKCAT_NO_SPLICE");

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

/*
 * Whether flow f may move its bytes by splice(2), never seeing them: one
 * rule a line, each a reason a byte must be seen, changed or counted.
 */
static bool
may_splice(const struct pump *p, const struct flow *f)
{
	const struct options	*opt = p->opt;

	return !opt->no_splice &&		/* --no-splice */
	    !env_no_splice() &&			/* SOCKCAT_NO_SPLICE */
	    !p->dgram &&			/* datagrams keep bounds */
	    !p->io->program &&			/* -u -l's relay */
	    opt->hex_dump == NULL &&		/* -o */
	    opt->output == NULL &&		/* --output */
	    !opt->crlf &&			/* -C */
	    !opt->telnet &&			/* -t */
	    !opt->digest &&			/* --digest */
	    opt->interval_ms <= 0 &&		/* -i */
	    opt->recv_limit <= 0 &&		/* -W counts reads */
	    !(opt->send_only && f == &p->down) &&	/* discarded */
	    (f == &p->up ? opt->rate : opt->rate_recv) == 0 && /* paced */
	    zc_usable(f->src, f->dst);		/* kinds splice takes */
}

/* A flow's queue: its pipe under zc, else the buffer, allocated now. */
static void
flow_init(struct pump *p, struct flow *f, int src, int dst)
{
	f->src = src;
	f->dst = dst;
	zpipe_init(&f->zp);
	f->zc = may_splice(p, f);
	f->sf = f->zc ? zdirect_kind(src, dst) : ZDIRECT_NONE;
	if (!f->zc)
		buf_init(&f->q, PUMP_BUF_SIZE);
}

/* What this run asks: the options, or nothing for a program's relay. */
static void
pump_init(struct pump *p, const struct options *opt,
    const struct pump_io *io, struct pump_result *res)
{
	memset(p, 0, sizeof(*p));
	p->opt = opt;
	p->io = io;
	p->res = res;
	p->dgram = opt->socktype == SOCK_DGRAM;
	if (!io->program) {
		p->half_close = opt->shutdown_on_eof && !p->dgram;
		p->crlf = opt->crlf;
		p->telnet_on = opt->telnet;
		p->send_only = opt->send_only;
		p->quit_on = opt->quit_after_eof;
		p->quit_ms = opt->quit_after_eof_ms;
		p->interval_ms = opt->interval_ms;
		p->recv_limit = opt->recv_limit;
		p->idle_ms = opt->idle_ms;
		rate_init(&p->up.rate, opt->rate, now_ms());
		rate_init(&p->down.rate, opt->rate_recv, now_ms());
	}
	p->watch_stdout = io->local_out != io->local_in &&
	    reader_loss_visible(io->local_out);
	flow_init(p, &p->up, io->local_in, io->net_out);
	flow_init(p, &p->down, io->net_in, io->local_out);
	telnet_init(&p->tel);
	p->last_activity = p->last_recv = p->stdin_eof_at = now_ms();
	if (io->local_in < 0 || (opt->no_stdin && !io->program))
		p->up.src_eof = true;
}

void
pump_run(const struct options *opt, const struct pump_io *io,
    struct pump_result *res)
{
	struct pump	 p;
	struct timespec	 ts;
	sigset_t	 wait_mask;
	fd_set		 rfds, wfds;
	long long	 start, now, deadline;
	int		 maxfd, n;

	memset(res, 0, sizeof(*res));
	/*
	 * The descriptors never change: when select() can take them all,
	 * every fd_watch() below succeeds.
	 */
	if ((io->local_in >= 0 && !fd_selectable(io->local_in)) ||
	    !fd_selectable(io->local_out) || !fd_selectable(io->net_in) ||
	    !fd_selectable(io->net_out)) {
		res->why = PUMP_NET_ERROR;
		res->err = EMFILE;
		return;
	}
	pump_init(&p, opt, io, res);
	start = now = p.last_activity;
	meter_start(opt, io->local_in, now);
	meter_hold(&wait_mask);
	for (;;) {
		half_close_when_sent(&p);
		if (finished(&p, now))
			break;
		deadline = next_deadline(&p, now);
		maxfd = watch_sets(&p, now, &rfds, &wfds);
		if (maxfd < 0 && deadline < 0) {
			/* Nothing can move and nothing will expire. */
			res->why = PUMP_PEER_CLOSED;
			break;
		}
		/* SIGUSR1's answer, --progress's redraw (meter.c). */
		deadline = meter_tick((struct meter_counts){ res->sent,
		    res->received }, now, deadline);
		n = pselect(maxfd + 1, &rfds, &wfds, NULL,
		    pselect_timeout(deadline, now, &ts), &wait_mask);
		now = now_ms();
		if (n == -1) {
			if (errno == EINTR)
				continue;
			res->why = PUMP_NET_ERROR;
			res->err = errno;
			break;
		}
		if (n > 0)
			pump_ready(&p, now, &rfds, &wfds);
	}
	meter_release(&wait_mask);
	res->elapsed_ms = now_ms() - start;
	res->stdin_eof = p.up.src_eof && io->local_in >= 0 &&
	    !(opt->no_stdin && !io->program);
	buf_free(&p.up.q);
	buf_free(&p.down.q);
	zpipe_close(&p.up.zp);
	zpipe_close(&p.down.zp);
	telnet_free(&p.tel);
}

int
pump_status(const struct pump_result *res)
{
	if (verbose > 1)
		sc_warn("%llu bytes sent, %llu bytes received in %lld.%03lld "
		    "seconds", res->sent, res->received,
		    res->elapsed_ms / 1000, res->elapsed_ms % 1000);
	switch (res->why) {
	case PUMP_PEER_CLOSED:
	case PUMP_SENT_ALL:
	case PUMP_IDLE:
	case PUMP_QUIT:
	case PUMP_RECV_LIMIT:
		return EXIT_OK;
	case PUMP_LOCAL_ERROR:
		sc_warn("write to standard output failed: %s",
		    strerror(res->err));
		return EXIT_NET;
	case PUMP_UNSENT:
		sc_warn("peer closed before all of standard input was sent: "
		    "%s", strerror(res->err));
		return EXIT_NET;
	case PUMP_NET_ERROR:
		break;
	}
	sc_warn("connection failed: %s", strerror(res->err));
	return EXIT_NET;
}
