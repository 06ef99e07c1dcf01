/*
 * dgbatch.c: the pump's datagram receive in batches.  The slots are one
 * area of DGBATCH_SLOTS * DGBATCH_SLOT bytes, allocated at the first
 * batch and kept: the pages a short datagram never reaches are never
 * touched.  A process runs one pump at a time, so one batch is enough.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <string.h>

#include "dgbatch.h"
#include "util.h"

#define DGBATCH_SLOT	65536		/* any datagram whole */

static char			*area;
static struct sockaddr_storage	 from[DGBATCH_SLOTS];
static socklen_t		 from_len[DGBATCH_SLOTS];
static size_t			 len[DGBATCH_SLOTS];

#ifdef HAVE_RECVMMSG
static struct mmsghdr		 msgs[DGBATCH_SLOTS];
static struct iovec		 iov[DGBATCH_SLOTS];

static int
recv_batch(int fd, int max)
{
	int	i, n;

	for (i = 0; i < max; i++) {
		iov[i].iov_base = area + (size_t)i * DGBATCH_SLOT;
		iov[i].iov_len = DGBATCH_SLOT;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_name = &from[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		from[i].ss_family = AF_UNSPEC;
	}
	/* After the first datagram the kernel keeps an error for the next
	 * call and returns what it has. */
	n = recvmmsg(fd, msgs, (unsigned int)max, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++) {
		len[i] = msgs[i].msg_len;
		from_len[i] = msgs[i].msg_hdr.msg_namelen;
	}
	return n;
}
#else
/* An error after the first datagram, owed to the next call. */
static int	 owed;

static int
recv_batch(int fd, int max)
{
	ssize_t	r;
	int	n;

	if (owed != 0) {
		errno = owed;
		owed = 0;
		return -1;
	}
	for (n = 0; n < max; n++) {
		from[n].ss_family = AF_UNSPEC;
		from_len[n] = sizeof(from[n]);
		/* The socket is non-blocking: sock.c makes every one so. */
		r = recvfrom(fd, area + (size_t)n * DGBATCH_SLOT, DGBATCH_SLOT,
		    0, (struct sockaddr *)&from[n], &from_len[n]);
		if (r == -1 && n == 0)
			return -1;
		if (r == -1) {
			if (!io_again(errno))
				owed = errno;
			break;
		}
		len[n] = (size_t)r;
	}
	return n;
}
#endif

int
dgbatch_recv(int fd, int max)
{
	if (max > DGBATCH_SLOTS)
		max = DGBATCH_SLOTS;
	if (area == NULL)
		area = xmalloc((size_t)DGBATCH_SLOTS * DGBATCH_SLOT);
	return recv_batch(fd, max);
}

void
dgbatch_get(int i, struct dgram *d)
{
	d->data = area + (size_t)i * DGBATCH_SLOT;
	d->len = len[i];
	d->from = &from[i];
	d->from_len = from_len[i];
}
