/*
 * pumpzc.c: the pump's moves for a flow that splices (zcopy.c): its
 * source into its pipe, the pipe into its sink, and the fall back to the
 * copying path of pumpio.c when splice refuses the descriptors.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/select.h>

#include <errno.h>
#include <string.h>

#include "buf.h"
#include "pumpio.h"
#include "util.h"
#include "zcopy.h"

/*
 * Splice cannot serve this flow (EINVAL, ENOSYS: an O_APPEND file, a
 * tty, a filesystem without it): it goes on by read and write, its queue
 * allocated now and holding first what the pipe held.
 */
static void
zc_fall_back(struct pump *p, struct flow *f)
{
	size_t	cap = PUMP_BUF_SIZE;

	if (f->zp.len > cap)
		cap = f->zp.len;
	f->zc = false;
	buf_init(&f->q, cap);
	if (zpipe_to_buf(&f->zp, &f->q) == 0)
		return;
	/* Bytes the pipe does not give back: the run cannot go on. */
	p->err = errno;
	f->src_eof = true;
	flow_sink_gone(f);
}

/* n bytes came from f's source at now: counted as the copying path does. */
static void
zc_came(struct pump *p, struct flow *f, ssize_t n, long long now)
{
	p->last_activity = now;
	if (f == &p->down) {
		p->last_recv = now;
		p->res->received += (unsigned long long)n;
	}
}

/* f's source has ended, or (failed) could not be read. */
static void
zc_source_ended(struct pump *p, struct flow *f, long long now, bool failed)
{
	if (f == &p->up)
		stdin_ended(p, now, failed);
	else if (failed)
		net_recv_failed(p);
	else
		f->src_eof = true;
}

/* A zc flow's source has data or its end: into the pipe. */
static bool
zc_readable(struct pump *p, struct flow *f, long long now)
{
	ssize_t	n = zpipe_fill(&f->zp, f->src);

	/* Refused, or no pipe to be had (EMFILE): copy instead. */
	if (n == -1 && (zc_refused(errno) || f->zp.rd < 0)) {
		zc_fall_back(p, f);
		return false;
	}
	if (n == -1 && io_again(errno))
		return false;
	if (n > 0) {
		zc_came(p, f, n, now);
		return true;
	}
	zc_source_ended(p, f, now, n == -1);
	return false;
}

/* A zc flow's sink can take more: from the pipe. */
static void
zc_writable(struct pump *p, struct flow *f)
{
	ssize_t	n = zpipe_drain(&f->zp, f->dst);

	if (n == -1 && zc_refused(errno)) {
		zc_fall_back(p, f);
		return;
	}
	if (n >= 0) {
		if (f == &p->up)
			p->res->sent += (unsigned long long)n;
		return;
	}
	if (io_again(errno))
		return;
	if (f == &p->up) {
		net_write_failed(p);
		return;
	}
	/* EPIPE: the reader is done (| head), which is no error. */
	if (errno != EPIPE)
		p->local_err = errno;
	flow_sink_gone(f);
}

/*
 * At most this many pipefuls a pass while source and sink both keep up:
 * a bulk transfer then costs no select() a chunk, and the other flow and
 * the deadlines wait at most this long.
 */
#define ZC_BURST	16

/*
 * A direct flow's call failed with errno, neither EAGAIN nor a refusal:
 * what failed, the source or the sink?
 */
static void
zc_direct_failed(struct pump *p, struct flow *f, long long now)
{
	bool	source;

	/* Reading a file fails so, and writing a pipe only with EPIPE:
	 * up, anything else is the socket's sending; down, its receiving. */
	if (f == &p->up)
		source = errno == EIO || errno == ENOMEM || errno == EOVERFLOW;
	else
		source = errno != EPIPE;
	if (source)
		zc_source_ended(p, f, now, true);
	else if (f == &p->up)
		net_write_failed(p);
	else
		flow_sink_gone(f);	/* stdout's reader is done (| head) */
}

/*
 * A direct flow (zcopy.h: a file or a pipe to a socket, or a socket to
 * a pipe, no pipe of ours): chunks while both ends keep up, up to
 * ZC_BURST.  EAGAIN cannot say which end stopped it: sf_wait has select()
 * watch the sink then, and if the sink says it is ready and still
 * nothing moves, the source again (a file is never empty: its EAGAIN is
 * the socket's).
 */
static void
zc_direct(struct pump *p, struct flow *f, long long now)
{
	bool	for_sink = f->sf_wait;
	ssize_t	n;
	int	i;

	for (i = 0; i < ZC_BURST; i++) {
		if ((n = zdirect_move(f->sf, f->src, f->dst)) > 0) {
			f->sf_wait = false;
			zc_came(p, f, n, now);
			if (f == &p->up)
				p->res->sent += (unsigned long long)n;
			continue;
		}
		if (n == 0)
			zc_source_ended(p, f, now, false);
		else if (io_again(errno))
			f->sf_wait = !(for_sink && i == 0);
		else if (zc_refused(errno)) {
			f->sf = ZDIRECT_NONE;	/* through the pipe, then */
			f->sf_wait = false;
		} else
			zc_direct_failed(p, f, now);
		return;
	}
}

/*
 * A zc flow's pass: the sink first, so the pipe has room for the source;
 * what came in is sent on at once, and while the sink takes all of it
 * the source is read again, without waiting for another select().
 */
void
zc_ready(struct pump *p, struct flow *f, long long now, fd_set *rfds,
    fd_set *wfds)
{
	int	i;

	if (f->sf != ZDIRECT_NONE) {
		if (f->sf_wait ? FD_ISSET(f->dst, wfds) && !f->dst_gone :
		    f->src >= 0 && FD_ISSET(f->src, rfds))
			zc_direct(p, f, now);
		return;
	}
	if (FD_ISSET(f->dst, wfds) && !f->dst_gone)
		zc_writable(p, f);
	if (f->src < 0 || !FD_ISSET(f->src, rfds))
		return;
	for (i = 0; i < ZC_BURST; i++) {
		if (!zc_readable(p, f, now) || !f->zc || f->dst_gone)
			return;
		zc_writable(p, f);
		if (!f->zc || f->zp.len > 0)
			return;		/* the sink is full: select() */
	}
}
