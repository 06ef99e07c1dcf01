/*
 * sock.h: the life of a socket: create it with the options' socket
 * settings, bind, connect under a timeout, listen, accept, take a UDP
 * peer, and Unix-domain sockets with stale-file handling.  Returns -1
 * with errno set and *what naming the step that failed; never prints.
 */
#ifndef SOCKCAT_SOCK_H
#define SOCKCAT_SOCK_H

#include <sys/socket.h>
#include <netdb.h>

#include <stdbool.h>

#include "options.h"

/* Listener flavours of sock_listen(). */
#define SOCK_V6ONLY_DEFAULT	0	/* leave the system's choice */
#define SOCK_V6ONLY_ON		1	/* IPv6 clients only */
#define SOCK_V6ONLY_OFF		2	/* dual stack: IPv4-mapped clients too */

/*
 * Create a socket for ai, bind it to src when not NULL, and connect it,
 * waiting at most timeout_ms (-1: no limit).  Returns a non-blocking,
 * close-on-exec descriptor.
 */
int	sock_connect(const struct options *, const struct addrinfo *,
	    const struct addrinfo *, long, const char **);

/*
 * The first half of sock_connect(), for callers with their own select():
 * returns the socket with *pending set while the connect is in progress
 * (wait until it is writable, then ask sock_connect_result()).
 */
int	sock_connect_start(const struct options *, const struct addrinfo *,
	    const struct addrinfo *, const char **, bool *);

/*
 * A connect failure that says nobody listens there, or no route leads
 * there, yet: what --retry waits out.
 */
bool	sock_refused(int);

/*
 * --retry: when its time is up, on now_ms()'s clock (-1: no --retry), and
 * the pause before the next try after prev (0 before the first): 100 ms,
 * then doubled up to 1 s.
 */
long long	sock_retry_until(const struct options *);
long		sock_retry_pause(long);

/* How a non-blocking connect ended (SO_ERROR): 0, or -1 with errno. */
int	sock_connect_result(int);

/*
 * connect(2) a socket that sock_connect_start() made to ai, once more:
 * 0 with *pending set while the connect is in progress, or -1.
 */
int	sock_reconnect(int, const struct addrinfo *, bool *);

#ifdef HAVE_TCP_RECONNECT
/*
 * How a non-blocking connect ended, asked of connect(2) itself: 0, or -1
 * with errno (EALREADY: not over yet).  On Linux a socket whose connect
 * failed comes back unconnected, and sock_reconnect() can send it to the
 * next port: a scan then makes no socket() and no close() per port.
 * configure defines HAVE_TCP_RECONNECT only where this holds; elsewhere a
 * second connect() may start a new attempt instead.
 */
int	sock_connect_again(int, const struct addrinfo *);
#endif

/*
 * Create a socket for ai, bind it, and for stream sockets listen.  UDP
 * sockets are returned bound and unconnected.
 */
int	sock_listen(const struct options *, const struct addrinfo *, int,
	    const char **);

/*
 * accept(2), retried on EINTR; the new descriptor is close-on-exec and
 * non-blocking (the caller checks that select() can take it).  With
 * wait, it waits for a client; without, -1 with EAGAIN when none is
 * there (a client that left between select() and accept() included).
 */
int	sock_accept(int, struct sockaddr_storage *, socklen_t *, bool);

/*
 * Wait for the next datagram on a bound socket without consuming it;
 * *peer and *len receive its sender's address (an unbound Unix sender's
 * is AF_UNIX with no path).  Returns 0, or -1.
 */
int	sock_peek_peer(int, struct sockaddr_storage *, socklen_t *);

/* Discard the next datagram, if any.  Returns 0, or -1. */
int	sock_drop_datagram(int);

/*
 * Can a datagram reach this sender?  Not an unbound Unix socket, nor a
 * UDP sender whose source port is 0.
 */
bool	sock_answerable(const struct sockaddr_storage *, socklen_t);

/*
 * Connect the socket to the sender sock_peek_peer() found, if it can be
 * answered; a Unix sender already gone is not an error.  Returns 0, or -1.
 */
int	sock_take_peer(int, const struct sockaddr_storage *, socklen_t);

/*
 * A Unix-domain listener at path (stream, or datagram with -u): a stale
 * socket file is replaced (under the directory's lock_dir_of), a live one
 * is refused (EADDRINUSE), a file that is not a socket is left alone
 * (ENOTSOCK).
 */
int	sock_unix_listen(const struct options *, const char *,
	    const char **);

/*
 * Hand fd, made blocking, to the process at the other end of the Unix
 * socket to (sendmsg(2), SCM_RIGHTS, one byte of payload).  0, or -1.
 */
int	sock_pass_fd(int, int);

/*
 * Connect a Unix-domain socket to path.  A datagram socket is first bound
 * to src (when not NULL) so that replies can reach it.
 */
int	sock_unix_connect(const struct options *, const char *, const char *,
	    const char **);

#endif
