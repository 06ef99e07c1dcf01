/*
 * fuzz/sha256.c: src/sha256.c's streaming against itself.  The message
 * hashed in one call on the portable block function is the reference;
 * the same message split at random points (empty pieces too) must give
 * the same digest on the portable block function and on the one chosen
 * at run time (the x86 SHA extensions where built and present), and so
 * must one call on the chosen one.  src/sha256.c is compiled into this
 * file, so that both block functions can be picked in one run.
 *
 * Input: byte 0 the seed of the splits, the rest the message.
 */
#include "../src/sha256.c"

#include "fuzz.h"

#define INPUT_MAX	16384

/* The digest of in[0..n) on block function fn, in pieces or whole. */
static void
hash(blocks_fn *fn, const uint8_t *in, size_t n, struct fuzz_rng *rng,
    unsigned char *out)
{
	struct sha256	s;
	size_t		off = 0, k;
	char		hex[SHA256_HEX_LEN + 1];

	sha256_init(&s);	/* chooses the run's function, once */
	blocks = fn;
	while (rng != NULL && off < n) {
		k = fuzz_rng_next(rng) % 5 == 0 ? 0 :
		    fuzz_rng_chunk(rng, n - off);
		sha256_update(&s, in + off, k);
		off += k;
	}
	sha256_update(&s, in + off, n - off);
	sha256_final(&s, out, hex);
	FUZZ_CHECK(strlen(hex) == SHA256_HEX_LEN, "hex of %zu", strlen(hex));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static blocks_fn	*chosen;
	unsigned char		 want[SHA256_LEN], got[SHA256_LEN];
	struct fuzz_rng		 rng;

	if (size < 1 || size - 1 > INPUT_MAX)
		return 0;
	if (chosen == NULL) {
		(void)sha256_impl();
		chosen = blocks;
	}
	hash(blocks_portable, data + 1, size - 1, NULL, want);
	fuzz_rng_seed(&rng, data[0]);
	hash(blocks_portable, data + 1, size - 1, &rng, got);
	FUZZ_CHECK(memcmp(want, got, SHA256_LEN) == 0,
	    "portable, in pieces, %zu bytes", size - 1);
	fuzz_rng_seed(&rng, data[0]);
	hash(chosen, data + 1, size - 1, &rng, got);
	FUZZ_CHECK(memcmp(want, got, SHA256_LEN) == 0,
	    "%s, in pieces, %zu bytes", sha256_impl(), size - 1);
	hash(chosen, data + 1, size - 1, NULL, got);
	FUZZ_CHECK(memcmp(want, got, SHA256_LEN) == 0,
	    "%s, whole, %zu bytes", sha256_impl(), size - 1);
	return 0;
}
