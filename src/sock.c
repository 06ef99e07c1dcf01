/*
 * sock.c: socket(2) life for every mode: the -I -O -T -M -m -D -b
 * settings, bind (on a -p range), connect, listen, accept, the first UDP
 * peer, passing a socket on.  It neither prints nor exits.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/ip.h>

#include <errno.h>
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

const char *
sock_step_word(enum sock_step step)
{
	static const char *const	words[] = {
		[STEP_SOCKET] = "socket",
		[STEP_RCVBUF] = "setsockopt SO_RCVBUF",
		[STEP_SNDBUF] = "setsockopt SO_SNDBUF",
		[STEP_BROADCAST] = "setsockopt SO_BROADCAST",
		[STEP_DEBUG] = "setsockopt SO_DEBUG",
		[STEP_TOS] = "setsockopt IP_TOS",
		[STEP_TCLASS] = "setsockopt IPV6_TCLASS",
		[STEP_TTL] = "setsockopt IP_TTL",
		[STEP_HOPS] = "setsockopt IPV6_UNICAST_HOPS",
		[STEP_MINTTL] = "setsockopt IP_MINTTL",
		[STEP_MINHOPS] = "setsockopt IPV6_MINHOPCOUNT",
		[STEP_REUSEADDR] = "setsockopt SO_REUSEADDR",
		[STEP_V6ONLY] = "setsockopt IPV6_V6ONLY",
		[STEP_PATH] = "socket path",
		[STEP_LOCK_DIR] = "lock the directory of",
		[STEP_BIND] = "bind",
		[STEP_CONNECT] = "connect",
		[STEP_LISTEN] = "listen"
	};

	if ((size_t)step >= sizeof(words) / sizeof(words[0]) ||
	    words[step] == NULL)
		return "socket";
	return words[step];
}

int
sock_discard(int fd)
{
	int	saved = errno;

	(void)close(fd);
	errno = saved;
	return -1;
}

/*
 * The IP-level settings of an IPv4 or IPv6 socket.  On a dual-stack IPv6
 * socket the IPv4 option is set too, for the IPv4 clients, and may fail.
 */
static int
set_ip(int fd, const struct sock_settings *s, bool v6, enum sock_step *step)
{
	if (s->tos >= 0) {
		*step = v6 ? STEP_TCLASS : STEP_TOS;
#ifdef IPV6_TCLASS
		if (v6 && setint(fd, IPPROTO_IPV6, IPV6_TCLASS, s->tos) == -1)
			return -1;
#endif
		if (setint(fd, IPPROTO_IP, IP_TOS, s->tos) == -1 && !v6)
			return -1;
	}
	if (s->ttl >= 0) {
		*step = v6 ? STEP_HOPS : STEP_TTL;
		if (v6 && setint(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
		    s->ttl) == -1)
			return -1;
		if (setint(fd, IPPROTO_IP, IP_TTL, s->ttl) == -1 && !v6)
			return -1;
	}
	if (s->min_ttl >= 0) {
		*step = v6 ? STEP_MINHOPS : STEP_MINTTL;
#if HAVE_DECL_IPV6_MINHOPCOUNT
		if (v6 && setint(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT,
		    s->min_ttl) == -1)
			return -1;
#endif
#if HAVE_DECL_IP_MINTTL
		if (setint(fd, IPPROTO_IP, IP_MINTTL, s->min_ttl) == -1 && !v6)
			return -1;
#else
		if (!v6) {
			errno = ENOPROTOOPT;
			return -1;
		}
#endif
	}
	return 0;
}

int
sock_open(const struct sock_settings *s, int family, enum sock_step *step)
{
	int	fd, type = s->socktype;
	int	protocol = family == AF_UNIX ? 0 : s->protocol;

	*step = STEP_SOCKET;
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
	*step = STEP_RCVBUF;
	if (s->recv_buf > 0 &&
	    setint(fd, SOL_SOCKET, SO_RCVBUF, s->recv_buf) == -1)
		goto fail;
	*step = STEP_SNDBUF;
	if (s->send_buf > 0 &&
	    setint(fd, SOL_SOCKET, SO_SNDBUF, s->send_buf) == -1)
		goto fail;
	*step = STEP_BROADCAST;
	if (s->broadcast && family != AF_UNIX &&
	    setint(fd, SOL_SOCKET, SO_BROADCAST, 1) == -1)
		goto fail;
	*step = STEP_DEBUG;
	if (s->debug && setint(fd, SOL_SOCKET, SO_DEBUG, 1) == -1)
		goto fail;
	if ((family == AF_INET || family == AF_INET6) &&
	    set_ip(fd, s, family == AF_INET6, step) == -1)
		goto fail;
	return fd;
fail:
	return sock_discard(fd);
}

/*
 * Bind a client to src, on a port of -p's range when it is one: the first
 * free one from LO up, or with -r from a random one on, wrapping round.
 */
static int
bind_source(const struct sock_settings *s, int fd, const struct addrinfo *src)
{
	struct sockaddr_storage	ss;
	long			span, start = 0, i;

	span = s->source_port_hi - s->source_port_lo + 1;
	if (span <= 1 || src->ai_addrlen > sizeof(ss))
		return bind(fd, src->ai_addr, src->ai_addrlen);
	if (s->source_port_random)
		start = random() % span;
	memcpy(&ss, src->ai_addr, src->ai_addrlen);
	for (i = 0; i < span; i++) {
		addr_set_port((struct sockaddr *)&ss,
		    s->source_port_lo + (start + i) % span);
		if (bind(fd, (struct sockaddr *)&ss, src->ai_addrlen) == 0)
			return 0;
		if (errno != EADDRINUSE)
			return -1;
	}
	return -1;
}

int
sock_connect_start(const struct sock_settings *s, const struct addrinfo *ai,
    const struct addrinfo *src, enum sock_step *step, bool *pending)
{
	int	fd;

	*pending = false;
	if ((fd = sock_open(s, ai->ai_family, step)) == -1)
		return -1;
	if (src != NULL) {
		*step = STEP_REUSEADDR;
		if (setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) == -1)
			goto fail;
		*step = STEP_BIND;
		if (bind_source(s, fd, src) == -1)
			goto fail;
	}
	*step = STEP_CONNECT;
	if (sock_reconnect(fd, ai, pending) == -1)
		goto fail;
	return fd;
fail:
	return sock_discard(fd);
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
sock_retry_until(long retry_ms)
{
	return deadline_after(retry_ms > 0 ? retry_ms : -1);
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
sock_listen(const struct sock_settings *s, const struct addrinfo *ai,
    int v6only, enum sock_step *step)
{
	int	fd;

	if ((fd = sock_open(s, ai->ai_family, step)) == -1)
		return -1;
	*step = STEP_REUSEADDR;
	if (setint(fd, SOL_SOCKET, SO_REUSEADDR, 1) == -1)
		goto fail;
	if (ai->ai_family == AF_INET6 && v6only != SOCK_V6ONLY_DEFAULT) {
		*step = STEP_V6ONLY;
		if (setint(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    v6only == SOCK_V6ONLY_ON) == -1)
			goto fail;
	}
	*step = STEP_BIND;
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    sock_listen_bound(s, fd, step) == -1)
		goto fail;
	return fd;
fail:
	return sock_discard(fd);
}

int
sock_listen_bound(const struct sock_settings *s, int fd,
    enum sock_step *step)
{
	*step = STEP_LISTEN;
	if (s->socktype == SOCK_DGRAM)
		return 0;
	return listen(fd, SOMAXCONN);
}

/* accept(2) once; the new descriptor close-on-exec, and non-blocking
 * if asked, in the same call where the system can. */
static int
accept_flags(int lfd, struct sockaddr_storage *peer, socklen_t *len,
    bool nonblock)
{
#ifdef HAVE_ACCEPT4
	*len = sizeof(*peer);
	return accept4(lfd, (struct sockaddr *)peer, len,
	    SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0));
#else
	int	fd;

	*len = sizeof(*peer);
	if ((fd = accept(lfd, (struct sockaddr *)peer, len)) == -1)
		return -1;
	if (set_cloexec(fd) == -1 || (nonblock &&
	    set_nonblock(fd, true) == -1))
		return sock_discard(fd);
	return fd;
#endif
}

int
sock_accept(int lfd, struct sockaddr_storage *peer, socklen_t *len,
    bool wait, bool nonblock)
{
	int	fd;

	for (;;) {
		/* The listener stays non-blocking: wait, then accept. */
		if (wait && fd_wait(lfd, false, -1) == -1)
			return -1;
		fd = accept_flags(lfd, peer, len, nonblock);
		if (fd != -1)
			return fd;
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
