/*
 * parse.h: strict readers of option values.  None prints or exits.
 */
#ifndef SOCKCAT_PARSE_H
#define SOCKCAT_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Verdicts of parse_number() and parse_time_ms(). */
enum {
	PARSE_OK = 0,
	PARSE_SYNTAX,		/* not a number or TIME at all */
	PARSE_RANGE		/* well formed, but out of range */
};

/* A whole decimal number in [min, max], no blanks or trailing bytes. */
int	parse_number(const char *, long, long, long *);

/*
 * TIME: seconds, fractions allowed ("0.5"), or a number with a unit
 * (ms, s, m, h).  *out gets milliseconds, rounded, at least 1 for a
 * non-zero time; a negative TIME, only where allowed, gives -1.
 */
int	parse_time_ms(const char *, int, long *);

/*
 * A -T word: nc.openbsd's keywords, DSCP names (af11..cs7, ef, va), or
 * 0-255 in decimal or after 0x.  Returns the TOS byte, or -1.
 */
int	parse_tos(const char *);

/*
 * ADDR[:PORT] as -x takes it: "[v6]:port", "[v6]", "host:port", "host",
 * or a bare IPv6 address (two colons or more).  s is split in place;
 * *host and *port point into it, *port NULL when there is none.  0, or -1
 * when it is malformed (an empty host or port, an unclosed bracket).
 */
int	parse_hostport(char *, char **, char **);

/* Verdicts of parse_host(). */
enum {
	HOST_OK = 0,
	HOST_EMPTY,		/* "" or "[]" */
	HOST_TOO_LONG,		/* over 253 characters (254 with a final dot) */
	HOST_BRACKET,		/* a "[" never closed */
	HOST_CHAR,		/* a byte no host has, at s[*bad] */
	HOST_IPV6		/* has a colon, but is no IPv6 address */
};

/*
 * Whether s can be a host at all, without asking DNS: a name or an IPv4
 * address (letters, digits, '-', '_' and '.' only, so "localhost." and
 * "my_host" pass), an IPv6 address with an optional "%zone" (the zone in
 * the same letters: "fe80::1%eth0"), or either of those in brackets
 * ("[::1]", "[fe80::1%lo]"; nothing may follow the "]").  Returns HOST_OK
 * or the first fault found.  For HOST_CHAR, *bad (if bad is not NULL) is
 * the offset of the first byte that does not belong, which may be a CR,
 * LF or any other byte.  It never tells whether a name resolves.
 */
int	parse_host(const char *, size_t *);

/*
 * Whether s is a host in brackets, "[ADDR]" with ADDR not empty; if so,
 * *len is ADDR's length (ADDR starts at s + 1).  The one place brackets
 * come off a host word; it checks nothing of what is inside.
 */
bool	parse_unbracket(const char *, size_t *);

#endif
