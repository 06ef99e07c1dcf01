/*
 * fuzz/telnet.c: -t (pump.c's telnet_scan) against a reference written
 * here: each IAC DO/DONT x owes IAC WONT x, each IAC WILL/WONT x owes
 * IAC DONT x; IAC IAC is a data byte.  Fed in chunks split at random
 * points (at most 510 bytes, the replies drained after each, as the pump
 * sends them), the replies must be the reference's whatever the splits;
 * fed whole, the first TELNET_BUF_SIZE / 3 of them (the rest are
 * dropped, never half written).
 *
 * pump.c is compiled into this file to reach its static telnet_scan().
 * Input: byte 0 the seed of the splits, the rest the peer's bytes.
 */
#include "../src/pump.c"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

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
	struct pump	 p;
	const uint8_t	*in;
	size_t		 n, wlen, glen = 0, done, chunk, whole;

	if (size < 1 || size - 1 > INPUT_MAX)
		return 0;
	in = data + 1;
	n = size - 1;
	fuzz_rng_seed(&rng, data[0]);
	wlen = ref_telnet(in, n, want);

	memset(&p, 0, sizeof(p));
	buf_init(&p.telnet, TELNET_BUF_SIZE);
	for (done = 0; done < n; done += chunk) {
		chunk = fuzz_rng_chunk(&rng, n - done < CHUNK_MAX ?
		    n - done : CHUNK_MAX);
		telnet_scan(&p, in + done, chunk);
		memcpy(got + glen, buf_head(&p.telnet), p.telnet.len);
		glen += p.telnet.len;
		buf_consume(&p.telnet, p.telnet.len);
	}
	FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0,
	    "%zu bytes of replies, the reference has %zu", glen, wlen);

	p.tel_state = 0;
	p.tel_cmd = 0;
	telnet_scan(&p, in, n);
	whole = wlen < TELNET_BUF_SIZE / 3 * 3 ? wlen : TELNET_BUF_SIZE / 3 * 3;
	FUZZ_CHECK(p.telnet.len == whole && memcmp(buf_head(&p.telnet), want,
	    whole) == 0, "%zu bytes of replies in one pass, not %zu",
	    p.telnet.len, whole);
	buf_free(&p.telnet);
	return 0;
}
