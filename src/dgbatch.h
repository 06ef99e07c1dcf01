/*
 * dgbatch.h: datagrams received in batches, without waiting: recvmmsg(2)
 * where the system has it, a loop of recvfrom(2) otherwise.  One batch
 * at a time, in slots that each hold any datagram whole; a batch stays
 * readable until the next dgbatch_recv().
 */
#ifndef SOCKCAT_DGBATCH_H
#define SOCKCAT_DGBATCH_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stddef.h>

#define DGBATCH_SLOTS	32	/* datagrams a call takes at most */

struct dgram {
	const char			*data;
	size_t				 len;
	const struct sockaddr_storage	*from;
	socklen_t			 from_len;	/* 0: no address */
};

/*
 * Up to max (at most DGBATCH_SLOTS) datagrams queued on fd, without
 * waiting.  Returns how many came (a short count: the queue is empty, or
 * an error is left for the next call), or -1 with errno (EAGAIN: none).
 */
int	dgbatch_recv(int, int);

/* Datagram i of the latest batch. */
void	dgbatch_get(int, struct dgram *);

#endif
