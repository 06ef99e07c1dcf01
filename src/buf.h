/*
 * buf.h: a fixed byte queue between a source and a sink descriptor.
 * It knows its bytes and the calls that move them; no select().
 */
#ifndef SOCKCAT_BUF_H
#define SOCKCAT_BUF_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char	*data;
	size_t	 cap;
	size_t	 off;		/* first queued byte */
	size_t	 len;		/* queued bytes */
	bool	 last_cr;	/* -C: the last byte queued was a CR */
};

/* Allocate cap bytes; buf_free() releases them. */
void	buf_init(struct buf *, size_t);
void	buf_free(struct buf *);

/*
 * The room the next buf_fill(), buf_recvfrom() or buf_append() has: the
 * free tail, or all the free space where that call will first move the
 * queued bytes to the front.  A query: it moves nothing.
 */
size_t	buf_room(const struct buf *);

/*
 * One read(2) from fd into the room (at most max bytes, 0: all of it).
 * With crlf, each LF not already after a CR becomes CRLF, so at most half
 * the room is read.  Returns what read(2) returned; the bytes queued may
 * be more than that under crlf.
 */
ssize_t	buf_fill(struct buf *, int, size_t, bool);

/* Queue a copy of len bytes; the caller has checked buf_room(). */
void	buf_append(struct buf *, const void *, size_t);

/* One write(2) of at most max queued bytes; returns what write returned. */
ssize_t	buf_drain(struct buf *, int, size_t);

/*
 * The datagram forms of buf_fill() and buf_drain(), for an unconnected
 * socket: recvfrom(2) into the room left, with the sender in *from, and
 * sendto(2) of up to max bytes (0: all) to the address given.
 */
ssize_t	buf_recvfrom(struct buf *, int, struct sockaddr *, socklen_t *);
ssize_t	buf_sendto(struct buf *, int, size_t, const struct sockaddr *,
	    socklen_t);

/* Drop n bytes from the head. */
void	buf_consume(struct buf *, size_t);

static inline const char *
buf_head(const struct buf *b)
{
	return b->data + b->off;
}

#endif
