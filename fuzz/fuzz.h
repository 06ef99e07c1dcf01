/*
 * fuzz/fuzz.h: what the libFuzzer harnesses share: a check that stops
 * the run with a message naming the broken property, and a small
 * deterministic random stream drawn from the input, so the split points
 * and choices a harness makes are the same every time it sees an input.
 */
#ifndef SOCKCAT_FUZZ_H
#define SOCKCAT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A broken property is a finding: say which, and abort for libFuzzer. */
#define FUZZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: %s:%d: %s: ", __FILE__,		\
		    __LINE__, #cond);					\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/* xorshift32: split points and choices, seeded from the input. */
struct fuzz_rng {
	uint32_t	s;
};

static inline void
fuzz_rng_seed(struct fuzz_rng *r, uint32_t seed)
{
	r->s = seed * 2654435761u + 0x9e3779b9u;
	if (r->s == 0)
		r->s = 1;
}

static inline uint32_t
fuzz_rng_next(struct fuzz_rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 17;
	r->s ^= r->s << 5;
	return r->s;
}

/* A chunk length in [1, max], small ones more likely. */
static inline size_t
fuzz_rng_chunk(struct fuzz_rng *r, size_t max)
{
	uint32_t	v = fuzz_rng_next(r);
	size_t		n;

	if (max == 0)
		return 0;
	n = (v & 3) == 0 ? 1 + (v >> 8) % 3 : 1 + (v >> 8) % max;
	return n > max ? max : n;
}

#endif
