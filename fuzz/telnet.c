/*
 * fuzz/telnet.c: -t (telnet.c's telnet_scan) against a reference written
 * here: each IAC DO/DONT x owes IAC WONT x, each IAC WILL/WONT x owes
 * IAC DONT x; IAC IAC is a data byte.  Fed in chunks split at random
 * points (at most 510 bytes, the replies drained after each, as the pump
 * sends them), the replies must be the reference's whatever the splits;
 * fed whole, the first TELNET_BUF_SIZE / 3 of them (the rest are
 * dropped, never half written).
 *
 * Input: byte 0 the seed of the splits, the rest the peer's bytes.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/buf.h"
#include "../src/telnet.h"
#include "fuzz.h"

/* The commands, written out here apart from telnet.c (RFC 854). */
#define TEL_IAC		255
#define TEL_DONT	254
#define TEL_DO		253
#define TEL_WONT	252
#define TEL_WILL	251

#define INPUT_MAX	16384
#define CHUNK_MAX	510	/* 170 replies at most: the queue holds them */

/* The reference: the replies owed for the whole input. */
static size_t
ref_telnet(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t	i = 0, o = 0;

	while (i < n) {
		if (in[i] != TEL_IAC) {
			i++;
		} else if (i + 1 < n && (in[i + 1] < TEL_WILL ||
		    in[i + 1] > TEL_DONT)) {
			i += 2;		/* IAC IAC, or another command */
		} else if (i + 2 < n) {
			out[o++] = TEL_IAC;
			out[o++] = in[i + 1] == TEL_DO ||
			    in[i + 1] == TEL_DONT ? TEL_WONT : TEL_DONT;
			out[o++] = in[i + 2];
			i += 3;
		} else
			break;			/* cut short: nothing owed */
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 want[INPUT_MAX * 2], got[INPUT_MAX * 2];
	struct fuzz_rng	 rng;
	struct telnet	 t;
	const uint8_t	*in;
	size_t		 n, wlen, glen = 0, done, chunk, whole;

	if (size < 1 || size - 1 > INPUT_MAX)
		return 0;
	in = data + 1;
	n = size - 1;
	fuzz_rng_seed(&rng, data[0]);
	wlen = ref_telnet(in, n, want);

	telnet_init(&t);
	for (done = 0; done < n; done += chunk) {
		chunk = fuzz_rng_chunk(&rng, n - done < CHUNK_MAX ?
		    n - done : CHUNK_MAX);
		telnet_scan(&t, in + done, chunk);
		memcpy(got + glen, buf_head(&t.replies), t.replies.len);
		glen += t.replies.len;
		buf_consume(&t.replies, t.replies.len);
	}
	FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0,
	    "%zu bytes of replies, the reference has %zu", glen, wlen);

	t.state = 0;
	t.cmd = 0;
	telnet_scan(&t, in, n);
	whole = wlen < TELNET_BUF_SIZE / 3 * 3 ? wlen : TELNET_BUF_SIZE / 3 * 3;
	FUZZ_CHECK(t.replies.len == whole && memcmp(buf_head(&t.replies), want,
	    whole) == 0, "%zu bytes of replies in one pass, not %zu",
	    t.replies.len, whole);
	telnet_free(&t);
	return 0;
}
