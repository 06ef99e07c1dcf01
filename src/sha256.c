/*
 * sha256.c: SHA-256 as FIPS 180-4 defines it (sections 4.1.2, 4.2.2,
 * 5.1.1, 5.3.3 and 6.2), written from the standard.  Two block
 * functions give the same results: the portable one in C, always built,
 * and, where configure found the compiler takes them (HAVE_SHA_NI), one
 * with the x86 SHA extensions, chosen at run time when CPUID says the
 * CPU has them and SOCKCAT_SHA256 is not "portable".
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_SHA_NI
#include <cpuid.h>
#include <immintrin.h>
#endif

#include "sha256.h"

/*
 * K: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes (4.2.2).
 */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/*
 * H(0): the first 32 bits of the fractional parts of the square roots of
 * the first 8 primes (5.3.3).
 */
static const uint32_t H0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

/* Hashes n 64-byte blocks at p into h. */
typedef void	blocks_fn(uint32_t *, const unsigned char *, size_t);

#define ROTR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z)	(((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z)	(((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x)	(ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x)	(ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x)	(ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x)	(ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

/* A big-endian 32-bit word at p. */
static uint32_t
load_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/*
 * Round t of 6.2.2 step 3, on the working variables named in the order
 * a..h; the callers rotate the names instead of moving the values.
 */
#define ROUND(a, b, c, d, e, f, g, h, t) do {				\
	uint32_t t1 = (h) + BSIG1(e) + CH(e, f, g) + K[t] + w[(t) & 15]; \
	(d) += t1;							\
	(h) = t1 + BSIG0(a) + MAJ(a, b, c);				\
} while (0)

/* The message schedule's next word in place (6.2.2 step 1), t >= 16. */
#define SCHEDULE(t)	(w[(t) & 15] += SSIG1(w[((t) - 2) & 15]) +	\
	w[((t) - 7) & 15] + SSIG0(w[((t) - 15) & 15]))

/* The portable block function: 6.2.2 with a 16-word schedule window. */
static void
blocks_portable(uint32_t *st, const unsigned char *p, size_t n)
{
	uint32_t	w[16], a, b, c, d, e, f, g, h;
	int		t;

	for (; n > 0; n--, p += 64) {
		for (t = 0; t < 16; t++)
			w[t] = load_be32(p + 4 * t);
		a = st[0], b = st[1], c = st[2], d = st[3];
		e = st[4], f = st[5], g = st[6], h = st[7];
		for (t = 0; t < 64; t += 8) {
			if (t >= 16) {
				SCHEDULE(t);
				SCHEDULE(t + 1);
				SCHEDULE(t + 2);
				SCHEDULE(t + 3);
				SCHEDULE(t + 4);
				SCHEDULE(t + 5);
				SCHEDULE(t + 6);
				SCHEDULE(t + 7);
			}
			ROUND(a, b, c, d, e, f, g, h, t);
			ROUND(h, a, b, c, d, e, f, g, t + 1);
			ROUND(g, h, a, b, c, d, e, f, t + 2);
			ROUND(f, g, h, a, b, c, d, e, t + 3);
			ROUND(e, f, g, h, a, b, c, d, t + 4);
			ROUND(d, e, f, g, h, a, b, c, t + 5);
			ROUND(c, d, e, f, g, h, a, b, t + 6);
			ROUND(b, c, d, e, f, g, h, a, t + 7);
		}
		st[0] += a, st[1] += b, st[2] += c, st[3] += d;
		st[4] += e, st[5] += f, st[6] += g, st[7] += h;
	}
}

#ifdef HAVE_SHA_NI
#define SHA_NI	__attribute__((target("sha,sse4.1")))

/*
 * Four rounds (j: rounds 4j..4j+3) with the SHA extensions.  m0..m3
 * hold the schedule's last 16 words, m0 the oldest; from j = 4 on m0 is
 * replaced by the next four words: sha256msg1 adds sigma0 of the word
 * after each, the alignr picks W[t-7], sha256msg2 adds sigma1.  Each
 * sha256rnds2 does two rounds on the state kept as ABEF and CDGH; the
 * CDGH it takes comes back as the next call's ABEF.
 */
#define NI_ROUNDS(m0, m1, m2, m3, j) do {				\
	__m128i	wk_;							\
	if ((j) >= 4)							\
		m0 = _mm_sha256msg2_epu32(_mm_add_epi32(		\
		    _mm_sha256msg1_epu32(m0, m1),			\
		    _mm_alignr_epi8(m3, m2, 4)), m3);			\
	wk_ = _mm_add_epi32(m0,						\
	    _mm_loadu_si128((const __m128i *)(const void *)&K[4 * (j)])); \
	cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk_);			\
	abef = _mm_sha256rnds2_epu32(abef, cdgh,			\
	    _mm_shuffle_epi32(wk_, 0x0e));				\
} while (0)

/* A block's 16 bytes at p as four big-endian words. */
SHA_NI static __m128i
ni_load(const unsigned char *p, __m128i swap)
{
	return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)
	    (const void *)p), swap);
}

/* The block function with the x86 SHA extensions. */
SHA_NI static void
blocks_ni(uint32_t *st, const unsigned char *p, size_t n)
{
	const __m128i	swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL,
			    0x0405060700010203LL);
	__m128i		abef, cdgh, dcba, hgfe, abef0, cdgh0;
	__m128i		m0, m1, m2, m3;
	int		j;

	/* A..H in memory order -> lanes (high to low) A B E F, C D G H. */
	dcba = _mm_shuffle_epi32(_mm_loadu_si128((__m128i *)(void *)st),
	    0xb1);			/* lanes low to high: B A D C */
	hgfe = _mm_shuffle_epi32(_mm_loadu_si128((__m128i *)(void *)
	    (st + 4)), 0x1b);		/* H G F E */
	abef = _mm_alignr_epi8(dcba, hgfe, 8);
	cdgh = _mm_blend_epi16(hgfe, dcba, 0xf0);
	for (; n > 0; n--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		m0 = ni_load(p, swap);
		m1 = ni_load(p + 16, swap);
		m2 = ni_load(p + 32, swap);
		m3 = ni_load(p + 48, swap);
		for (j = 0; j < 16; j += 4) {
			NI_ROUNDS(m0, m1, m2, m3, j);
			NI_ROUNDS(m1, m2, m3, m0, j + 1);
			NI_ROUNDS(m2, m3, m0, m1, j + 2);
			NI_ROUNDS(m3, m0, m1, m2, j + 3);
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	/* Back to A..H. */
	dcba = _mm_shuffle_epi32(abef, 0x1b);	/* low to high: A B E F */
	hgfe = _mm_shuffle_epi32(cdgh, 0xb1);	/* G H C D */
	_mm_storeu_si128((__m128i *)(void *)st,
	    _mm_blend_epi16(dcba, hgfe, 0xf0));
	_mm_storeu_si128((__m128i *)(void *)(st + 4),
	    _mm_alignr_epi8(hgfe, dcba, 8));
}

/* Whether the CPU has the SHA extensions and SSSE3/SSE4.1 they use. */
static bool
cpu_has_sha(void)
{
	unsigned int	a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) ||
	    !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return false;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return false;
	return (b & bit_SHA) != 0;
}
#endif /* HAVE_SHA_NI */

static blocks_fn	*blocks;
static const char	*blocks_name;

/* The block function for this run, chosen once. */
static void
choose(void)
{
	const char	*env = getenv("SOCKCAT_SHA256");
	bool		 portable = env != NULL && strcmp(env, "portable") == 0;

	blocks = blocks_portable;
	blocks_name = "portable";
#ifdef HAVE_SHA_NI
	if (!portable && cpu_has_sha()) {
		blocks = blocks_ni;
		blocks_name = "sha-ni";
	}
#else
	(void)portable;
#endif
}

const char *
sha256_impl(void)
{
	if (blocks == NULL)
		choose();
	return blocks_name;
}

void
sha256_init(struct sha256 *s)
{
	if (blocks == NULL)
		choose();
	memcpy(s->h, H0, sizeof(s->h));
	s->len = 0;
}

void
sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char	*p = data;
	size_t			 have = (size_t)(s->len % 64), take;

	s->len += len;
	if (have > 0) {
		take = 64 - have < len ? 64 - have : len;
		memcpy(s->block + have, p, take);
		p += take;
		len -= take;
		if (have + take < 64)
			return;
		blocks(s->h, s->block, 1);
	}
	if (len >= 64) {
		blocks(s->h, p, len / 64);
		p += len - len % 64;
		len %= 64;
	}
	if (len > 0)
		memcpy(s->block, p, len);
}

void
sha256_final(struct sha256 *s, unsigned char *out, char *hex)
{
	static const char	 digits[] = "0123456789abcdef";
	uint64_t		 bits = s->len * 8;
	size_t			 have = (size_t)(s->len % 64);
	int			 i;

	/* 5.1.1: a 1 bit, zeros to 56 bytes mod 64, the length in bits. */
	s->block[have++] = 0x80;
	if (have > 56) {
		memset(s->block + have, 0, 64 - have);
		blocks(s->h, s->block, 1);
		have = 0;
	}
	memset(s->block + have, 0, 56 - have);
	for (i = 0; i < 8; i++)
		s->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	blocks(s->h, s->block, 1);
	for (i = 0; i < SHA256_LEN; i++)
		out[i] = (unsigned char)(s->h[i / 4] >> (24 - 8 * (i % 4)));
	if (hex == NULL)
		return;
	for (i = 0; i < SHA256_LEN; i++) {
		hex[2 * i] = digits[out[i] >> 4];
		hex[2 * i + 1] = digits[out[i] & 15];
	}
	hex[SHA256_HEX_LEN] = '\0';
}
