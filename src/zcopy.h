/*
 * zcopy.h: a flow's bytes moved by splice(2) through a pipe of its own,
 * or straight where an end is a pipe (splice) or the source a regular
 * file (sendfile), never through user space.  Built only where configure
 * found splice (HAVE_SPLICE); elsewhere zc_usable() says no and the rest
 * is unused.
 */
#ifndef SOCKCAT_ZCOPY_H
#define SOCKCAT_ZCOPY_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The pipe between a source and a sink; rd and wr -1 until first used. */
struct zpipe {
	int	 rd;
	int	 wr;
	size_t	 len;		/* bytes in it, not yet sent on */
	size_t	 cap;		/* what it holds, as it says */
	bool	 full;		/* it took none: wait for the sink */
};

/*
 * Whether splice(2) may move bytes from src to dst: each a regular file,
 * a pipe or FIFO, a character device (tried: one that cannot splice says
 * EINVAL, and the flow falls back) or a stream socket, and this system
 * has splice at all.
 */
bool	zc_usable(int, int);

/* How a zc flow may go with no pipe of its own, straight to its sink. */
enum zdirect {
	ZDIRECT_NONE,		/* through the flow's pipe */
	ZDIRECT_FILE,		/* a regular file to a socket: sendfile(2) */
	ZDIRECT_PIPE		/* a pipe to a stream socket, or back: splice */
};

/* Which of those a zc flow from src to dst may take. */
enum zdirect	zdirect_kind(int, int);

/*
 * One move of a chunk from src to dst the kind's way (a file's offset
 * advances); returns what the call returned: bytes, 0 at the source's
 * end, or -1 with errno (EAGAIN: the sink is full or, for a pipe or a
 * socket source, the source is empty).
 */
ssize_t	zdirect_move(enum zdirect, int, int);

/* An empty pipe, not yet made. */
void	zpipe_init(struct zpipe *);

/* Whether the source may be read into the pipe now. */
bool	zpipe_room(const struct zpipe *);

/*
 * One splice(2) from fd into the pipe (made at the first call); returns
 * what splice returned: bytes, 0 at the source's end, or -1 with errno.
 */
ssize_t	zpipe_fill(struct zpipe *, int);

/* One splice(2) from the pipe to fd; as zpipe_fill(). */
ssize_t	zpipe_drain(struct zpipe *, int);

/*
 * Whether errno says splice cannot work on these descriptors (EINVAL,
 * ENOSYS): the flow must go on by read and write.
 */
bool	zc_refused(int);

/*
 * What the pipe holds is read into q (empty, with room for it all), in
 * order, and the pipe closed.  Returns 0, or -1 with errno.
 */
int	zpipe_to_buf(struct zpipe *, struct buf *);

/* The pipe's bytes are dropped (the sink is gone) and the pipe closed. */
void	zpipe_close(struct zpipe *);

#endif
