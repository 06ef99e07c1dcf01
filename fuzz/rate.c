/*
 * fuzz/rate.c: --rate's BYTES reader and token bucket (src/rate.c)
 * against models.  rate_parse() must agree with a reference reader on
 * any string.  A bucket driven through random time steps, reads of at
 * most what rate_clip() allows and whole datagrams taken in debt must
 * never let more go than its rate times the time passed, plus what it
 * held at the start and one datagram; rate_sooner() must name the very
 * moment rate_ready() turns true; and nothing may overflow (UBSan), at
 * any rate a long long holds.
 *
 * Input: byte 0 even: the rest is a BYTES string; odd: bytes 1-8 the
 * rate, then steps of 4 bytes: 2 the milliseconds to wait, 1 a choice,
 * 1 a size.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "rate.h"

#define STR_MAX	64

/* The reference: digits, then nothing or one of k K M G. */
static int
model_parse(const char *s, long long *out)
{
	unsigned __int128	v = 0, mul = 1;
	size_t			i = 0;

	if (s[0] < '0' || s[0] > '9')
		return EINVAL;
	for (; s[i] >= '0' && s[i] <= '9'; i++)
		if ((v = v * 10 + (unsigned)(s[i] - '0')) > ULLONG_MAX)
			v = (unsigned __int128)ULLONG_MAX + 1;
	if (s[i] == 'k' || s[i] == 'K')
		mul = 1024;
	else if (s[i] == 'M')
		mul = 1024 * 1024;
	else if (s[i] == 'G')
		mul = 1024 * 1024 * 1024;
	if (s[i] != '\0' && (mul == 1 || s[i + 1] != '\0'))
		return EINVAL;
	if (v == 0 || v * mul > LLONG_MAX)
		return ERANGE;
	*out = (long long)(v * mul);
	return 0;
}

/* rate_parse() on data as a string (cut at its first NUL). */
static void
check_parse(const uint8_t *data, size_t size)
{
	char		s[STR_MAX + 1];
	long long	got = -1, want = -1;
	int		r, m;

	if (size > STR_MAX)
		size = STR_MAX;
	memcpy(s, data, size);
	s[size] = '\0';
	errno = 0;
	r = rate_parse(s, &got);
	m = model_parse(s, &want);
	FUZZ_CHECK((r == 0) == (m == 0), "'%s': %d, model %d", s, r, m);
	FUZZ_CHECK(r == 0 || errno == m, "'%s': errno %d, model %d", s,
	    errno, m);
	FUZZ_CHECK(r != 0 || got == want, "'%s': %lld, model %lld", s, got,
	    want);
}

/* The bucket at bps, driven by the steps in data. */
static void
check_bucket(long long bps, const uint8_t *data, size_t size)
{
	struct rate	r;
	long long	t0 = 1000000, now = t0, due;
	__int128	sent = 0, allowed, last_dgram = 0;
	size_t		n, i;

	rate_init(&r, bps, now);
	/* What it holds at first: the most any moment can find in it. */
	allowed = rate_clip(&r, now, 0);
	for (i = 0; i + 4 <= size; i += 4) {
		now += data[i] | data[i + 1] << 8;
		due = rate_sooner(&r, now, -1);
		if (due >= 0) {
			FUZZ_CHECK(due > now && !rate_ready(&r, now),
			    "due %lld at %lld", due, now);
			FUZZ_CHECK(rate_ready(&r, due) &&
			    !rate_ready(&r, due - 1), "due %lld", due);
			if (data[i + 2] & 1)
				now = due;	/* the pump's wake-up */
		}
		if (!rate_ready(&r, now))
			continue;
		FUZZ_CHECK(r.bps == 0 || rate_sooner(&r, now, -1) == -1,
		    "ready, yet a deadline");
		n = rate_clip(&r, now, (size_t)data[i + 3] * 1024);
		FUZZ_CHECK(n >= 1 || r.bps == 0, "clip 0");
		if (data[i + 2] & 2) {
			/* A datagram, whole, whatever the bucket holds. */
			n = (size_t)data[i + 3] * 257;
			last_dgram = n;
		} else if (data[i + 2] & 4)
			n = n > 1 ? n / 2 : n;	/* a short read */
		rate_take(&r, now, n);
		sent += n;
		if (r.bps > 0 && bps > 0)
			FUZZ_CHECK(sent * 1000 <= allowed * 1000 +
			    (__int128)r.bps * (now - t0) + last_dgram * 1000 +
			    1000, "sent %lld in %lld ms at %lld",
			    (long long)sent, now - t0, r.bps);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long long	bps = 0;
	int		i;

	if (size < 1)
		return 0;
	if ((data[0] & 1) == 0) {
		check_parse(data + 1, size - 1);
		return 0;
	}
	if (size < 9)
		return 0;
	for (i = 0; i < 8; i++)
		bps = (long long)((unsigned long long)bps << 8 | data[1 + i]);
	if (bps < 0)
		bps = -(bps + 1);
	/* Small rates as often as large ones. */
	if (data[0] & 2)
		bps %= 100000;
	check_bucket(bps, data + 9, size - 9);
	return 0;
}
