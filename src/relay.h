/*
 * relay.h: the broker's state and its clients' queues, shared by the
 * select() loop (broker.c) and the relaying rules (relay.c).
 */
#ifndef SOCKCAT_RELAY_H
#define SOCKCAT_RELAY_H

#include <stdbool.h>
#include <stddef.h>

#include "admit.h"
#include "buf.h"
#include "chat.h"
#include "options.h"

#define QUEUE_MAX	(256 * 1024)	/* clients' data owed to one client */
#define READ_MAX	16384		/* one read from a sender */

struct client {
	struct client	*next;
	int		 fd;
	struct buf	 in;		/* read, not yet relayed */
	struct buf	 out;		/* owed to this client */
	long long	 last_active;	/* last byte either way */
	long long	 held_since;	/* holding a sender up (-1: not) */
	const char	*gone;		/* why it must go ("": EOF) or NULL */
	int		 err;		/* or the errno that made it go */
	size_t		 pre_len;
	char		 pre[CHAT_PREFIX_MAX];	/* "<userN> " */
	char		 name[ADMIT_NAMELEN];
};

struct broker {
	const struct options	*opt;
	int			 lfd;
	struct door		 door;		/* lfd's: every client passes */
	long			 clients;
	long			 idle_ms;	/* -w, --idle-timeout (0: no) */
	bool			 stdin_open;
	bool			 join_waiting;	/* --chat: held for room */
	struct client		 input;		/* stdin: a source only */
	struct client		*list;		/* in the order they came */
	char			*frame;		/* --chat: one relay, framed */
};

/*
 * Mark c to be closed (by relay_settle()) for why ("": its EOF) or err;
 * the first reason given stands.
 */
void	relay_drop(struct client *, const char *, int);

/*
 * Pass on what from has read as far as every other client has room;
 * false when bytes that are ready wait for room (from is held up).
 */
bool	relay_deliver(struct broker *, struct client *);

/*
 * Before each wait: relay what is pending, run the stall and idle
 * clocks, close the clients that are gone (telling the others under
 * --chat).  Returns the earliest deadline, -1 for none.
 */
long long	relay_settle(struct broker *, long long);

/* Add a client (fd, its name) at the end of the list; --chat tells all. */
void	relay_add(struct broker *, int, const char *, long long);

/* Under --chat: has every client room for the notices of one more join? */
bool	relay_join_fits(struct broker *);

/* Close and free every client. */
void	relay_free_all(struct broker *);

#endif
