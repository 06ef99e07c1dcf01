/*
 * optvalue.c: an option's value read whole, or a usage error naming the
 * option: numbers, TIMEs and --rate's BYTES, for cmdline.c's take_*
 * functions (parse.c and rate.c do the reading and never print).
 */
#include "config.h"

#include <errno.h>

#include "optvalue.h"
#include "parse.h"
#include "rate.h"
#include "usage.h"

/* A whole decimal number in [min, max]; anything else is a usage error. */
long
opt_num(const char *s, long min, long max, const char *what)
{
	long	v;

	switch (parse_number(s, min, max, &v)) {
	case PARSE_OK:
		return v;
	case PARSE_RANGE:
		usage_error("%s value '%s' out of range %ld-%ld", what, s,
		    min, max);
	default:
		usage_error("invalid number '%s' for %s", s, what);
	}
}

/* TIME in milliseconds (-1: negative, where allowed), or a usage error. */
long
opt_time(const char *s, const char *what, int allow_negative)
{
	long	ms;

	switch (parse_time_ms(s, allow_negative, &ms)) {
	case PARSE_OK:
		return ms;
	case PARSE_RANGE:
		usage_error("time '%s' for %s is too large", s, what);
	default:
		usage_error("invalid time '%s' for %s", s, what);
	}
}

/* BYTES a second for --rate or --rate-recv, or a usage error. */
long long
opt_rate(const char *s, const char *what)
{
	long long	bps;

	if (rate_parse(s, &bps) == 0)
		return bps;
	if (errno == ERANGE)
		usage_error("rate '%s' for %s out of range 1-8589934591G", s,
		    what);
	usage_error("invalid rate '%s' for %s (bytes a second, with k, M "
	    "or G)", s, what);
}
