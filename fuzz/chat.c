/*
 * fuzz/chat.c: --chat's framing (src/chat.c) against a model.  A sender's
 * stream, cut into random reads and framed into output buffers of random
 * room the way the broker drives chat_frame(), must come out exactly as
 * the model frames the whole stream at once: each line (up to and with
 * its newline) behind "<userN> ", a line longer than CHAT_LINE_MAX in
 * pieces of that size, the unfinished rest only once the sender has gone.
 * Nothing is ever written past an output buffer's room.
 *
 * Input: byte 0 the descriptor N, byte 1 the seed, byte 2 how many times
 * the rest is repeated (to reach lines past CHAT_LINE_MAX), then the bytes.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "fuzz.h"

#define STREAM_MAX	(3 * CHAT_LINE_MAX + 100)
#define INBUF_SIZE	(2 * CHAT_LINE_MAX)	/* the broker's input buffer */

/* The model: the whole stream framed at once. */
static size_t
model(const char *s, size_t n, const char *pre, size_t plen, char *out)
{
	size_t	i = 0, k, w = 0;

	while (i < n) {
		for (k = 0; k < CHAT_LINE_MAX && i + k < n; k++)
			if (s[i + k] == '\n') {
				k++;
				break;
			}
		memcpy(out + w, pre, plen);
		memcpy(out + w + plen, s + i, k);
		w += plen + k;
		i += k;
	}
	return w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A line may be one newline: a prefix for every byte at worst. */
	static char	stream[STREAM_MAX], want[STREAM_MAX * CHAT_PREFIX_MAX];
	static char	got[STREAM_MAX * CHAT_PREFIX_MAX], inbuf[INBUF_SIZE];
	static char	out[CHAT_PREFIX_MAX + CHAT_LINE_MAX + 16];
	struct fuzz_rng	rng;
	char		pre[CHAT_PREFIX_MAX];
	size_t		plen, n = 0, fed = 0, inlen = 0, glen = 0, wlen;
	size_t		cap, used, wrote, full, piece;
	unsigned	reps, stuck = 0;
	bool		flush;

	if (size < 4)
		return 0;
	plen = chat_prefix(pre, data[0] * 131);
	FUZZ_CHECK(plen > 0 && plen < CHAT_PREFIX_MAX && pre[plen] == '\0',
	    "chat_prefix gave %zu bytes", plen);
	fuzz_rng_seed(&rng, data[1]);
	reps = 1 + data[2] % 16;
	while (reps-- > 0 && n + (size - 3) <= STREAM_MAX) {
		memcpy(stream + n, data + 3, size - 3);
		n += size - 3;
	}
	wlen = model(stream, n, pre, plen, want);
	full = plen + CHAT_LINE_MAX;	/* room for any one framed piece */
	for (;;) {
		/* A read: as much as the input buffer takes, at random. */
		piece = 0;
		if (fed < n && inlen < INBUF_SIZE) {
			piece = fuzz_rng_chunk(&rng, INBUF_SIZE - inlen);
			if (piece > n - fed)
				piece = n - fed;
			memcpy(inbuf + inlen, stream + fed, piece);
			inlen += piece;
			fed += piece;
		}
		flush = fed == n;
		/* Room in the recipients' queues: random, full when stuck. */
		cap = stuck ? full : fuzz_rng_next(&rng) % (full + 8);
		memset(out, 0x55, sizeof(out));
		wrote = chat_frame(inbuf, inlen, pre, plen, flush, out, cap,
		    &used);
		FUZZ_CHECK(wrote <= cap, "wrote %zu into room for %zu", wrote,
		    cap);
		FUZZ_CHECK((unsigned char)out[cap] == 0x55,
		    "a byte past the room of %zu", cap);
		FUZZ_CHECK(used <= inlen && (used == 0) == (wrote == 0),
		    "used %zu of %zu, wrote %zu", used, inlen, wrote);
		FUZZ_CHECK(glen + wrote <= wlen &&
		    memcmp(want + glen, out, wrote) == 0,
		    "framed output differs from the model after %zu bytes",
		    glen);
		memcpy(got + glen, out, wrote);
		glen += wrote;
		memmove(inbuf, inbuf + used, inlen - used);
		inlen -= used;
		if (flush && inlen == 0)
			break;
		/*
		 * Nothing read and nothing framed: with full room a piece is
		 * always ready once the sender has gone or the input buffer
		 * holds a whole CHAT_LINE_MAX.
		 */
		FUZZ_CHECK(!(stuck && piece == 0 && used == 0),
		    "no progress with %zu bytes in hand, flush %d", inlen,
		    (int)flush);
		stuck = piece == 0 && used == 0;
	}
	FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0,
	    "%zu framed bytes, the model has %zu", glen, wlen);
	return 0;
}
