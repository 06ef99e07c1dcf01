/*
 * digest.h: --digest, the count and SHA-256 of every byte a connection
 * sends and receives, said at its end.
 */
#ifndef SOCKCAT_DIGEST_H
#define SOCKCAT_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "sha256.h"

struct digest {
	struct sha256	 sent;		/* bytes written to the socket */
	struct sha256	 received;	/* bytes read from the socket */
};

#define DIGEST_SENT	'>'
#define DIGEST_RECV	'<'

/* A connection's digests started in *d when on (--digest); else NULL. */
struct digest	*digest_start(struct digest *, bool);

/* len bytes moved in direction dir (DIGEST_SENT, DIGEST_RECV); d NULL:
 * nothing to do. */
void		 digest_add(struct digest *, int, const void *, size_t);

/*
 * The connection is over: one line on stderr per direction, the byte
 * count and the digest in hex ("sockcat: sent N bytes, SHA-256 HEX").
 * NULL: nothing.
 */
void		 digest_end(struct digest *);

#endif
