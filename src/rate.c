/*
 * rate.c: the token bucket behind --rate and --rate-recv.  The bucket
 * counts thousandths of a byte, so that a rate of bps bytes a second
 * adds exactly bps of them a millisecond.  It opens when it holds a
 * step's worth (RATE_STEP_MS of the rate, at least a byte): the pump
 * then wakes about 1000 / RATE_STEP_MS times a second, whatever the
 * rate, and reads what the bucket holds.  It never holds more than
 * RATE_BURST_MS's worth, so no second carries more than the rate and
 * that little.  A leaf: no options, no printing.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "rate.h"
#include "util.h"

#define RATE_STEP_MS	10		/* the refill the pump waits for */
#define RATE_BURST_MS	25		/* the most the bucket holds */
#define RATE_MAX	(1LL << 50)	/* 1 PiB/s: beyond any link */

/* The bucket opens at this level (thousandths of a byte). */
static long long
step(const struct rate *r)
{
	long long	s = r->bps * RATE_STEP_MS;

	return s > 1000 ? s : 1000;
}

/* The bucket holds at most this much. */
static long long
capacity(const struct rate *r)
{
	long long	c = r->bps * RATE_BURST_MS;

	return c > step(r) ? c : step(r);
}

/* What the bucket holds at now: the tokens and their refill since. */
static long long
level(const struct rate *r, long long now)
{
	long long	cap = capacity(r), room, dt = now - r->at;

	if (r->tokens >= cap || dt <= 0)
		return r->tokens;
	room = cap - r->tokens;
	/* dt * bps cannot overflow below this bound. */
	if (dt > room / r->bps)
		return cap;
	return r->tokens + dt * r->bps < cap ? r->tokens + dt * r->bps : cap;
}

void
rate_init(struct rate *r, long long bps, long long now)
{
	r->bps = bps > RATE_MAX ? RATE_MAX : bps > 0 ? bps : 0;
	r->tokens = capacity(r);
	r->at = now;
}

bool
rate_ready(const struct rate *r, long long now)
{
	return r->bps == 0 || level(r, now) >= step(r);
}

size_t
rate_clip(const struct rate *r, long long now, size_t max)
{
	long long	have;

	if (r->bps == 0)
		return max;
	have = level(r, now) / 1000;
	if (have < 1)
		have = 1;
	if (max > 0 && (unsigned long long)have > max)
		return max;
	return (size_t)have;
}

void
rate_take(struct rate *r, long long now, size_t n)
{
	if (r->bps == 0)
		return;
	r->tokens = level(r, now) - (long long)n * 1000;
	if (now > r->at)
		r->at = now;
}

long long
rate_sooner(const struct rate *r, long long now, long long due)
{
	long long	have, t;

	if (r->bps == 0 || (have = level(r, now)) >= step(r))
		return due;
	t = now + (step(r) - have + r->bps - 1) / r->bps;
	return deadline_sooner(due, t);
}

int
rate_parse(const char *s, long long *bps)
{
	unsigned long long	v, mul = 1;
	char			*end;

	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		v = ULLONG_MAX;
	if (*end == 'k' || *end == 'K')
		mul = 1ULL << 10;
	else if (*end == 'M')
		mul = 1ULL << 20;
	else if (*end == 'G')
		mul = 1ULL << 30;
	if (*end != '\0' && end[mul > 1] != '\0') {
		errno = EINVAL;
		return -1;
	}
	if (v == 0 || v > (unsigned long long)LLONG_MAX / mul) {
		errno = ERANGE;
		return -1;
	}
	*bps = (long long)(v * mul);
	return 0;
}
