/*
 * buf.c: the fixed byte queue the pump and the broker move data through,
 * with -C's LF to CRLF rewrite applied as bytes come in, filled and
 * drained by read/write or, on an unconnected datagram socket, by
 * recvfrom/sendto.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

void
buf_init(struct buf *b, size_t cap)
{
	b->data = xmalloc(cap);
	b->cap = cap;
	b->off = 0;
	b->len = 0;
	b->last_cr = false;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->cap = b->off = b->len = 0;
}

static size_t
tail_room(const struct buf *b)
{
	return b->cap - b->off - b->len;
}

/*
 * The queued bytes are moved to the front (a memmove) only once less than
 * half the buffer is left at the tail, or when nothing is queued.
 */
static bool
worth_compacting(const struct buf *b)
{
	return b->off > 0 && (b->len == 0 || tail_room(b) < b->cap / 2);
}

/* Before bytes are added: compact if worth it; returns the tail room. */
static size_t
compact(struct buf *b)
{
	if (worth_compacting(b)) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	return tail_room(b);
}

size_t
buf_room(const struct buf *b)
{
	return worth_compacting(b) ? b->cap - b->len : tail_room(b);
}

/* Rewrite n fresh bytes at p in place, LF to CRLF; returns the new length. */
static size_t
crlf_expand(struct buf *b, char *p, size_t n)
{
	size_t	i, lfs = 0, out;
	bool	cr = b->last_cr;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && !cr)
			lfs++;
		cr = p[i] == '\r';
	}
	out = n + lfs;
	/* Walk backwards so each byte moves at most once. */
	for (i = n; lfs > 0 && i-- > 0;) {
		bool	prev_cr = i > 0 ? p[i - 1] == '\r' : b->last_cr;

		p[i + lfs] = p[i];
		if (p[i] == '\n' && !prev_cr) {
			lfs--;
			p[i + lfs] = '\r';
		}
	}
	b->last_cr = cr;
	return out;
}

ssize_t
buf_fill(struct buf *b, int fd, size_t max, bool crlf)
{
	size_t	room = compact(b);
	char	*tail;
	ssize_t	n;

	if (crlf)
		room /= 2;
	if (max > 0 && max < room)
		room = max;
	if (room == 0) {
		errno = ENOBUFS;
		return -1;
	}
	tail = b->data + b->off + b->len;
	n = read(fd, tail, room);
	if (n <= 0)
		return n;
	b->len += crlf ? crlf_expand(b, tail, (size_t)n) : (size_t)n;
	return n;
}

void
buf_append(struct buf *b, const void *p, size_t len)
{
	(void)compact(b);
	memcpy(b->data + b->off + b->len, p, len);
	b->len += len;
}

ssize_t
buf_drain(struct buf *b, int fd, size_t max)
{
	size_t	len = b->len;
	ssize_t	n;

	if (max > 0 && max < len)
		len = max;
	n = write(fd, b->data + b->off, len);
	if (n > 0)
		buf_consume(b, (size_t)n);
	return n;
}

ssize_t
buf_recvfrom(struct buf *b, int fd, struct sockaddr *from, socklen_t *len)
{
	size_t	room = compact(b);
	ssize_t	n;

	if (room == 0) {
		errno = ENOBUFS;
		return -1;
	}
	n = recvfrom(fd, b->data + b->off + b->len, room, 0, from, len);
	if (n > 0)
		b->len += (size_t)n;
	return n;
}

ssize_t
buf_sendto(struct buf *b, int fd, size_t max, const struct sockaddr *to,
    socklen_t len)
{
	size_t	n = b->len;
	ssize_t	sent;

	if (max > 0 && max < n)
		n = max;
	sent = sendto(fd, b->data + b->off, n, 0, to, len);
	if (sent > 0)
		buf_consume(b, (size_t)sent);
	return sent;
}

void
buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	b->len -= n;
	if (b->len == 0)
		b->off = 0;
}
