/*
 * chat.h: --chat's framing of a sender's bytes into "<userN> " lines.
 * Pure: no descriptors, no allocation, nothing global.
 */
#ifndef SOCKCAT_CHAT_H
#define SOCKCAT_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#define CHAT_LINE_MAX	8192	/* a longer line goes out in pieces */
#define CHAT_PREFIX_MAX	32	/* "<userN> " with any int N, and its NUL */

/* "<userN> " for descriptor n into pre[CHAT_PREFIX_MAX]; returns its length. */
size_t	chat_prefix(char *, int);

/*
 * Frame the head of in (len bytes) into out (cap bytes).  The input is
 * cut into pieces: a line up to and including its newline, or the first
 * CHAT_LINE_MAX bytes of a longer one; an unfinished line shorter than
 * that is a piece only when flush is true (its sender has gone).  Each
 * piece goes out behind pre (plen bytes), in order, for as long as the
 * whole framed piece fits in what is left of cap; the first one that
 * does not fit ends it.  Returns the bytes written to out and sets *used
 * to the input bytes framed (both 0 when nothing fits or is ready).
 */
size_t	chat_frame(const char *in, size_t len, const char *pre, size_t plen,
	    bool flush, char *out, size_t cap, size_t *used);

#endif
