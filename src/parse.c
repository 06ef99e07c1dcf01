/*
 * parse.c: the strict readers of option values: whole numbers, TIME
 * words, -T keywords and host syntax (brackets included).  They return
 * a verdict and never print or exit; cmdline.c turns a bad verdict into
 * a usage error.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

#define HOST_MAX	253	/* the longest DNS name, written out */

int
parse_number(const char *s, long min, long max, long *out)
{
	char	*end;
	long	 v;

	if (*s == '\0' || isspace((unsigned char)*s))
		return PARSE_SYNTAX;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*end != '\0')
		return PARSE_SYNTAX;
	if (errno == ERANGE || v < min || v > max)
		return PARSE_RANGE;
	*out = v;
	return PARSE_OK;
}

/*
 * (int.frac) * 10^shift * mul, exactly, into *ms rounded half up; a value
 * above zero is at least 1.  int and frac are runs of digits of the given
 * lengths.  Returns PARSE_OK or PARSE_RANGE (over INT_MAX).
 */
static int
time_value(const char *ip, size_t ilen, const char *fp, size_t flen,
    int shift, long mul, long *ms)
{
	long long	whole = 0;
	long		carry = 0, t;
	size_t		i;
	int		round = 0, nonzero = 0, past = 0;

	/* The integer part and the first shift fraction digits. */
	for (i = 0; i < ilen + (size_t)shift; i++) {
		t = i < ilen ? ip[i] - '0' : i - ilen < flen ?
		    fp[i - ilen] - '0' : 0;
		nonzero |= t != 0;
		whole = whole * 10 + t;
		if (whole > INT_MAX)
			return PARSE_RANGE;
	}
	/* The rest of the fraction times mul, by long multiplication. */
	for (i = flen; i > (size_t)shift; i--) {
		t = (fp[i - 1] - '0') * mul + carry;
		nonzero |= fp[i - 1] != '0';
		carry = t / 10;
		past |= t % 10 != 0;	/* a fraction of a ms is left */
		round = t % 10 >= 5;	/* the first fraction digit, at last */
	}
	whole = whole * mul + carry;
	/* Out of range is the exact value's verdict, not the rounded one's. */
	if (whole > INT_MAX || (whole == INT_MAX && past))
		return PARSE_RANGE;
	whole += round;
	*ms = whole == 0 && nonzero ? 1 : (long)whole;
	return PARSE_OK;
}

int
parse_time_ms(const char *s, int allow_negative, long *out)
{
	const char	*p = s, *ip, *fp = "";
	size_t		 ilen, flen = 0;
	int		 negative = 0;

	if (*p == '-' && allow_negative) {
		negative = 1;
		p++;
	}
	for (ip = p; isdigit((unsigned char)*p); p++)
		;
	ilen = (size_t)(p - ip);
	if (*p == '.') {
		for (fp = ++p; isdigit((unsigned char)*p); p++)
			;
		flen = (size_t)(p - fp);
	}
	if (ilen + flen == 0)
		return PARSE_SYNTAX;
	if (strcmp(p, "ms") != 0 && strcmp(p, "m") != 0 &&
	    strcmp(p, "h") != 0 && strcmp(p, "s") != 0 && *p != '\0')
		return PARSE_SYNTAX;
	if (negative) {
		*out = -1;
		return PARSE_OK;
	}
	/* Milliseconds: the fraction's first three digits for s, m and h. */
	if (strcmp(p, "ms") == 0)
		return time_value(ip, ilen, fp, flen, 0, 1, out);
	return time_value(ip, ilen, fp, flen, 3, strcmp(p, "m") == 0 ? 60 :
	    strcmp(p, "h") == 0 ? 3600 : 1, out);
}

int
parse_tos(const char *s)
{
	static const struct {
		const char	*name;
		int		 value;
	} names[] = {
		{ "af11", 0x28 }, { "af12", 0x30 }, { "af13", 0x38 },
		{ "af21", 0x48 }, { "af22", 0x50 }, { "af23", 0x58 },
		{ "af31", 0x68 }, { "af32", 0x70 }, { "af33", 0x78 },
		{ "af41", 0x88 }, { "af42", 0x90 }, { "af43", 0x98 },
		{ "critical", 0xa0 },
		{ "cs0", 0x00 }, { "cs1", 0x20 }, { "cs2", 0x40 },
		{ "cs3", 0x60 }, { "cs4", 0x80 }, { "cs5", 0xa0 },
		{ "cs6", 0xc0 }, { "cs7", 0xe0 },
		{ "ef", 0xb8 },
		{ "inetcontrol", 0xc0 },
		{ "lowcost", 0x02 },
		{ "lowdelay", 0x10 },
		{ "netcontrol", 0xe0 },
		{ "reliability", 0x04 },
		{ "throughput", 0x08 },
		{ "va", 0xb0 }
	};
	const char	*digits;
	long		 v;
	size_t		 i;
	int		 hex;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].value;
	/* Decimal, or hexadecimal after 0x: never octal (nc.openbsd). */
	hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	digits = hex ? s + 2 : s;
	for (i = 0; i < 8 && digits[i] != '\0'; i++)
		if (!(hex ? isxdigit : isdigit)((unsigned char)digits[i]))
			return -1;
	if (i == 0 || i == 8)
		return -1;
	v = strtol(digits, NULL, hex ? 16 : 10);
	return v <= 255 ? (int)v : -1;
}

int
parse_hostport(char *s, char **host, char **port)
{
	char	*colon, *end;

	*host = s;
	*port = NULL;
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end == s + 1)
			return -1;
		*end = '\0';
		*host = s + 1;
		if (end[1] == '\0')
			return 0;
		if (end[1] != ':' || end[2] == '\0')
			return -1;
		*port = end + 2;
		return 0;
	}
	if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		if (colon == s || colon[1] == '\0')
			return -1;
		*colon = '\0';
		*port = colon + 1;
	}
	return s[0] == '\0' ? -1 : 0;
}

/* What a name, an IPv4 address or an IPv6 zone is made of. */
static bool
host_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/* len bytes with a colon among them: IPv6, and perhaps "%zone". */
static int
host_ipv6(const char *s, size_t len)
{
	struct in6_addr	 a6;
	char		 addr[INET6_ADDRSTRLEN];
	const char	*pct = memchr(s, '%', len);
	size_t		 alen = pct != NULL ? (size_t)(pct - s) : len, i;

	if (alen >= sizeof(addr))
		return HOST_IPV6;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (inet_pton(AF_INET6, addr, &a6) != 1)
		return HOST_IPV6;
	if (pct == NULL)
		return HOST_OK;
	if (alen + 1 == len)
		return HOST_IPV6;		/* "%" and no zone */
	for (i = alen + 1; i < len; i++)
		if (!host_char((unsigned char)s[i]))
			return HOST_IPV6;
	return HOST_OK;
}

/* The host proper, len bytes at s, which sit at offset off of the word. */
static int
host_body(const char *s, size_t len, size_t off, size_t *bad)
{
	bool	colon = memchr(s, ':', len) != NULL;
	size_t	i;

	if (len == 0)
		return HOST_EMPTY;
	/* A stray byte is named as such, even in what looks like IPv6. */
	for (i = 0; i < len; i++)
		if (!host_char((unsigned char)s[i]) &&
		    !(colon && (s[i] == ':' || s[i] == '%'))) {
			*bad = off + i;
			return HOST_CHAR;
		}
	return colon ? host_ipv6(s, len) : HOST_OK;
}

int
parse_host(const char *s, size_t *bad)
{
	const char	*close;
	size_t		 len = strlen(s), unused;

	if (bad == NULL)
		bad = &unused;
	*bad = 0;
	if (len == 0)
		return HOST_EMPTY;
	if (len > HOST_MAX + (s[len - 1] == '.'))
		return HOST_TOO_LONG;
	if (s[0] != '[')
		return host_body(s, len, 0, bad);
	if ((close = strchr(s, ']')) == NULL)
		return HOST_BRACKET;
	if (close[1] != '\0') {
		*bad = (size_t)(close - s) + 1;
		return HOST_CHAR;
	}
	return host_body(s + 1, (size_t)(close - s) - 1, 1, bad);
}

bool
parse_unbracket(const char *s, size_t *len)
{
	size_t	n = strlen(s);

	if (n <= 2 || s[0] != '[' || s[n - 1] != ']')
		return false;
	*len = n - 2;
	return true;
}
