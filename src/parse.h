/*
 * parse.h: strict readers of option values.  None prints or exits.
 */
#ifndef SOCKCAT_PARSE_H
#define SOCKCAT_PARSE_H

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

#endif
