/*
 * sha256.h: SHA-256 (FIPS 180-4), streaming: init, update with pieces
 * of any size, final.  A leaf: no options, no printing.
 */
#ifndef SOCKCAT_SHA256_H
#define SOCKCAT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32		/* bytes in a digest */
#define SHA256_HEX_LEN	(2 * SHA256_LEN)

struct sha256 {
	uint32_t	 h[8];		/* H0..H7, the hash so far */
	uint64_t	 len;		/* bytes given to sha256_update() */
	unsigned char	 block[64];	/* a block's start, not yet hashed */
};

/* Start a new message. */
void	sha256_init(struct sha256 *);

/* Add len bytes to the message. */
void	sha256_update(struct sha256 *, const void *, size_t);

/*
 * End the message: its digest into out (SHA256_LEN bytes), and, when hex
 * is not NULL, as lowercase hexadecimal into hex (SHA256_HEX_LEN + 1
 * bytes, with the NUL).  The state must be initialised again to reuse.
 */
void	sha256_final(struct sha256 *, unsigned char *, char *);

/*
 * Which block function runs: "sha-ni" (the x86 SHA extensions, where
 * the build and the CPU have them) or "portable".  SOCKCAT_SHA256=portable
 * in the environment forces the portable one (for tests).
 */
const char	*sha256_impl(void);

#endif
