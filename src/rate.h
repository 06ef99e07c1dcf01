/*
 * rate.h: a token bucket for --rate and --rate-recv over now_ms()'s
 * clock: how many bytes may go now, what went, and when the next may go.
 * It never sleeps and uses no signals: the pump's select() waits until
 * the deadline it gives.  Also the reader of a BYTES rate value.
 */
#ifndef SOCKCAT_RATE_H
#define SOCKCAT_RATE_H

#include <stdbool.h>
#include <stddef.h>

struct rate {
	long long	bps;		/* bytes a second; 0: no limit */
	long long	tokens;		/* thousandths of a byte; < 0: debt */
	long long	at;		/* when tokens was counted (ms) */
};

/*
 * A bucket for bps bytes a second (0: no limit) at time now, full (a
 * few tens of milliseconds' worth), so that the first bytes go at once.
 */
void		rate_init(struct rate *, long long, long long);

/* Whether the bucket lets bytes go at now (always, without a limit). */
bool		rate_ready(const struct rate *, long long);

/*
 * The most a read may take at now: max (0: no bound) without a limit,
 * else the smaller of max and what the bucket holds, at least 1.
 */
size_t		rate_clip(const struct rate *, long long, size_t);

/* n bytes went at now; the bucket may go into debt (a whole datagram). */
void		rate_take(struct rate *, long long, size_t);

/*
 * due, or the moment the bucket opens again if that is sooner; due and
 * the result are deadlines on now_ms()'s clock, -1 for none.
 */
long long	rate_sooner(const struct rate *, long long, long long);

/*
 * BYTES: a whole decimal number above 0 with an optional suffix k (or K),
 * M or G, powers of 1024.  0 with *bps set, or -1 with errno: EINVAL (not
 * such a number), ERANGE (0, or over what 64 bits hold).
 */
int		rate_parse(const char *, long long *);

#endif
