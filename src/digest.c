/*
 * digest.c: --digest.  The pump gives every byte it writes to the socket
 * and every byte it reads from it (pumpio.c, where it counts them), and
 * session.c says the two digests when the connection ends, so that both
 * ends of a transfer can be compared: one's "sent" line is the other's
 * "received" line.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include "digest.h"
#include "sha256.h"
#include "util.h"

struct digest *
digest_start(struct digest *d, bool on)
{
	if (!on)
		return NULL;
	sha256_init(&d->sent);
	sha256_init(&d->received);
	return d;
}

void
digest_add(struct digest *d, int dir, const void *p, size_t len)
{
	if (d == NULL || len == 0)
		return;
	sha256_update(dir == DIGEST_SENT ? &d->sent : &d->received, p, len);
}

/* One direction's line. */
static void
say(const char *what, struct sha256 *s)
{
	unsigned char		out[SHA256_LEN];
	char			hex[SHA256_HEX_LEN + 1];
	unsigned long long	n = s->len;

	sha256_final(s, out, hex);
	sc_warn("%s %llu bytes, SHA-256 %s", what, n, hex);
}

void
digest_end(struct digest *d)
{
	if (d == NULL)
		return;
	say("sent", &d->sent);
	say("received", &d->received);
}
