/*
 * event.h: --format.  Scan results as CSV or JSON lines on stdout, and
 * under --format json one JSON object a line on stderr for each event of
 * a connection: connected, accepted, refused, closed.  Each event
 * function does nothing unless --format json is given.
 */
#ifndef SOCKCAT_EVENT_H
#define SOCKCAT_EVENT_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>

#include "options.h"

/*
 * A scan's result for one port on stdout (through stdio), as the format
 * says: the address probed, its port, and err 0 (open) or why it failed;
 * ms the time the probe took.  0, or -1 with errno.
 */
int	event_scan(const struct options *, const struct sockaddr *,
	    socklen_t, int, int, long long);

/* "connected": connect mode's socket fd, its two ends. */
void	event_connected(const struct options *, int);

/*
 * A listener's client: "refused" when why (the -v line's reason) is
 * not NULL, else "accepted" unless quiet.
 */
void	event_admit(const struct options *, const struct sockaddr_storage *,
	    socklen_t, const char *, bool);

/* "closed": a connection's end, the bytes each way and its length. */
void	event_closed(const struct options *, unsigned long long,
	    unsigned long long, long long);

#endif
