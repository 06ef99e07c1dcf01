/*
 * pumpio.h: the pump's state, shared by pump.c (the loop and its rules)
 * and pumpio.c (what each ready descriptor gets); nobody else includes
 * it.
 */
#ifndef SOCKCAT_PUMPIO_H
#define SOCKCAT_PUMPIO_H

#include <sys/types.h>
#include <sys/select.h>
#include <sys/socket.h>

#include <stdbool.h>

#include "buf.h"
#include "pump.h"
#include "rate.h"
#include "telnet.h"
#include "zcopy.h"

#define PUMP_BUF_SIZE	(128 * 1024)
#define DGRAM_RECV_ROOM	65536		/* room for any datagram */
#define DGRAM_SEND_MAX	65507		/* the largest UDP payload */
#define DGRAM_PASS_MAX	64		/* datagrams read per select() */

/*
 * One direction: source descriptor -> queue -> sink descriptor.  The
 * queue is q, or under zc the pipe zp (splice(2); q then unallocated).
 */
struct flow {
	int		 src;
	int		 dst;
	struct buf	 q;
	bool		 src_eof;	/* no more to read */
	bool		 dst_gone;	/* the sink failed: write no more */
	bool		 zc;		/* zero copy: through zp */
	enum zdirect	 sf;		/* zc with no pipe: zp unused */
	bool		 sf_wait;	/* sf: wait for the sink, not the
					 * source */
	struct zpipe	 zp;
	struct rate	 rate;		/* --rate, --rate-recv: reads */
};

struct pump {
	const struct options	*opt;
	const struct pump_io	*io;
	struct pump_result	*res;
	struct flow		 up;		/* stdin -> socket */
	struct flow		 down;		/* socket -> stdout */
	struct telnet		 tel;		/* -t replies owed the peer */
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
	int			 dg_have;	/* datagrams in the batch */
	int			 dg_next;	/* the first not yet taken */
	long long		 dg_at;		/* when the batch came */
	signed char		 sink_ready;	/* stdout never blocks: 1,
						   can: -1, not known: 0 */
	long			 idle_ms;	/* -w, --idle-timeout; 0: no */
	long long		 last_activity;
	long long		 last_recv;
	long long		 stdin_eof_at;
	long long		 next_send_at;	/* -i pacing */
};

/* Whether f has nothing left to write (or nowhere to write it). */
bool	flow_drained(const struct flow *);
/* The bytes f holds for its sink, in q or in its pipe. */
size_t	flow_queued(const struct flow *);
/* f's sink failed: what is queued for it is dropped. */
void	flow_sink_gone(struct flow *);
/* Whether select() shows fd's reader going (a FIFO's write end). */
bool	reader_loss_visible(int);

/* What each ready descriptor gets, at time now (ms). */
void	net_readable(struct pump *, long long);
void	local_writable(struct pump *);
void	local_readable(struct pump *, long long);
void	net_writable(struct pump *, long long);
/* The same for a zc flow, whatever select() found of its two ends. */
void	zc_ready(struct pump *, struct flow *, long long, fd_set *,
	    fd_set *);
/* A failed write to the socket, whichever path: give up or retry. */
void	net_write_failed(struct pump *);
/* A receive from the socket failed (errno): again, ignored, or the end. */
void	net_recv_failed(struct pump *);
/* stdin is over (failed: a read error, in errno, to say). */
void	stdin_ended(struct pump *, long long, bool);

#endif
