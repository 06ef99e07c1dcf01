/*
 * fuzz/crlf.c: -C (src/buf.c's buf_fill with crlf) against a reference
 * written here: every LF not right after a CR becomes CRLF, across reads
 * too.  The input goes through a pipe in chunks split at random points,
 * read with random limits into a small queue drained by random amounts;
 * whatever the splits, what comes out must be the reference's output,
 * and each fill must queue what it read plus one CR for each LF that
 * gained one.
 *
 * Input: byte 0 the queue's size (2-65 bytes), byte 1 the seed of the
 * splits, the rest the bytes stdin would give.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"

#include "fuzz.h"

#define INPUT_MAX	8192

/* The reference: LF to CRLF unless a CR is already before it. */
static size_t
ref_crlf(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[o++] = '\r';
		out[o++] = in[i];
	}
	return o;
}

/* Move up to k queued bytes out, through buf_drain() and a pipe. */
static void
drain(struct buf *b, int fds[2], size_t k, uint8_t *out, size_t *olen)
{
	ssize_t	n;

	if (k == 0 || b->len == 0)
		return;
	n = buf_drain(b, fds[1], k);
	FUZZ_CHECK(n > 0 && (size_t)n <= k, "buf_drain() = %zd", n);
	FUZZ_CHECK(read(fds[0], out + *olen, (size_t)n) == n, "short read");
	*olen += (size_t)n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 want[2 * INPUT_MAX], got[2 * INPUT_MAX];
	struct fuzz_rng	 rng;
	struct buf	 b;
	const uint8_t	*in;
	size_t		 n, wlen, glen = 0, done = 0, chunk, pending, room;
	size_t		 max, queued, i, lfs;
	ssize_t		 r;
	int		 in_fds[2], out_fds[2];
	bool		 cr = false;

	if (size < 2 || size - 2 > INPUT_MAX)
		return 0;
	in = data + 2;
	n = size - 2;
	fuzz_rng_seed(&rng, data[1]);
	FUZZ_CHECK(pipe(in_fds) == 0 && pipe(out_fds) == 0, "pipe failed");
	buf_init(&b, 2 + data[0] % 64);
	wlen = ref_crlf(in, n, want);
	while (done < n) {
		chunk = fuzz_rng_chunk(&rng, n - done);
		FUZZ_CHECK(writeall(in_fds[1], in + done, chunk) ==
		    (ssize_t)chunk, "write to the pipe failed");
		for (pending = chunk; pending > 0;) {
			if ((room = buf_room(&b)) < 2) {
				drain(&b, out_fds, fuzz_rng_chunk(&rng, b.len),
				    got, &glen);
				continue;
			}
			max = fuzz_rng_next(&rng) % 3 == 0 ? 0 :
			    fuzz_rng_chunk(&rng, room);
			queued = b.len;
			r = buf_fill(&b, in_fds[0], max, true);
			queued = b.len - queued;
			FUZZ_CHECK(r > 0 && (size_t)r <= room / 2 &&
			    (max == 0 || (size_t)r <= max), "buf_fill() = %zd "
			    "with room %zu, max %zu", r, room, max);
			/* The LFs that gained a CR in these r bytes. */
			for (i = done, lfs = 0; i < done + (size_t)r; i++) {
				lfs += in[i] == '\n' && !cr;
				cr = in[i] == '\r';
			}
			FUZZ_CHECK(queued == (size_t)r + lfs, "buf_fill() "
			    "queued %zu for %zd bytes and %zu LFs", queued, r,
			    lfs);
			pending -= (size_t)r;
			done += (size_t)r;
			drain(&b, out_fds, fuzz_rng_next(&rng) % (b.len + 1),
			    got, &glen);
		}
	}
	while (b.len > 0)
		drain(&b, out_fds, b.len, got, &glen);
	FUZZ_CHECK(glen == wlen && memcmp(got, want, wlen) == 0,
	    "%zu bytes out, the reference has %zu", glen, wlen);
	buf_free(&b);
	(void)close(in_fds[0]);
	(void)close(in_fds[1]);
	(void)close(out_fds[0]);
	(void)close(out_fds[1]);
	return 0;
}
