/*
 * sock.c: socket(2) life for every mode: the -I -O -T -M -m -D -b
 * settings, bind, connect bounded by -w, listen, accept, the first UDP
 * peer, and Unix-domain paths.  It neither prints nor exits.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "sock.h"
#include "util.h"

#define RETRY_PAUSE_MS		100	/* --retry: the first pause, doubled */
#define RETRY_PAUSE_MAX_MS	1000	/* ... up to this */

static int
setint(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

static void
close_keep_errno(int fd)
{
	int	saved = errno;

	(void)close(fd);
	errno = saved;
}

/* A new socket with every option the command line asked for. */
static int
sock_new(const struct options *opt, int family, int type, int protocol,
    const char **what)
{
	int	fd, v6 = family == AF_INET6;

	*what = "socket";
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
	/* One system call instead of five: scans open thousands of these. */
	if ((fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    protocol)) == -1)
		return -1;
#else
	if ((fd = socket(family, type, protocol)) == -1)
		return -1;
	if (set_cloexec(fd) == -1 || set_nonblock(fd, true) == -1)
		goto fail;
#endif
	/* Every mode watches its sockets with select(2). */
	if (!fd_selectable(fd)) {
		errno = EMFILE;	/* socket() gave the lowest free number */
		goto fail;
	}
	*what = "setsockopt SO_RCVBUF";
	if (opt->recv_buf > 0 &&
	    setint(fd, SOL_SOCKET, SO_RCVBUF, opt->recv_buf) == -1)
		goto fail;
	*what = "setsockopt SO_SNDBUF";
	if (opt->send_buf > 0 &&
	    setint(fd, SOL_SOCKET, SO_SNDBUF, opt->send_buf) == -1)
		goto fail;
	*what = "setsockopt SO_BROADCAST";
	if (opt->broadcast && family != AF_UNIX &&
	    setint(fd, SOL_SOCKET, SO_BROADCAST, 1) == -1)
		goto fail;
	*what = "setsockopt SO_DEBUG";
	if (opt->debug && setint(fd, SOL_SOCKET, SO_DEBUG, 1) == -1)
		goto fail;
	if (family != AF_INET && family != AF_INET6)
		return fd;
	if (opt->tos >= 0) {
		*what = v6 ? "setsockopt IPV6_TCLASS" : "setsockopt IP_TOS";
#ifdef IPV6_TCLASS
		if (v6 && setint(fd, IPPROTO_IPV6, IPV6_TCLASS, opt->tos) == -1)
			goto fail;
#endif
		/* On a dual-stack socket IP_TOS serves the IPv4 clients. */
		if (setint(fd, IPPROTO_IP, IP_TOS, opt->tos) == -1 && !v6)
			goto fail;
	}
	if (opt->ttl >= 0) {
		*what = v6 ? "setsockopt IPV6_UNICAST_HOPS" :
		    "setsockopt IP_TTL";
		if (v6 && setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
		    opt->ttl) == -1)
			goto fail;
		if (setint(fd, IPPROTO_IP, IP_TTL, opt->ttl) == -1 && !v6)
			goto fail;
	}
	if (opt->min_ttl >= 0) {
		*what = v6 ? "setsockopt IPV6_MINHOPCOUNT" :
		    "setsockopt IP_MINTTL";
#if HAVE_DECL_IPV6_MINHOPCOUNT
		if (v6 && setint(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT,
		    opt->min_ttl) == -1)
			goto fail;
#endif
#if HAVE_DECL_IP_MINTTL
		if (setint(fd, IPPROTO_IP, IP_MINTTL, opt->min_ttl) == -1 &&
		    !v6)
			goto fail;
#else
		if (!v6) {
			errno = ENOPROTOOPT;
			goto fail;
		}
#endif
	}
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

/* Finish a non-blocking connect within timeout_ms (-1: no limit). */
static int
connect_wait(int fd, long timeout_ms)
{
	if (fd_wait(fd, true, deadline_after(timeout_ms)) == -1)
		return -1;
	return sock_connect_result(fd);
}

/*
 * Bind a client to src, on a port of -p's range when it is one: the first
 * free one from LO up, or with -r from a random one on, wrapping round.
 */
static int
bind_source(const struct options *opt, int fd, const struct addrinfo *src)
{
	struct sockaddr_storage	ss;
	long			span, start = 0, i;

	span = opt->source_port_hi - opt->source_port_lo + 1;
	if (opt->source_port == NULL || span <= 1 ||
	    src->ai_addrlen > sizeof(ss))
		return bind(fd, src->ai_addr, src->ai_addrlen);
	if (opt->randomize)
		start = random() % span;
	memcpy(&ss, src->ai_addr, src->ai_addrlen);
	for (i = 0; i < span; i++) {
		addr_set_port((struct sockaddr *)&ss,
		    opt->source_port_lo + (start + i) % span);
		if (bind(fd, (struct sockaddr *)&ss, src->ai_addrlen) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

int
sock_connect_start(const struct options *opt, const struct addrinfo *ai,
    const struct addrinfo *src, const char **what, bool *pending)
{
	int	fd;

	*pending = false;
	fd = sock_new(opt, ai->ai_family, opt->socktype, opt->protocol, what);
	if (fd == -1)
		return -1;
	if (src != NULL) {
		*what = "setsockopt SO_REUSEADDR";
		if (setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) == -1)
			goto fail;
		*what = "bind";
		if (bind_source(opt, fd, src) == -1)
			goto fail;
	}
	*what = "connect";
	if (sock_reconnect(fd, ai, pending) == -1)
		goto fail;
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

int
sock_reconnect(int fd, const struct addrinfo *ai, bool *pending)
{
	*pending = false;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EINTR)
		return -1;
	*pending = true;
	return 0;
}

#ifdef HAVE_TCP_RECONNECT
int
sock_connect_again(int fd, const struct addrinfo *ai)
{
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EISCONN)
		return 0;
	return -1;
}
#endif

bool
sock_refused(int err)
{
	return err == ECONNREFUSED || err == EHOSTUNREACH ||
	    err == ENETUNREACH;
}

long long
sock_retry_until(const struct options *opt)
{
	return deadline_after(opt->retry_ms > 0 ? opt->retry_ms : -1);
}

long
sock_retry_pause(long prev)
{
	if (prev <= 0)
		return RETRY_PAUSE_MS;
	return prev * 2 < RETRY_PAUSE_MAX_MS ? prev * 2 : RETRY_PAUSE_MAX_MS;
}

int
sock_connect_result(int fd)
{
	socklen_t	len;
	int		err;

	len = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		return -1;
	if (err != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int
sock_connect(const struct options *opt, const struct addrinfo *ai,
    const struct addrinfo *src, long timeout_ms, const char **what)
{
	bool	pending;
	int	fd;

	fd = sock_connect_start(opt, ai, src, what, &pending);
	if (fd == -1 || !pending)
		return fd;
	if (connect_wait(fd, timeout_ms) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int
sock_listen(const struct options *opt, const struct addrinfo *ai, int v6only,
    const char **what)
{
	int	fd;

	fd = sock_new(opt, ai->ai_family, opt->socktype, opt->protocol, what);
	if (fd == -1)
		return -1;
	*what = "setsockopt SO_REUSEADDR";
	if (setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) == -1)
		goto fail;
	if (ai->ai_family == AF_INET6 && v6only != SOCK_V6ONLY_DEFAULT) {
		*what = "setsockopt IPV6_V6ONLY";
		if (setint(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    v6only == SOCK_V6ONLY_ON) == -1)
			goto fail;
	}
	*what = "bind";
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1)
		goto fail;
	*what = "listen";
	if (opt->socktype != SOCK_DGRAM && listen(fd, SOMAXCONN) == -1)
		goto fail;
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

int
sock_accept(int lfd, struct sockaddr_storage *peer, socklen_t *len,
    bool wait)
{
	int	fd;

	for (;;) {
		/* The listener stays non-blocking: wait, then accept. */
		if (wait && fd_wait(lfd, false, -1) == -1)
			return -1;
		*len = sizeof(*peer);
		fd = accept(lfd, (struct sockaddr *)peer, len);
		if (fd != -1)
			break;
		/* The client may have gone between select and accept. */
		if (errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != ECONNABORTED &&
		    errno != EPROTO)
			return -1;
		if (!wait) {
			errno = EAGAIN;
			return -1;
		}
	}
	if (set_cloexec(fd) == -1 || set_nonblock(fd, true) == -1) {
		close_keep_errno(fd);
		return -1;
	}
	return fd;
}

int
sock_peek_peer(int fd, struct sockaddr_storage *peer, socklen_t *len)
{
	char	byte;

	for (;;) {
		if (fd_wait(fd, false, -1) == -1)
			return -1;
		*len = sizeof(*peer);
		memset(peer, 0, sizeof(*peer));
		if (recvfrom(fd, &byte, 1, MSG_PEEK, (struct sockaddr *)peer,
		    len) != -1)
			break;
		if (errno != EINTR && errno != EAGAIN &&
		    errno != EWOULDBLOCK && errno != ECONNREFUSED)
			return -1;
	}
	/* An unbound Unix sender: Linux gives no address at all. */
	if (*len < offsetof(struct sockaddr_un, sun_path)) {
		peer->ss_family = AF_UNIX;
		*len = offsetof(struct sockaddr_un, sun_path);
	}
	return 0;
}

int
sock_drop_datagram(int fd)
{
	char	byte;

	/* A datagram is read whole or not at all: the rest is discarded. */
	if (recv(fd, &byte, 1, MSG_DONTWAIT) == -1 && !io_again(errno))
		return -1;
	return 0;
}

bool
sock_answerable(const struct sockaddr_storage *peer, socklen_t len)
{
	if (peer->ss_family == AF_UNIX)
		return len > offsetof(struct sockaddr_un, sun_path);
	if (peer->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)peer)->
		    sin_port != 0;
	if (peer->ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)(const void *)peer)->
		    sin6_port != 0;
	return false;
}

int
sock_take_peer(int fd, const struct sockaddr_storage *peer, socklen_t len)
{
	if (!sock_answerable(peer, len))
		return 0;
	/*
	 * A Unix peer may be gone already, its reply socket removed: its
	 * datagram is still ours to read, only replies have nowhere to go.
	 */
	if (connect(fd, (const struct sockaddr *)peer, len) == -1 &&
	    (peer->ss_family != AF_UNIX ||
	    (errno != ENOENT && errno != ECONNREFUSED)))
		return -1;
	return 0;
}

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
    socklen_t len, const char **what)
{
	struct stat	st;
	int		dfd, r = -1;

	*what = "lock the directory of";
	if ((dfd = lock_dir_of(path, UNIX_LOCK_MS)) == -1 &&
	    errno == EWOULDBLOCK)
		return -1;
	*what = "bind";
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
		close_keep_errno(dfd);
	return r;
}

int
sock_unix_listen(const struct options *opt, const char *path,
    const char **what)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	*what = "socket path";
	if (addr_unix(path, &sun, &len) == -1)
		return -1;
	if ((fd = sock_new(opt, AF_UNIX, opt->socktype, 0, what)) == -1)
		return -1;
	*what = "bind";
	/* A bind that succeeds at once is atomic: nothing was there. */
	if (bind(fd, (struct sockaddr *)&sun, len) == -1 &&
	    (errno != EADDRINUSE || path[0] == '@' ||
	    unix_replace_stale(fd, path, &sun, len, what) == -1))
		goto fail;
	*what = "listen";
	if (opt->socktype != SOCK_DGRAM && listen(fd, SOMAXCONN) == -1) {
		if (path[0] != '@')
			(void)unlink(path);
		goto fail;
	}
	return fd;
fail:
	close_keep_errno(fd);
	return -1;
}

/*
 * connect(2) a Unix socket, bounded by -w.  A full backlog answers EAGAIN
 * on Unix sockets instead of queueing the SYN as TCP does: try again soon.
 */
static int
unix_connect_retry(const struct options *opt, int fd,
    const struct sockaddr_un *sun, socklen_t len)
{
	long long	deadline = deadline_after(opt->wait_ms);

	while (connect(fd, (const struct sockaddr *)sun, len) == -1) {
		if (errno == EINPROGRESS)
			return connect_wait(fd, opt->wait_ms);
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
sock_unix_connect(const struct options *opt, const char *path,
    const char *src, const char **what)
{
	struct sockaddr_un	sun;
	socklen_t		len;
	int			fd;

	*what = "socket path";
	if (addr_unix(path, &sun, &len) == -1)
		return -1;
	if ((fd = sock_new(opt, AF_UNIX, opt->socktype, 0, what)) == -1)
		return -1;
	if (src != NULL) {
		struct sockaddr_un	local;
		socklen_t		llen;

		*what = "socket path";
		if (addr_unix(src, &local, &llen) == -1)
			goto fail;
		*what = "bind";
		if (bind(fd, (struct sockaddr *)&local, llen) == -1)
			goto fail;
	}
	*what = "connect";
	if (unix_connect_retry(opt, fd, &sun, len) == 0)
		return fd;
	if (src != NULL && src[0] != '@') {
		/* We made that file with our bind: take it back. */
		int	saved = errno;

		(void)unlink(src);
		errno = saved;
	}
fail:
	close_keep_errno(fd);
	return -1;
}

int
sock_pass_fd(int to, int fd)
{
	struct msghdr	 msg;
	struct iovec	 iov;
	struct cmsghdr	*cmsg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		 control;
	char		 byte = '\0';

	/* What it gets is an ordinary socket, as from connect(2). */
	if (set_nonblock(fd, false) == -1)
		return -1;
	memset(&msg, 0, sizeof(msg));
	memset(&control, 0, sizeof(control));
	iov.iov_base = &byte;
	iov.iov_len = 1;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	while (sendmsg(to, &msg, 0) == -1) {
		if (!io_again(errno))
			return -1;
		/* A non-blocking socket at our end: wait for room. */
		if (errno != EINTR && fd_wait(to, true, -1) == -1)
			return -1;
	}
	return 0;
}
