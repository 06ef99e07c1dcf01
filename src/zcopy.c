/*
 * zcopy.c: the zero-copy half of a flow: splice(2) from its source into
 * a pipe kept for the session, and from the pipe to its sink, so the
 * bytes stay in the kernel.  A leaf like buf.c: -1 with errno, no
 * printing; the pump decides what a failure means.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#if defined(HAVE_SENDFILE) && defined(HAVE_SYS_SENDFILE_H)
#include <sys/sendfile.h>
#define ZC_SENDFILE	1
#endif

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "buf.h"
#include "zcopy.h"

#ifdef HAVE_SPLICE

/*
 * The pipe's size, asked of F_SETPIPE_SZ (a pipe made past the user's
 * pipe-user-pages-soft gets less, and the request fails: no matter).
 * Measured on loopback TCP, a file to /dev/null: 64 KiB moves twice the
 * bytes a second of 256 KiB or 1 MiB, at half the CPU; 32 KiB and less
 * are slower again.
 */
#define ZPIPE_WANT	65536
#define ZPIPE_DEFAULT	65536	/* if F_GETPIPE_SZ cannot say */
#define ZC_FLAGS	(SPLICE_F_NONBLOCK | SPLICE_F_MOVE)

/* A descriptor splice(2) may be tried on. */
static bool
spliceable(int fd)
{
	struct stat	st;
	socklen_t	len;
	int		type;

	if (fd < 0 || fstat(fd, &st) == -1)
		return false;
	if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode) ||
	    S_ISCHR(st.st_mode))
		return true;
	len = sizeof(type);
	return S_ISSOCK(st.st_mode) &&
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 &&
	    type == SOCK_STREAM;
}

bool
zc_usable(int src, int dst)
{
	return spliceable(src) && spliceable(dst);
}

/* The pipe, made once, as large as the system lets it be. */
static int
zpipe_open(struct zpipe *z)
{
	int	fds[2], size;

	if (z->rd >= 0)
		return 0;
	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	z->rd = fds[0];
	z->wr = fds[1];
	(void)fcntl(z->wr, F_SETPIPE_SZ, ZPIPE_WANT);
	size = fcntl(z->wr, F_GETPIPE_SZ);
	z->cap = size > 0 ? (size_t)size : ZPIPE_DEFAULT;
	return 0;
}

ssize_t
zpipe_fill(struct zpipe *z, int fd)
{
	ssize_t	n;

	if (zpipe_open(z) == -1)
		return -1;
	n = splice(fd, NULL, z->wr, NULL, z->cap - z->len, ZC_FLAGS);
	if (n > 0)
		z->len += (size_t)n;
	/* The pipe's slots can fill before its bytes do (partial pages). */
	else if (n == -1 && errno == EAGAIN && z->len > 0)
		z->full = true;
	return n;
}

ssize_t
zpipe_drain(struct zpipe *z, int fd)
{
	ssize_t	n;

	n = splice(z->rd, NULL, fd, NULL, z->len, ZC_FLAGS);
	if (n > 0) {
		z->len -= (size_t)n;
		z->full = false;
	}
	return n;
}


#else /* !HAVE_SPLICE: never used, the copying path is all there is */

bool
zc_usable(int src, int dst)
{
	(void)src;
	(void)dst;
	return false;
}

ssize_t
zpipe_fill(struct zpipe *z, int fd)
{
	(void)z;
	(void)fd;
	errno = ENOSYS;
	return -1;
}

ssize_t
zpipe_drain(struct zpipe *z, int fd)
{
	(void)z;
	(void)fd;
	errno = ENOSYS;
	return -1;
}

#endif /* HAVE_SPLICE */

/*
 * A chunk a call: as much as the flow's pipe holds in a splice; measured
 * on loopback TCP, a tmpfs file sent in 64 KiB calls took half the CPU of
 * 1 MiB calls.
 */
#define ZDIRECT_CHUNK	65536

enum zdirect
zdirect_kind(int src, int dst)
{
	struct stat	s, d;

	if (fstat(src, &s) == -1 || fstat(dst, &d) == -1)
		return ZDIRECT_NONE;
#ifdef ZC_SENDFILE
	if (S_ISREG(s.st_mode) && S_ISSOCK(d.st_mode))
		return ZDIRECT_FILE;
#endif
#ifdef HAVE_SPLICE
	/* zc_usable() has said a socket here is a stream one. */
	if ((S_ISFIFO(s.st_mode) && S_ISSOCK(d.st_mode)) ||
	    (S_ISSOCK(s.st_mode) && S_ISFIFO(d.st_mode)))
		return ZDIRECT_PIPE;
#endif
	return ZDIRECT_NONE;
}

ssize_t
zdirect_move(enum zdirect kind, int src, int dst)
{
	switch (kind) {
#ifdef ZC_SENDFILE
	case ZDIRECT_FILE:
		return sendfile(dst, src, NULL, ZDIRECT_CHUNK);
#endif
#ifdef HAVE_SPLICE
	case ZDIRECT_PIPE:
		return splice(src, NULL, dst, NULL, ZDIRECT_CHUNK, ZC_FLAGS);
#endif
	default:
		errno = ENOSYS;
		return -1;
	}
}

void
zpipe_init(struct zpipe *z)
{
	z->rd = z->wr = -1;
	z->len = z->cap = 0;
	z->full = false;
}

bool
zpipe_room(const struct zpipe *z)
{
	return !z->full && (z->rd < 0 || z->len < z->cap);
}

bool
zc_refused(int e)
{
	return e == EINVAL || e == ENOSYS;
}

int
zpipe_to_buf(struct zpipe *z, struct buf *q)
{
	ssize_t	n;

	while (z->len > 0) {
		n = buf_fill(q, z->rd, z->len, false);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;	/* the pipe lost bytes */
			return -1;
		}
		z->len -= (size_t)n;
	}
	zpipe_close(z);
	return 0;
}

void
zpipe_close(struct zpipe *z)
{
	if (z->rd >= 0)
		(void)close(z->rd);
	if (z->wr >= 0)
		(void)close(z->wr);
	zpipe_init(z);
}
