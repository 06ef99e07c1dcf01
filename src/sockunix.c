/*
 * sockunix.c: Unix-domain sockets at a path or an "@abstract" name: the
 * listener that takes over a stale socket file (never another file) under
 * the directory's lock, and the client bounded by -w.  Like sock.c it
 * neither prints nor exits.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <unistd.h>

#include "addr.h"
#include "sock.h"
#include "sockunix.h"
#include "util.h"

/* How long a listener waits for another to finish replacing a file. */
#define UNIX_LOCK_MS	10000

/*
 * Is someone still serving the socket at this address?  The probe is a
 * datagram socket's connect(), which never makes a connection: a live
 * datagram socket accepts it, a live socket of another type answers
 * EPROTOTYPE, and only a file nobody is bound to answers ECONNREFUSED.
 * A stream probe would be taken by a one-shot listener as its client.
 */
static int
unix_in_use(const struct sockaddr_un *sun, socklen_t len)
{
	int	fd, r;

	if ((fd = socket(AF_UNIX, SOCK_DGRAM, 0)) == -1)
		return 1;
	r = connect(fd, (const struct sockaddr *)sun, len);
	if (r == -1 && (errno == ECONNREFUSED || errno == ENOENT))
		r = 0;
	else
		r = 1;
	(void)close(fd);
	return r;
}

/*
 * bind(2) refused path: if the file there is a socket nobody serves (its
 * listener died), replace it.  The look, the probe, the unlink and the
 * bind happen under the directory's lock (lock_dir_of), which every
 * sockcat takes to replace or remove a socket file: without it, two that
 * found the same stale file could interleave, one probing it while the
 * other replaced it with its live socket, then removing that.  Where the
 * directory cannot be locked at all (unreadable, or a file system without
 * flock), the replacement goes ahead unlocked, as before.
 */
static int
unix_replace_stale(int fd, const char *path, const struct sockaddr_un *sun,
    socklen_t len, enum sock_step *step)
{
	struct stat	st;
	int		dfd, r = -1;

	*step = STEP_LOCK_DIR;
	if ((dfd = lock_dir_of(path, UNIX_LOCK_MS)) == -1 &&
	    errno == EWOULDBLOCK)
		return -1;
	*step = STEP_BIND;
	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)	/* gone meanwhile: ours to take */
			r = bind(fd, (const struct sockaddr *)sun, len);
		goto out;
	}
	if (!S_ISSOCK(st.st_mode)) {
		errno = ENOTSOCK;
		goto out;
	}
	if (unix_in_use(sun, len)) {
		errno = EADDRINUSE;
		goto out;
	}
	if (unlink(path) == -1 && errno != ENOENT)
		goto out;
	r = bind(fd, (const struct sockaddr *)sun, len);
out:
	if (dfd != -1)
		(void)sock_discard(dfd);
	return r;
}

/* PATH as an address in *sun, and a new Unix socket for it. */
static int
unix_open(const struct sock_settings *s, const char *path,
    struct sockaddr_un *sun, socklen_t *len, enum sock_step *step)
{
	*step = STEP_PATH;
	if (addr_unix(path, sun, len) == -1)
		return -1;
	return sock_open(s, AF_UNIX, step);
}

int
sock_unix_listen(const struct sock_settings *s, const char *path,
    enum sock_step *step)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	if ((fd = unix_open(s, path, &sun, &len, step)) == -1)
		return -1;
	*step = STEP_BIND;
	/* A bind that succeeds at once is atomic: nothing was there. */
	if (bind(fd, (struct sockaddr *)&sun, len) == -1 &&
	    (errno != EADDRINUSE || path[0] == '@' ||
	    unix_replace_stale(fd, path, &sun, len, step) == -1))
		goto fail;
	if (sock_listen_bound(s, fd, step) == -1) {
		if (path[0] != '@')
			(void)unlink(path);
		goto fail;
	}
	return fd;
fail:
	return sock_discard(fd);
}

/*
 * connect(2) a Unix socket, bounded by -w.  A full backlog answers EAGAIN
 * on Unix sockets instead of queueing the SYN as TCP does: try again soon.
 */
static int
unix_connect_retry(int fd, const struct sockaddr_un *sun, socklen_t len,
    long timeout_ms)
{
	long long	deadline = deadline_after(timeout_ms);

	while (connect(fd, (const struct sockaddr *)sun, len) == -1) {
		if (errno == EINPROGRESS) {
			if (fd_wait(fd, true, deadline_after(timeout_ms)) == -1)
				return -1;
			return sock_connect_result(fd);
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if (deadline >= 0 && now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		sleep_ms(10);
	}
	return 0;
}

int
sock_unix_connect(const struct sock_settings *s, const char *path,
    const char *src, long timeout_ms, enum sock_step *step)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	if ((fd = unix_open(s, path, &sun, &len, step)) == -1)
		return -1;
	if (src != NULL) {
		struct sockaddr_un	local;
		socklen_t		llen;

		*step = STEP_PATH;
		if (addr_unix(src, &local, &llen) == -1)
			goto fail;
		*step = STEP_BIND;
		if (bind(fd, (struct sockaddr *)&local, llen) == -1)
			goto fail;
	}
	*step = STEP_CONNECT;
	if (unix_connect_retry(fd, &sun, len, timeout_ms) == 0)
		return fd;
	if (src != NULL && src[0] != '@') {
		/* We made that file with our bind: take it back. */
		int	saved = errno;

		(void)unlink(src);
		errno = saved;
	}
fail:
	return sock_discard(fd);
}
