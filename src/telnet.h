/*
 * telnet.h: -t: the refusals owed to a telnet peer's option
 * negotiation (RFC 854), worked out from the bytes as they come.
 */
#ifndef SOCKCAT_TELNET_H
#define SOCKCAT_TELNET_H

#include <stddef.h>

#include "buf.h"

#define TELNET_BUF_SIZE	512	/* replies queued at most, in bytes */

struct telnet {
	struct buf	replies;	/* owed to the peer, in order */
	int		state;		/* bytes into an IAC sequence */
	int		cmd;		/* its command (WILL, WONT, DO, DONT) */
};

void	telnet_init(struct telnet *);
void	telnet_free(struct telnet *);

/*
 * Read n bytes the peer sent (a sequence may be split across calls) and
 * queue IAC WONT x for each DO/DONT x and IAC DONT x for each WILL/WONT
 * x; a reply that does not fit in the queue is dropped whole.
 */
void	telnet_scan(struct telnet *, const unsigned char *, size_t);

#endif
