/*
 * sock.h: the life of a socket: create it with its struct sock_settings,
 * bind, connect, listen, accept, take a UDP peer.  Returns -1 with errno
 * set and *step naming the step that failed; never prints.  Unix-domain
 * paths are sockunix.h's.
 */
#ifndef SOCKCAT_SOCK_H
#define SOCKCAT_SOCK_H

#include <sys/socket.h>
#include <netdb.h>

#include <stdbool.h>

/* Listener flavours of sock_listen(). */
#define SOCK_V6ONLY_DEFAULT	0	/* leave the system's choice */
#define SOCK_V6ONLY_ON		1	/* IPv6 clients only */
#define SOCK_V6ONLY_OFF		2	/* dual stack: IPv4-mapped too */

/* What sock.c makes and sets on every socket (netopt.c fills it). */
struct sock_settings {
	int	socktype;	/* SOCK_STREAM, SOCK_DGRAM */
	int	protocol;	/* 0, or IPPROTO_DCCP (not for AF_UNIX) */
	int	recv_buf;	/* SO_RCVBUF; 0: the system's */
	int	send_buf;	/* SO_SNDBUF; 0: the system's */
	int	tos;		/* IP_TOS, IPV6_TCLASS; -1: unset */
	int	ttl;		/* IP_TTL, IPV6_UNICAST_HOPS; -1: unset */
	int	min_ttl;	/* IP_MINTTL, IPV6_MINHOPCOUNT; -1: unset */
	bool	broadcast;	/* SO_BROADCAST */
	bool	debug;		/* SO_DEBUG */
	long	source_port_lo;	/* a client binds a port of LO-HI; */
	long	source_port_hi;	/* LO = HI: the source address's own */
	bool	source_port_random; /* the range from a random port on */
};

/* The step a socket call failed at, for messages: sock_step_word(). */
enum sock_step {
	STEP_SOCKET,
	STEP_RCVBUF,
	STEP_SNDBUF,
	STEP_BROADCAST,
	STEP_DEBUG,
	STEP_TOS,
	STEP_TCLASS,
	STEP_TTL,
	STEP_HOPS,
	STEP_MINTTL,
	STEP_MINHOPS,
	STEP_REUSEADDR,
	STEP_V6ONLY,
	STEP_PATH,		/* a Unix path that does not fit */
	STEP_LOCK_DIR,		/* the lock on a Unix path's directory */
	STEP_BIND,
	STEP_CONNECT,
	STEP_LISTEN
};

/* How messages name a step: "bind", "setsockopt SO_RCVBUF", ... */
const char	*sock_step_word(enum sock_step);

/*
 * A new non-blocking, close-on-exec socket of family with every setting
 * that applies to it, its number one select() can watch (else EMFILE).
 */
int	sock_open(const struct sock_settings *, int, enum sock_step *);

/* close(2) a socket given up on, errno kept; returns -1 for the caller. */
int	sock_discard(int);

/*
 * Create a socket for ai, bind it to src when not NULL (on a port of the
 * settings' range), and start connecting it: returns the socket with
 * *pending set while the connect is in progress (wait until it is
 * writable, then ask sock_connect_result()).
 */
int	sock_connect_start(const struct sock_settings *,
	    const struct addrinfo *, const struct addrinfo *,
	    enum sock_step *, bool *);

/*
 * A connect failure that says nobody listens there, or no route leads
 * there, yet: what --retry waits out.
 */
bool	sock_refused(int);

/*
 * --retry of retry_ms (0: none): when its time is up, on now_ms()'s clock
 * (-1: no --retry), and the pause before the next try after prev (0
 * before the first): 100 ms, then doubled up to 1 s.
 */
long long	sock_retry_until(long);
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
int	sock_listen(const struct sock_settings *, const struct addrinfo *,
	    int, enum sock_step *);

/* A bound fd starts listening if it is a stream socket (step: LISTEN). */
int	sock_listen_bound(const struct sock_settings *, int, enum sock_step *);

/*
 * accept(2), retried on EINTR; the new descriptor is close-on-exec, and
 * non-blocking with nonblock (the caller checks that select() can take
 * it).  With wait, it waits for a client; without, -1 with EAGAIN when
 * none is there (a client that left between select() and accept()
 * included).
 */
int	sock_accept(int, struct sockaddr_storage *, socklen_t *, bool wait,
	    bool nonblock);

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
 * Hand fd, made blocking, to the process at the other end of the Unix
 * socket to (sendmsg(2), SCM_RIGHTS, one byte of payload).  0, or -1.
 */
int	sock_pass_fd(int, int);

#endif
