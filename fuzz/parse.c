/*
 * fuzz/parse.c: the readers of option values (src/parse.c, and the port
 * words of src/addr.c) against a grammar written here: each must refuse
 * what the grammar refuses, read what it accepts to the model's value,
 * and read its own printed value back to the same thing.
 *
 * Input: byte 0 picks the case, byte 1 a variant (a number's range), the
 * rest is the word (a C string: it ends at the first NUL).  To add a
 * case, write a check_X(word, variant) and put it in cases[].
 */
#include "config.h"

#include <arpa/inet.h>

#include <ctype.h>
#include <limits.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "parse.h"

#include "fuzz.h"

#define WORD_MAX	512

static bool
all_digits(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return n > 0;
}

/* parse_number: [+-]?[0-9]+ and nothing else; range checked exactly. */
static void
check_number(const char *s, unsigned variant)
{
	static const struct {
		long	min, max;
	} ranges[] = {
		{ 1, 65535 }, { 0, 255 }, { -5, 5 }, { 0, LONG_MAX },
		{ LONG_MIN, LONG_MAX }, { 1, INT_MAX }
	};
	const size_t	 k = variant % (sizeof(ranges) / sizeof(ranges[0]));
	long		 min = ranges[k].min, max = ranges[k].max;
	long		 got = 12345, again;
	const char	*d = s;
	bool		 neg = false, overflow = false;
	unsigned long	 mag = 0, limit;
	int		 want, r;
	char		 text[32];

	if (*d == '+' || *d == '-')
		neg = *d++ == '-';
	if (!all_digits(d, strlen(d)))
		want = PARSE_SYNTAX;
	else {
		limit = neg ? (unsigned long)LONG_MAX + 1 : LONG_MAX;
		for (; *d != '\0'; d++) {
			if (mag > (limit - (unsigned long)(*d - '0')) / 10)
				overflow = true;
			else
				mag = mag * 10 + (unsigned long)(*d - '0');
		}
		if (overflow)
			want = PARSE_RANGE;
		else {
			long v = neg ? (mag == (unsigned long)LONG_MAX + 1 ?
			    LONG_MIN : -(long)mag) : (long)mag;

			want = v < min || v > max ? PARSE_RANGE : PARSE_OK;
			if (want == PARSE_OK)
				got = v;
		}
	}
	again = got;
	r = parse_number(s, min, max, &got);
	FUZZ_CHECK(r == want, "parse_number(\"%s\", %ld, %ld) = %d, not %d",
	    s, min, max, r, want);
	if (r != PARSE_OK)
		return;
	FUZZ_CHECK(got == again, "parse_number(\"%s\") read %ld, not %ld", s,
	    got, again);
	(void)snprintf(text, sizeof(text), "%ld", got);
	FUZZ_CHECK(parse_number(text, min, max, &again) == PARSE_OK &&
	    again == got, "\"%s\" does not read back", text);
}

/*
 * TIME: -? [0-9]* (. [0-9]*)? (ms|s|m|h)?, one digit at least; the value
 * in ms computed exactly here (128-bit), rounded half up, a non-zero one
 * at least 1, out of range when the exact value is over INT_MAX.  Only
 * where digits past the 18th of the fraction decide the rounding is
 * either neighbour taken as right.
 */
static void
check_time(const char *s, unsigned variant)
{
	const int		 allow_neg = variant & 1;
	const char		*p = s, *ip, *fp = "";
	size_t			 ilen, flen = 0, i;
	unsigned __int128	 whole = 0, frac18 = 0, ms, rem;
	const unsigned __int128	 e18 = 1000000000000000000ull;
	unsigned long		 scale = 1000;
	bool			 neg = false, sticky = false, huge = false;
	long			 got = -7, lo, hi;
	int			 r, want;
	char			 text[48];

	if (*p == '-' && allow_neg) {
		neg = true;
		p++;
	}
	ip = p;
	ilen = strspn(p, "0123456789");
	p += ilen;
	if (*p == '.') {
		fp = ++p;
		flen = strspn(p, "0123456789");
		p += flen;
	}
	if (strcmp(p, "ms") == 0)
		scale = 1;
	else if (strcmp(p, "m") == 0)
		scale = 60000;
	else if (strcmp(p, "h") == 0)
		scale = 3600000;
	else if (*p != '\0' && strcmp(p, "s") != 0)
		ilen = flen = 0;		/* a bad unit: refused below */
	r = parse_time_ms(s, allow_neg, &got);
	if (ilen + flen == 0) {
		FUZZ_CHECK(r == PARSE_SYNTAX, "parse_time_ms(\"%s\") = %d, "
		    "not a syntax error", s, r);
		return;
	}
	if (neg) {
		FUZZ_CHECK(r == PARSE_OK && got == -1, "parse_time_ms(\"%s\", "
		    "negative allowed) = %d, %ld", s, r, got);
		return;
	}
	for (i = 0; i < ilen; i++) {
		whole = whole * 10 + (unsigned)(ip[i] - '0');
		if (whole > (unsigned __int128)1 << 64)
			huge = true, whole = (unsigned __int128)1 << 64;
	}
	for (i = 0; i < flen; i++) {
		if (i < 18)
			frac18 = frac18 * 10 + (unsigned)(fp[i] - '0');
		else if (fp[i] != '0')
			sticky = true;
	}
	for (; i < 18; i++)
		frac18 *= 10;
	ms = whole * scale + frac18 * scale / e18;
	rem = frac18 * scale % e18;
	/*
	 * The value is ms + rem / 10^18, plus what the digits past the 18th
	 * add: less than scale / 10^18, and more than nothing if sticky.
	 */
	if (huge || ms > INT_MAX || (ms == INT_MAX && (rem > 0 || sticky))) {
		FUZZ_CHECK(r == PARSE_RANGE, "parse_time_ms(\"%s\") = %d (%ld),"
		    " not out of range", s, r, got);
		return;
	}
	if (ms == 0 && rem == 0 && !sticky)
		lo = hi = 0;
	else if (ms == 0)
		lo = hi = 1;
	else {
		lo = hi = (long)ms + (rem * 2 >= e18);
		/* Only the digits past the 18th can tip it over the half. */
		if (sticky && rem * 2 < e18 && (rem + scale) * 2 >= e18)
			hi = (long)ms + 1;
	}
	want = PARSE_OK;
	if (hi > INT_MAX)
		want = PARSE_RANGE;	/* rounds up past INT_MAX: never */
	FUZZ_CHECK(r == want, "parse_time_ms(\"%s\") = %d, not %d", s, r, want);
	if (r != PARSE_OK)
		return;
	FUZZ_CHECK(got >= lo && got <= hi, "parse_time_ms(\"%s\") = %ld ms, "
	    "not %ld", s, got, lo);
	(void)snprintf(text, sizeof(text), "%ldms", got);
	FUZZ_CHECK(parse_time_ms(text, 0, &lo) == PARSE_OK && lo == got,
	    "\"%s\" does not read back", text);
	(void)snprintf(text, sizeof(text), "%ld.%03ld", got / 1000,
	    got % 1000);
	FUZZ_CHECK(parse_time_ms(text, 0, &lo) == PARSE_OK && lo == got,
	    "\"%s\" does not read back", text);
}

/*
 * -T: a keyword (the DSCP and nc.openbsd names, any case), or 0-255 in
 * decimal or after 0x.  More than 7 digits may be refused.
 */
static void
check_tos(const char *s, unsigned variant)
{
	static const struct {
		const char	*name;
		int		 value;
	} words[] = {
		/* afXY: class X, drop precedence Y (RFC 2597) */
		{ "af11", 10 << 2 }, { "af12", 12 << 2 }, { "af13", 14 << 2 },
		{ "af21", 18 << 2 }, { "af22", 20 << 2 }, { "af23", 22 << 2 },
		{ "af31", 26 << 2 }, { "af32", 28 << 2 }, { "af33", 30 << 2 },
		{ "af41", 34 << 2 }, { "af42", 36 << 2 }, { "af43", 38 << 2 },
		{ "cs0", 0 << 5 }, { "cs1", 1 << 5 }, { "cs2", 2 << 5 },
		{ "cs3", 3 << 5 }, { "cs4", 4 << 5 }, { "cs5", 5 << 5 },
		{ "cs6", 6 << 5 }, { "cs7", 7 << 5 },
		{ "ef", 46 << 2 }, { "va", 44 << 2 },
		/* RFC 791 precedence and RFC 1349 bits, as nc.openbsd */
		{ "critical", 5 << 5 }, { "inetcontrol", 6 << 5 },
		{ "netcontrol", 7 << 5 }, { "lowdelay", 0x10 },
		{ "throughput", 0x08 }, { "reliability", 0x04 },
		{ "lowcost", 0x02 }
	};
	const char	*d = s;
	size_t		 i, n;
	long		 v;
	int		 got, want = -1;
	bool		 hex, longer = false;
	char		 text[16];

	(void)variant;
	got = parse_tos(s);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i].name) == 0)
			want = words[i].value;
	hex = d[0] == '0' && (d[1] == 'x' || d[1] == 'X');
	if (hex)
		d += 2;
	n = strlen(d);
	if (want == -1 && n > 0 &&
	    strspn(d, hex ? "0123456789abcdefABCDEF" : "0123456789") == n) {
		/* Leading zeros, then the value: at most 255. */
		d += strspn(d, "0");
		v = strlen(d) > 3 ? 256 : strtol(d, NULL, hex ? 16 : 10);
		want = v <= 255 ? (int)v : -1;
		longer = n > 7;
	}
	FUZZ_CHECK(got == want || (longer && got == -1),
	    "parse_tos(\"%s\") = %d, not %d", s, got, want);
	if (got == -1)
		return;
	(void)snprintf(text, sizeof(text), "%d", got);
	FUZZ_CHECK(parse_tos(text) == got, "\"%s\" does not read back", text);
	(void)snprintf(text, sizeof(text), "0x%x", (unsigned)got);
	FUZZ_CHECK(parse_tos(text) == got, "\"%s\" does not read back", text);
}

/*
 * -x ADDR[:PORT]: "[h]" or "[h]:p" (h up to the first ']'), else one
 * colon splits "h:p", none or two and more leave it all host.  Host and
 * port are never empty.  Printed back, the parts read the same.
 */
static void
hostport_model(const char *s, char *host, char *port, bool *has_port,
    bool *ok)
{
	const char	*close, *colon;

	*ok = false;
	*has_port = false;
	host[0] = port[0] = '\0';
	if (s[0] == '[') {
		if ((close = strchr(s, ']')) == NULL || close == s + 1)
			return;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close[1] == '\0') {
			*ok = true;
			return;
		}
		if (close[1] != ':' || close[2] == '\0')
			return;
		strcpy(port, close + 2);
		*ok = *has_port = true;
		return;
	}
	colon = strchr(s, ':');
	if (colon != NULL && strrchr(s, ':') == colon) {
		if (colon == s || colon[1] == '\0')
			return;
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		strcpy(port, colon + 1);
		*ok = *has_port = true;
		return;
	}
	strcpy(host, s);
	*ok = s[0] != '\0';
}

static void
hostport_same(const char *text, const char *host, const char *port)
{
	char	 copy[WORD_MAX * 2 + 8], *h, *p;

	strcpy(copy, text);
	FUZZ_CHECK(parse_hostport(copy, &h, &p) == 0, "\"%s\" (from host "
	    "\"%s\" port \"%s\") is refused", text, host, port ? port : "-");
	FUZZ_CHECK(strcmp(h, host) == 0 && (p == NULL) == (port == NULL) &&
	    (p == NULL || strcmp(p, port) == 0), "\"%s\" reads back as "
	    "\"%s\" \"%s\"", text, h, p ? p : "-");
}

static void
check_hostport(const char *s, unsigned variant)
{
	char	 copy[WORD_MAX + 1], host[WORD_MAX + 1], port[WORD_MAX + 1];
	char	 text[WORD_MAX * 2 + 8], *h, *p;
	bool	 has_port, ok;
	int	 r;

	(void)variant;
	hostport_model(s, host, port, &has_port, &ok);
	strcpy(copy, s);
	r = parse_hostport(copy, &h, &p);
	FUZZ_CHECK((r == 0) == ok, "parse_hostport(\"%s\") = %d", s, r);
	if (r != 0)
		return;
	FUZZ_CHECK(strcmp(h, host) == 0, "parse_hostport(\"%s\"): host "
	    "\"%s\", not \"%s\"", s, h, host);
	FUZZ_CHECK((p != NULL) == has_port && (p == NULL ||
	    strcmp(p, port) == 0), "parse_hostport(\"%s\"): port \"%s\", "
	    "not \"%s\"", s, p ? p : "-", has_port ? port : "-");
	/* Brackets fit any host without ']'; the bare forms fit some. */
	if (strchr(host, ']') == NULL) {
		(void)snprintf(text, sizeof(text), "[%s]%s%s", host,
		    has_port ? ":" : "", has_port ? port : "");
		hostport_same(text, host, has_port ? port : NULL);
	}
	if (host[0] != '[' && strchr(host, ':') == NULL &&
	    (!has_port || strchr(port, ':') == NULL)) {
		(void)snprintf(text, sizeof(text), "%s%s%s", host,
		    has_port ? ":" : "", has_port ? port : "");
		hostport_same(text, host, has_port ? port : NULL);
	}
}

/*
 * A port word (addr.c): decimal digits (capped at 65536), else a service
 * name as getservbyname(3) knows it for the protocol.
 */
static long
port_model(const char *w, const char *proto)
{
	struct servent	*se;
	size_t		 n = strlen(w), i;
	long		 v = 0;

	if (all_digits(w, n)) {
		for (i = 0; i < n && v <= 65535; i++)
			v = v * 10 + (w[i] - '0');
		return v > 65535 ? 65536 : v;
	}
	if (n == 0 || (se = getservbyname(w, proto)) == NULL)
		return ADDR_PORT_UNKNOWN;
	return ntohs((unsigned short)se->s_port);
}

static void
check_port(const char *s, unsigned variant)
{
	const char	*proto = variant & 1 ? "udp" : "tcp";
	long		 got = addr_port_number(s, proto), want;
	char		 text[16];

	want = port_model(s, proto);
	FUZZ_CHECK(got == want, "addr_port_number(\"%s\", %s) = %ld, not %ld",
	    s, proto, got, want);
	if (got < 0 || got > 65535)
		return;
	(void)snprintf(text, sizeof(text), "%ld", got);
	FUZZ_CHECK(addr_port_number(text, proto) == got, "\"%s\" does not "
	    "read back", text);
}

/* A scan's port word: PORT, or LO-HI split at the first '-'. */
static void
check_range(const char *s, unsigned variant)
{
	const char	*proto = variant & 1 ? "udp" : "tcp";
	const char	*dash;
	char		 left[WORD_MAX + 1], text[32];
	long		 lo = -9, hi = -9, wlo, whi, a, b;
	int		 r, want;

	r = addr_port_range(s, proto, &lo, &hi);
	wlo = whi = port_model(s, proto);
	if (wlo == ADDR_PORT_UNKNOWN) {
		if ((dash = strchr(s, '-')) == NULL) {
			FUZZ_CHECK(r == ADDR_RANGE_BAD,
			    "addr_port_range(\"%s\") = %d, not bad", s, r);
			return;
		}
		memcpy(left, s, (size_t)(dash - s));
		left[dash - s] = '\0';
		wlo = port_model(left, proto);
		whi = port_model(dash + 1, proto);
		if (wlo == ADDR_PORT_UNKNOWN || whi == ADDR_PORT_UNKNOWN) {
			/* A left side longer than a service name may be. */
			FUZZ_CHECK(r == ADDR_RANGE_BAD,
			    "addr_port_range(\"%s\") = %d, not bad", s, r);
			return;
		}
	}
	want = wlo < 1 || whi > 65535 || wlo > whi ? ADDR_RANGE_OUT :
	    ADDR_RANGE_OK;
	dash = strchr(s, '-');
	FUZZ_CHECK(r == want || (r == ADDR_RANGE_BAD && dash != NULL &&
	    dash - s >= NI_MAXSERV), "addr_port_range(\"%s\") = %d, "
	    "not %d", s, r, want);
	if (r != ADDR_RANGE_OK)
		return;
	FUZZ_CHECK(lo == wlo && hi == whi, "addr_port_range(\"%s\") = %ld-%ld,"
	    " not %ld-%ld", s, lo, hi, wlo, whi);
	(void)snprintf(text, sizeof(text), "%ld-%ld", lo, hi);
	FUZZ_CHECK(addr_port_range(text, proto, &a, &b) == ADDR_RANGE_OK &&
	    a == lo && b == hi, "\"%s\" does not read back", text);
}

/* The bytes a name or a zone may hold. */
static bool
host_byte(int c)
{
	return isalnum(c) || c == '-' || c == '_' || c == '.';
}

/*
 * parse_host() against the grammar in parse.h: "[" INNER "]" or INNER;
 * INNER a name (host bytes, at most 253, or 254 ending in a dot) or an
 * IPv6 address that inet_pton() takes, with "%zone" of host bytes.  What
 * the grammar leaves open (an empty zone, whether brackets count towards
 * the length) may go either way; everything else must match, and a
 * HOST_CHAR points into the word.
 */
static void
check_host(const char *s, unsigned variant)
{
	char		 inner[WORD_MAX + 1], a6[WORD_MAX + 1];
	unsigned char	 bin[16];
	const char	*pct, *p;
	size_t		 n = strlen(s), len, n6, bad = SIZE_MAX;
	bool		 ok = true, either = false;
	int		 r;

	(void)variant;
	if (n > 0 && s[0] == '[') {
		/* Well formed only as "[" INNER "]" with no other "]". */
		ok = n >= 2 && s[n - 1] == ']' && strchr(s, ']') == s + n - 1;
		len = n >= 2 ? n - 2 : 0;
		memcpy(inner, s + 1, len);
	} else {
		len = n;
		memcpy(inner, s, len);
	}
	inner[len] = '\0';
	if (len == 0)
		ok = false;
	else if (strchr(inner, ':') != NULL) {
		pct = strchr(inner, '%');
		n6 = pct != NULL ? (size_t)(pct - inner) : len;
		memcpy(a6, inner, n6);
		a6[n6] = '\0';
		ok = ok && inet_pton(AF_INET6, a6, bin) == 1;
		if (pct != NULL) {
			either = pct[1] == '\0';	/* an empty zone */
			for (p = pct + 1; *p != '\0'; p++)
				ok = ok && host_byte((unsigned char)*p);
		}
	} else {
		for (p = inner; *p != '\0'; p++)
			ok = ok && host_byte((unsigned char)*p);
	}
	/* The length limit holds for every form; brackets may count. */
	if (len > 254 || (len == 254 && inner[253] != '.'))
		ok = false;
	if (n != len && n > 253)
		either = true;
	r = parse_host(s, &bad);
	FUZZ_CHECK(r == HOST_OK || r == HOST_EMPTY || r == HOST_TOO_LONG ||
	    r == HOST_BRACKET || r == HOST_CHAR || r == HOST_IPV6,
	    "parse_host(\"%s\") = %d, no verdict", s, r);
	if (either)
		return;
	FUZZ_CHECK((r == HOST_OK) == ok, "parse_host(\"%s\") = %d, the "
	    "grammar says %s", s, r, ok ? "yes" : "no");
	if (r == HOST_CHAR)
		FUZZ_CHECK(bad < n, "parse_host(\"%s\"): bad byte at %zu, past "
		    "the end", s, bad);
}

static const struct {
	const char	*name;
	void		(*check)(const char *, unsigned);
} cases[] = {
	{ "number", check_number },
	{ "time", check_time },
	{ "tos", check_tos },
	{ "hostport", check_hostport },
	{ "port", check_port },
	{ "range", check_range },
	{ "host", check_host },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	word[WORD_MAX + 1];
	size_t	n;

	if (size < 2)
		return 0;
	n = size - 2 < WORD_MAX ? size - 2 : WORD_MAX;
	memcpy(word, data + 2, n);
	word[n] = '\0';
	cases[data[0] % (sizeof(cases) / sizeof(cases[0]))].check(word,
	    data[1]);
	return 0;
}
