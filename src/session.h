/*
 * session.h: one connection, whatever made it: -F hands it on, -e/-c give
 * it to a program, or the pump moves stdin and stdout through it.
 */
#ifndef SOCKCAT_SESSION_H
#define SOCKCAT_SESSION_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>

#include "tap.h"
#include "options.h"

struct session {
	int		 fd;		/* the connected socket */
	struct tap	*tap;		/* -o / --output, or NULL */
	/*
	 * -k serves client after client with one stdin: true once stdin
	 * has ended (set here when it does).  NULL: stdin is this
	 * connection's alone.
	 */
	bool		*stdin_done;
	/*
	 * A datagram listener's filter: may a datagram from this sender in?
	 * NULL: the socket hears only its peer, or anyone (-u -k).
	 */
	bool		(*admit)(const struct options *,
			    const struct sockaddr_storage *, socklen_t);
	/* -u -k: an unconnected socket answers the latest sender, kept
	 * here; NULL for a connected one. */
	struct sockaddr_storage	*reply_to;
	socklen_t		*reply_len;
};

/*
 * Serve the connection as the options say (-F, program, or pump) until
 * it ends.  The socket is left to the caller to close.  Returns the exit
 * status it earns: the program's, or the pump's (0 or 1).
 */
int	session_run(const struct options *, const struct session *);

#endif
