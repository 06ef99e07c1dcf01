/*
 * admit.h: the one door every client passes, whatever the listener
 * (once, -k, --fork, --broker, --chat, or a datagram one): --allow and
 * --deny, --max-conns, a descriptor select() can take, the -v lines, and
 * the back-off when descriptors run out.
 */
#ifndef SOCKCAT_ADMIT_H
#define SOCKCAT_ADMIT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "options.h"

/* Room for a client's name in messages: "HOST PORT", or a path. */
#define ADMIT_NAMELEN	(ADDR_HOSTLEN + ADDR_PORTLEN + 2)

/* A stream listener's door. */
struct door {
	const struct options	*opt;
	int			 lfd;
	/*
	 * -1; or a descriptor held back, given up when descriptors run out
	 * so that the clients waiting then can be accepted and refused
	 * (the broker) instead of waiting for a free one (-k, --fork).
	 */
	int			 spare_fd;
	int			 starved;	/* errno said, this spell */
	long long		 paused_until;	/* accept nothing until then */
	bool			 blocking;	/* clients' sockets: blocking */
	/* --accept-timeout: give up at this time if no client has been
	 * let in yet (door_open() sets it, door_accept() clears it); -1 */
	long long		 give_up_at;
};

/*
 * A door on lfd, opened as the listener starts to wait for clients;
 * refuse_when_starved: hold the spare descriptor.
 */
void	door_open(struct door *, const struct options *, int lfd,
	    bool refuse_when_starved);
void	door_close(struct door *);

/*
 * Accept one waiting client, with active clients already being served:
 * its descriptor once admitted ("Connection received on NAME" under -v;
 * its name also in name, of size ADMIT_NAMELEN), or -1 with errno EAGAIN
 * when there is none to serve now (none waiting, one turned away, or
 * none before d->paused_until), any other errno being the listener's
 * failure.
 */
int	door_accept(struct door *, int active, long long now,
	    struct sockaddr_storage *, socklen_t *, char *name);

/*
 * May a datagram from this sender in?  Said under -v: a refusal, and
 * unless quiet (-u -k's datagrams) "Connection received on NAME"; a
 * sender no reply can reach is said once.
 */
bool	admit_sender(const struct options *, const struct sockaddr_storage *,
	    socklen_t, bool quiet);

#endif
