/*
 * pump.h: the select() loop that copies a local pair of descriptors
 * (normally stdin and stdout) to and from a connected socket.
 */
#ifndef SOCKCAT_PUMP_H
#define SOCKCAT_PUMP_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>

#include "tap.h"
#include "options.h"

struct digest;

struct pump_io {
	int		 net_in;	/* the socket, read side */
	int		 net_out;	/* the socket, write side */
	int		 local_in;	/* stdin, or -1 for none */
	int		 local_out;	/* stdout */
	struct tap	*tap;		/* -o / --output, or NULL */
	struct digest	*digest;	/* --digest, or NULL */
	/*
	 * -u -k: an unconnected datagram socket.  Datagrams come from any
	 * peer, and replies go to the latest sender, kept here; NULL for a
	 * connected socket.
	 */
	struct sockaddr_storage	*reply_to;
	socklen_t		*reply_len;
	/*
	 * A datagram socket: may a datagram from this sender in?  A refused
	 * one is dropped unread and never becomes the one replies go to.
	 * NULL: every sender is.
	 */
	bool	(*admit)(const struct options *,
		    const struct sockaddr_storage *, socklen_t);
	/*
	 * The local pair is one record socket to a -e/-c program (-u -l's
	 * relay): a datagram a read and a write, nothing changed or paced
	 * by the options, and the program's end is the run's end.
	 */
	bool	program;
};

/* Why the pump stopped; exit_status() in main.c maps it to 0 or 1. */
enum pump_end {
	PUMP_PEER_CLOSED,	/* the peer closed; all it sent is out */
	PUMP_SENT_ALL,		/* --send-only, or a relayed program's
				   end: its input is over, all sent */
	PUMP_IDLE,		/* -w or --idle-timeout expired */
	PUMP_QUIT,		/* -q expired after stdin's EOF */
	PUMP_RECV_LIMIT,	/* -W reached */
	PUMP_NET_ERROR,		/* the connection failed (err says why) */
	PUMP_UNSENT,		/* -N/-q: the peer refused stdin (err) */
	PUMP_LOCAL_ERROR	/* a write to stdout failed (err) */
};

struct pump_result {
	enum pump_end		 why;
	int			 err;		/* errno for the last three */
	unsigned long long	 sent;		/* bytes written to socket */
	unsigned long long	 received;	/* bytes read from the socket */
	long long		 elapsed_ms;
	bool			 stdin_eof;	/* stdin reached its end */
};

/* Copy both ways until one of the ends above; fills *res. */
void	pump_run(const struct options *, const struct pump_io *,
	    struct pump_result *);

/*
 * Why the pump stopped -> exit status (0 or 1), in one table; says the
 * failure, and under -vv the byte counts.
 */
int	pump_status(const struct pump_result *);

#endif
