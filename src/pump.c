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
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "pump.h"
#include "util.h"

#define PUMP_BUF_SIZE	(128 * 1024)
#define DGRAM_RECV_ROOM	65536		/* room for any datagram */
#define DGRAM_SEND_MAX	65507		/* the largest UDP payload */
#define TELNET_BUF_SIZE	512

/* Telnet commands (RFC 854). */
#define TEL_IAC		255
#define TEL_DONT	254
#define TEL_DO		253
#define TEL_WONT	252
#define TEL_WILL	251

/* One direction: source descriptor -> queue -> sink descriptor. */
struct flow {
	int		 src;
	int		 dst;
	struct buf	 q;
	bool		 src_eof;	/* no more to read */
	bool		 dst_gone;	/* the sink failed: write no more */
};

struct pump {
	const struct options	*opt;
	const struct pump_io	*io;
	struct pump_result	*res;
	struct flow		 up;		/* stdin -> socket */
	struct flow		 down;		/* socket -> stdout */
	struct buf		 telnet;	/* -t replies owed the peer */
	int			 tel_state;	/* bytes into an IAC sequence */
	int			 tel_cmd;
	/* What the options ask of this run; a program's relay asks none. */
	bool			 dgram;
	bool			 half_close;	/* -N/-q on a stream socket */
	bool			 crlf;		/* -C */
	bool			 telnet_on;	/* -t */
	bool			 send_only;	/* --send-only */
	bool			 quit_on;	/* -q */
	long			 quit_ms;	/* -q TIME (-1: only -u's 0) */
	long			 interval_ms;	/* -i */
	long			 recv_limit;	/* -W */
	bool			 watch_stdout;	/* its reader's going is seen */
	bool			 net_shut;	/* SHUT_WR done */
	bool			 unsent;	/* err: peer refused stdin */
	bool			 limit_hit;	/* -W reached */
	bool			 refused_said;
	struct sockaddr_storage	 warned;	/* -u -k: last failed to */
	socklen_t		 warned_len;
	int			 err;		/* the connection's failure */
	int			 local_err;	/* a failed write to stdout */
	long			 recv_count;
	long			 idle_ms;	/* -w, --idle-timeout; 0: no */
	long long		 last_activity;
	long long		 last_recv;
	long long		 stdin_eof_at;
	long long		 next_send_at;	/* -i pacing */
};

static bool
flow_drained(const struct flow *f)
{
	return f->q.len == 0 || f->dst_gone;
}

static void
flow_sink_gone(struct flow *f)
{
	f->dst_gone = true;
	buf_consume(&f->q, f->q.len);
}

/*
 * Whether select() tells when the reader of fd has gone.  On Linux the
 * write end of a pipe or FIFO turns "readable" then; elsewhere the next
 * write finds out.  Only a write-only end: one open for reading as well
 * is readable whenever it holds data.
 */
static bool
reader_loss_visible(int fd)
{
#ifdef __linux__
	struct stat	st;
	int		fl;

	if (fstat(fd, &st) == -1 || !S_ISFIFO(st.st_mode))
		return false;
	fl = fcntl(fd, F_GETFL);
	return fl != -1 && (fl & O_ACCMODE) == O_WRONLY;
#else
	(void)fd;
	return false;
#endif
}

static void
telnet_scan(struct pump *p, const unsigned char *s, size_t n)
{
	unsigned char	reply[3];
	size_t		i;

	for (i = 0; i < n; i++) {
		switch (p->tel_state) {
		case 0:
			if (s[i] == TEL_IAC)
				p->tel_state = 1;
			break;
		case 1:
			if (s[i] >= TEL_WILL && s[i] <= TEL_DONT) {
				p->tel_cmd = s[i];
				p->tel_state = 2;
			} else
				p->tel_state = 0;
			break;
		default:
			reply[0] = TEL_IAC;
			reply[1] = p->tel_cmd == TEL_DO ||
			    p->tel_cmd == TEL_DONT ? TEL_WONT : TEL_DONT;
			reply[2] = s[i];
			if (buf_room(&p->telnet) >= sizeof(reply))
				buf_append(&p->telnet, reply, sizeof(reply));
			p->tel_state = 0;
			break;
		}
	}
}

/* -u -k: one datagram from anyone, straight into the queue; its sender
 * gets the replies.  One that admit refuses is taken out again, unseen
 * (-u -l: one not from the peer, queued before the socket was connected). */
static ssize_t
recv_any(struct pump *p, struct flow *f)
{
	struct sockaddr_storage	 from;
	socklen_t		 len = sizeof(from);
	ssize_t			 n;

	from.ss_family = AF_UNSPEC;
	n = buf_recvfrom(&f->q, f->src, (struct sockaddr *)&from, &len);
	if (n >= 0 && p->io->admit != NULL &&
	    !p->io->admit(p->opt, &from, len)) {
		f->q.len -= (size_t)n;
		errno = EAGAIN;		/* as if nothing had come */
		return -1;
	}
	/* An unbound Unix sender (no address) cannot be answered. */
	if (n >= 0 && len > 0 && p->io->reply_to != NULL) {
		*p->io->reply_to = from;
		*p->io->reply_len = len;
	}
	return n;
}

/* Up to max bytes of q to the peer: the connected one, or (-u -k) the
 * latest sender. */
static ssize_t
net_send(struct pump *p, struct buf *q, size_t max)
{
	if (p->io->reply_to == NULL)
		return buf_drain(q, p->io->net_out, max);
	return buf_sendto(q, p->io->net_out, max,
	    (const struct sockaddr *)p->io->reply_to, *p->io->reply_len);
}

/* The socket has data, an EOF, or an error. */
static void
net_readable(struct pump *p, long long now)
{
	struct flow	*f = &p->down;
	size_t		 before = f->q.len;
	ssize_t		 n;

	if (p->io->reply_to != NULL || p->io->admit != NULL)
		n = recv_any(p, f);
	else
		n = buf_fill(&f->q, f->src, 0, false);
	if (n == -1) {
		if (io_again(errno))
			return;
		if (p->dgram && errno == ECONNREFUSED) {
			/* ICMP port unreachable: nobody there yet. */
			if (verbose > 0 && !p->refused_said)
				sc_warn("peer port unreachable (ignored)");
			p->refused_said = true;
			return;
		}
		p->err = errno;
		f->src_eof = true;
		return;
	}
	if (n == 0 && !p->dgram) {
		f->src_eof = true;
		return;
	}
	p->last_activity = p->last_recv = now;
	p->res->received += (unsigned long long)n;
	tap_record(p->io->tap, TAP_RECV, buf_head(&f->q) + before, (size_t)n);
	if (p->telnet_on)
		telnet_scan(p, (const unsigned char *)buf_head(&f->q) + before,
		    (size_t)n);
	if (p->send_only)
		buf_consume(&f->q, f->q.len);
	if (p->recv_limit > 0 && ++p->recv_count >= p->recv_limit)
		p->limit_hit = true;
}

/* stdout can take more. */
static void
local_writable(struct pump *p)
{
	struct flow	*f = &p->down;

	if (buf_drain(&f->q, f->dst, 0) != -1 || io_again(errno))
		return;
	/* EPIPE: the reader is done (| head), which is no error. */
	if (errno != EPIPE)
		p->local_err = errno;
	flow_sink_gone(f);
}

/* stdin has data or EOF. */
static void
local_readable(struct pump *p, long long now)
{
	struct flow	*f = &p->up;
	size_t		 max = 0;
	ssize_t		 n;

	if (p->dgram)
		max = p->crlf ? DGRAM_SEND_MAX / 2 : DGRAM_SEND_MAX;
	n = buf_fill(&f->q, f->src, max, p->crlf);
	if (n > 0) {
		p->last_activity = now;
		return;
	}
	if (n == -1 && io_again(errno))
		return;
	/*
	 * A program that ends with input unread resets its record socket;
	 * the error, once said, clears, and what it wrote before is still
	 * there to read, then its EOF.
	 */
	if (n == -1 && errno == ECONNRESET && p->io->program)
		return;
	if (n == -1)
		sc_warn("read from standard input failed: %s",
		    strerror(errno));
	f->src_eof = true;
	p->stdin_eof_at = now;
}

/* How much of the queue may go now: one line at a time under -i. */
static size_t
send_limit(const struct pump *p)
{
	const char	*nl;

	if (p->interval_ms <= 0)
		return 0;
	nl = memchr(buf_head(&p->up.q), '\n', p->up.q.len);
	return nl == NULL ? 0 : (size_t)(nl - buf_head(&p->up.q)) + 1;
}

/*
 * A datagram nobody can take is dropped and the pump goes on: quietly
 * where the socket has no peer (ENOTCONN, EDESTADDRREQ: an unnamed sender,
 * said when it came); under -u -k, where the latest sender is gone, stale
 * or has port 0, with a warning when that sender is not the one last
 * warned about.  False: the failure is the connection's.
 */
static bool
dgram_dropped(struct pump *p)
{
	const struct pump_io	*io = p->io;
	struct buf		*q = p->telnet.len > 0 ? &p->telnet : &p->up.q;
	size_t			 len = q == &p->up.q ? send_limit(p) : 0;

	if (errno != ENOTCONN && errno != EDESTADDRREQ) {
		if (io->reply_to == NULL)
			return false;
		if (p->warned_len != *io->reply_len || memcmp(&p->warned,
		    io->reply_to, (size_t)*io->reply_len) != 0) {
			sc_warn("reply to the latest sender failed: %s "
			    "(dropped)", strerror(errno));
			p->warned = *io->reply_to;
			p->warned_len = *io->reply_len;
		}
	}
	buf_consume(q, len > 0 ? len : q->len);
	return true;
}

/* A failed write to the socket: retry, ignore, or give up sending. */
static void
net_write_failed(struct pump *p)
{
	if (io_again(errno))
		return;
	if (p->dgram && dgram_dropped(p))
		return;
	/* A datagram socket's pending ICMP error: the datagram stays queued. */
	if (p->dgram && errno == ECONNREFUSED)
		return;
	/*
	 * Under -N/-q the peer was to get all of stdin, FIN or not: what it
	 * refuses now is lost, and that is an error.
	 */
	if (p->half_close && (errno == EPIPE || errno == ECONNRESET))
		p->unsent = true;
	if (errno != EPIPE || p->unsent)
		p->err = errno;
	flow_sink_gone(&p->up);
	buf_consume(&p->telnet, p->telnet.len);
}

/* The socket can take more. */
static void
net_writable(struct pump *p, long long now)
{
	struct flow	*f = &p->up;
	const char	*head;
	ssize_t		 n;

	if (p->telnet.len > 0) {
		if (net_send(p, &p->telnet, 0) == -1)
			net_write_failed(p);
		return;
	}
	if (f->q.len == 0 || now < p->next_send_at)
		return;
	head = buf_head(&f->q);
	n = net_send(p, &f->q, send_limit(p));
	if (n == -1) {
		net_write_failed(p);
		return;
	}
	p->res->sent += (unsigned long long)n;
	tap_record(p->io->tap, TAP_SENT, head, (size_t)n);
	if (p->interval_ms > 0 && n > 0 && head[n - 1] == '\n')
		p->next_send_at = now + p->interval_ms;
}

/* stdin has ended and all it gave (and every -t reply) is sent. */
static bool
up_done(const struct pump *p)
{
	return p->up.src_eof && flow_drained(&p->up) && p->telnet.len == 0;
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

/* The earliest moment something is due: idle, -q, -i's next line. */
static long long
next_deadline(const struct pump *p, long long now)
{
	long long	due = -1, t;

	if (p->idle_ms > 0)
		due = p->last_activity + p->idle_ms;
	t = quit_deadline(p);
	if (t >= 0 && (due < 0 || t < due))
		due = t;
	if (p->up.q.len > 0 && p->next_send_at > now &&
	    (due < 0 || p->next_send_at < due))
		due = p->next_send_at;
	return due;
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
	    p->telnet.len == 0 && (!p->half_close || up->src_eof ||
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
	    !p->up.dst_gone &&
	    (p->dgram ? p->up.q.len == 0 :
	    buf_room(&p->up.q) >= (p->crlf ? 2u : 1u)))
		fd_watch(p->up.src, rfds, &maxfd);
	/* A program's relay passes one datagram a write: one at a time. */
	if (!p->down.src_eof && !p->limit_hit && !p->down.dst_gone &&
	    (p->io->program ? p->down.q.len == 0 :
	    buf_room(&p->down.q) >= (p->dgram ? DGRAM_RECV_ROOM : 1u)))
		fd_watch(p->down.src, rfds, &maxfd);
	/* -u -k: nobody to answer until someone has written. */
	if (!p->up.dst_gone && (p->telnet.len > 0 ||
	    (p->up.q.len > 0 && now >= p->next_send_at)) &&
	    (p->io->reply_to == NULL || *p->io->reply_len > 0))
		fd_watch(p->up.dst, wfds, &maxfd);
	if (p->down.q.len > 0 && !p->down.dst_gone)
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
	if (FD_ISSET(p->down.src, rfds))
		net_readable(p, now);
	if (FD_ISSET(p->down.dst, wfds) && !p->down.dst_gone)
		local_writable(p);
	if (p->up.src >= 0 && FD_ISSET(p->up.src, rfds))
		local_readable(p, now);
	if (FD_ISSET(p->up.dst, wfds))
		net_writable(p, now);
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
	}
	p->watch_stdout = io->local_out != io->local_in &&
	    reader_loss_visible(io->local_out);
	p->up.src = io->local_in;
	p->up.dst = io->net_out;
	p->down.src = io->net_in;
	p->down.dst = io->local_out;
	buf_init(&p->up.q, PUMP_BUF_SIZE);
	buf_init(&p->down.q, PUMP_BUF_SIZE);
	buf_init(&p->telnet, TELNET_BUF_SIZE);
	p->last_activity = p->last_recv = p->stdin_eof_at = now_ms();
	if (io->local_in < 0 || (opt->no_stdin && !io->program))
		p->up.src_eof = true;
}

void
pump_run(const struct options *opt, const struct pump_io *io,
    struct pump_result *res)
{
	struct pump	 p;
	struct timeval	 tv;
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
		n = select(maxfd + 1, &rfds, &wfds, NULL,
		    select_timeout(deadline, now, &tv));
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
	res->elapsed_ms = now_ms() - start;
	res->stdin_eof = p.up.src_eof && io->local_in >= 0 &&
	    !(opt->no_stdin && !io->program);
	buf_free(&p.up.q);
	buf_free(&p.down.q);
	buf_free(&p.telnet);
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
