/*
 * pumpio.c: the pump's moves: what a ready socket, stdin or stdout gets
 * (a read into its flow's queue, a write from it), datagram senders
 * admitted and answered, -t replies, -i pacing, -C, -W and the taps.
 * The loop and its rules are pump.c's.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dgbatch.h"
#include "digest.h"
#include "pumpio.h"
#include "tap.h"
#include "telnet.h"
#include "util.h"

bool
flow_drained(const struct flow *f)
{
	return flow_queued(f) == 0 || f->dst_gone;
}

size_t
flow_queued(const struct flow *f)
{
	return f->q.len + f->zp.len;
}

void
flow_sink_gone(struct flow *f)
{
	f->dst_gone = true;
	buf_consume(&f->q, f->q.len);
	zpipe_close(&f->zp);
}

/*
 * Whether select() tells when the reader of fd has gone.  On Linux the
 * write end of a pipe or FIFO turns "readable" then; elsewhere the next
 * write finds out.  Only a write-only end: one open for reading as well
 * is readable whenever it holds data.
 */
bool
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

/* A receive failed: again later, a refusal said once, or the end. */
void
net_recv_failed(struct pump *p)
{
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
	/*
	 * Under -N/-q a reset before stdin's FIN went out is stdin refused,
	 * whichever side of the socket saw it first (a write would have
	 * said so: net_write_failed()).
	 */
	if (p->half_close && errno == ECONNRESET && !p->net_shut)
		p->unsent = true;
	p->down.src_eof = true;
}

/*
 * One datagram of a batch, as recv_any() and net_readable() take one: a
 * refused sender's dropped unseen; otherwise its sender is the one
 * replies go to (-u -k), and it is counted, tapped, -W-counted and
 * queued for stdout whole, its bytes as they came (--send-only: none).
 * False: the queue has no room for it yet.
 */
static bool
dgram_take(struct pump *p, const struct dgram *d)
{
	struct flow	*f = &p->down;

	if (p->io->admit != NULL &&
	    !p->io->admit(p->opt, d->from, d->from_len))
		return true;
	if (!p->send_only && buf_room(&f->q) < d->len)
		return false;
	if (d->from_len > 0 && p->io->reply_to != NULL) {
		*p->io->reply_to = *d->from;
		*p->io->reply_len = d->from_len;
	}
	p->last_activity = p->last_recv = p->dg_at;
	p->res->received += (unsigned long long)d->len;
	rate_take(&p->down.rate, p->dg_at, d->len);
	tap_record(p->io->tap, TAP_RECV, d->data, d->len);
	digest_add(p->io->digest, DIGEST_RECV, d->data, d->len);
	if (p->telnet_on)
		telnet_scan(&p->tel, (const unsigned char *)d->data, d->len);
	if (!p->send_only)
		buf_append(&f->q, d->data, d->len);
	if (p->recv_limit > 0 && ++p->recv_count >= p->recv_limit)
		p->limit_hit = true;
	return true;
}

/*
 * The batch's datagrams not taken yet, in order, while the queue has
 * room; past -W's limit the rest are dropped.  Returns whether none is
 * left.
 */
static bool
dgram_take_batch(struct pump *p)
{
	struct dgram	d;

	for (; p->dg_next < p->dg_have; p->dg_next++) {
		if (p->limit_hit) {
			p->dg_next = p->dg_have;
			break;
		}
		dgbatch_get(p->dg_next, &d);
		if (!dgram_take(p, &d))
			return false;
	}
	return true;
}

/*
 * Whether stdout is a regular file or /dev/null: select() would always
 * say it can take more, so a batch can go out in the pass it came in.
 */
static bool
sink_always_ready(struct pump *p)
{
	struct stat	st, null;

	if (p->sink_ready == 0)
		p->sink_ready = fstat(p->down.dst, &st) == 0 &&
		    (S_ISREG(st.st_mode) || (S_ISCHR(st.st_mode) &&
		    stat("/dev/null", &null) == 0 && S_ISCHR(null.st_mode) &&
		    st.st_rdev == null.st_rdev)) ? 1 : -1;
	return p->sink_ready == 1;
}

/*
 * A datagram socket whose datagrams go to stdout's byte stream: what
 * is left of the last batch first, then every datagram queued, in
 * batches, up to DGRAM_PASS_MAX a pass and never past -W's limit.  What
 * the queue cannot take yet waits in the batch for local_writable().
 */
static void
dgram_readable(struct pump *p, long long now)
{
	int	got = 0, want, n;

	if (!dgram_take_batch(p))
		return;
	while (got < DGRAM_PASS_MAX && !p->limit_hit &&
	    rate_ready(&p->down.rate, now)) {
		want = DGRAM_PASS_MAX - got;
		if (want > DGBATCH_SLOTS)
			want = DGBATCH_SLOTS;
		if (p->down.rate.bps > 0)
			want = 1;	/* --rate-recv: one, then the bucket */
		if (p->recv_limit > 0 && p->recv_limit - p->recv_count < want)
			want = (int)(p->recv_limit - p->recv_count);
		if ((n = dgbatch_recv(p->down.src, want)) == -1) {
			net_recv_failed(p);
			break;
		}
		p->dg_have = n;
		p->dg_next = 0;
		p->dg_at = now;
		got += n;
		/* Short: the socket's queue is empty (or owes an error). */
		if (!dgram_take_batch(p) || n < want)
			break;
	}
	if (p->down.q.len > 0 && !p->down.dst_gone && sink_always_ready(p))
		local_writable(p);
}

/* The socket has data, an EOF, or an error. */
void
net_readable(struct pump *p, long long now)
{
	struct flow	*f = &p->down;
	size_t		 before = f->q.len;
	ssize_t		 n;

	/* A program's record socket takes one datagram a write. */
	if (p->dgram && !p->io->program) {
		dgram_readable(p, now);
		return;
	}
	if (p->io->reply_to != NULL || p->io->admit != NULL)
		n = recv_any(p, f);
	else
		n = buf_fill(&f->q, f->src, rate_clip(&f->rate, now, 0), false);
	if (n == -1) {
		net_recv_failed(p);
		return;
	}
	if (n == 0 && !p->dgram) {
		f->src_eof = true;
		return;
	}
	p->last_activity = p->last_recv = now;
	p->res->received += (unsigned long long)n;
	rate_take(&f->rate, now, (size_t)n);
	tap_record(p->io->tap, TAP_RECV, buf_head(&f->q) + before, (size_t)n);
	digest_add(p->io->digest, DIGEST_RECV, buf_head(&f->q) + before,
	    (size_t)n);
	if (p->telnet_on)
		telnet_scan(&p->tel,
		    (const unsigned char *)buf_head(&f->q) + before, (size_t)n);
	if (p->send_only)
		buf_consume(&f->q, f->q.len);
	if (p->recv_limit > 0 && ++p->recv_count >= p->recv_limit)
		p->limit_hit = true;
}

/* stdout can take more. */
void
local_writable(struct pump *p)
{
	struct flow	*f = &p->down;

	if (buf_drain(&f->q, f->dst, 0) != -1) {
		/* Room again for what the last batch still holds. */
		(void)dgram_take_batch(p);
		return;
	}
	if (io_again(errno))
		return;
	/* EPIPE: the reader is done (| head), which is no error. */
	if (errno != EPIPE)
		p->local_err = errno;
	flow_sink_gone(f);
}

/* stdin is over at now: its end, or a failed read (errno) said once. */
void
stdin_ended(struct pump *p, long long now, bool failed)
{
	if (failed)
		sc_warn("read from standard input failed: %s",
		    strerror(errno));
	p->up.src_eof = true;
	p->stdin_eof_at = now;
}

/* stdin has data or EOF. */
void
local_readable(struct pump *p, long long now)
{
	struct flow	*f = &p->up;
	size_t		 max, before = f->q.len;
	ssize_t		 n;

	/* --rate: what the bucket holds; a datagram whole, in debt. */
	if (p->dgram)
		max = p->crlf ? DGRAM_SEND_MAX / 2 : DGRAM_SEND_MAX;
	else
		max = rate_clip(&f->rate, now, 0);
	n = buf_fill(&f->q, f->src, max, p->crlf);
	if (n > 0) {
		rate_take(&f->rate, now, f->q.len - before);
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
	stdin_ended(p, now, n == -1);
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
	struct buf		*q = p->tel.replies.len > 0 ?
				    &p->tel.replies : &p->up.q;
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
void
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
	buf_consume(&p->tel.replies, p->tel.replies.len);
}

/* The socket can take more. */
void
net_writable(struct pump *p, long long now)
{
	struct flow	*f = &p->up;
	const char	*head;
	ssize_t		 n;

	if (p->tel.replies.len > 0) {
		head = buf_head(&p->tel.replies);
		if ((n = net_send(p, &p->tel.replies, 0)) == -1)
			net_write_failed(p);
		else
			digest_add(p->io->digest, DIGEST_SENT, head, (size_t)n);
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
	digest_add(p->io->digest, DIGEST_SENT, head, (size_t)n);
	if (p->interval_ms > 0 && n > 0 && head[n - 1] == '\n')
		p->next_send_at = now + p->interval_ms;
}
