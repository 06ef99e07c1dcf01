/*
 * fuzz/acl.c: --allow/--deny (src/acl.c) against a prefix matcher
 * written here, bit by bit.  Two modes, by byte 0's low bit:
 *
 * - rules: the input describes up to 8 rules (IPv4, IPv6 compressed or
 *   in full, IPv4-mapped IPv6; a prefix or none, sometimes with a leading
 *   zero), written out as lists for acl_add(), then client addresses
 *   (IPv4, IPv6, IPv4-mapped IPv6, Unix, or a rule's address with one bit
 *   flipped) whose verdict must be the model's: any deny match refuses;
 *   with allow rules only a match lets in; IPv4-mapped clients are
 *   matched as IPv4 (acl.h), and a rule written in the mapped form with
 *   a prefix of 96 or more is the IPv4 rule it spells (tests/acl.bats).
 * - text: the input is a list; acl_add() must take it exactly when each
 *   comma-separated word is ADDR or ADDR/BITS, ADDR numeric as
 *   inet_pton(3) reads it, BITS decimal digits within the family's width,
 *   and must name the first bad word when it refuses.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"

#include "fuzz.h"

#define RULES_MAX	8
#define LIST_MAX	1024

struct mrule {
	int		bits;		/* 32 or 128 */
	uint8_t		addr[16];
	int		prefix;
	bool		deny;
};

struct input {
	const uint8_t	*p;
	size_t		 left;
};

static uint8_t
take(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static bool
same_prefix(const uint8_t *a, const uint8_t *b, int bits)
{
	int	i;

	for (i = 0; i < bits; i++)
		if (((a[i / 8] >> (7 - i % 8)) & 1) !=
		    ((b[i / 8] >> (7 - i % 8)) & 1))
			return false;
	return true;
}

/* The first 96 bits of an IPv4-mapped IPv6 address. */
static const uint8_t	mapped_pre[12] = { [10] = 0xff, [11] = 0xff };

/* The verdict for a client of bits 32 or 128 (a mapped one as 32). */
static bool
model_allows(const struct mrule *r, size_t n, int bits, const uint8_t *a)
{
	const uint8_t	*ra;
	bool		 has_allow = false, allowed_match = false;
	size_t		 i;
	int		 rbits, rprefix;

	for (i = 0; i < n; i++) {
		has_allow |= !r[i].deny;
		rbits = r[i].bits;
		ra = r[i].addr;
		rprefix = r[i].prefix;
		if (rbits == 128 && rprefix >= 96 &&
		    memcmp(ra, mapped_pre, sizeof(mapped_pre)) == 0) {
			rbits = 32;
			ra += sizeof(mapped_pre);
			rprefix -= 96;
		}
		if (rbits != bits || !same_prefix(ra, a, rprefix))
			continue;
		if (r[i].deny)
			return false;
		allowed_match = true;
	}
	return !has_allow || allowed_match;
}

/* A rule as text, in one of the forms a user may write. */
static void
rule_text(const struct mrule *r, bool full, bool zero, bool slash,
    char *out, size_t len)
{
	char	a[INET6_ADDRSTRLEN];
	size_t	n;
	int	i;

	if (r->bits == 32)
		(void)inet_ntop(AF_INET, r->addr, a, sizeof(a));
	else if (full) {
		for (i = 0, n = 0; i < 8; i++)
			n += (size_t)snprintf(a + n, sizeof(a) - n, "%s%x",
			    i ? ":" : "",
			    r->addr[2 * i] << 8 | r->addr[2 * i + 1]);
	} else
		(void)inet_ntop(AF_INET6, r->addr, a, sizeof(a));
	if (slash)
		(void)snprintf(out, len, "%s/%s%d", a, zero ? "0" : "",
		    r->prefix);
	else
		(void)snprintf(out, len, "%s", a);
}

static void
check_query(const struct acl *acl, const struct mrule *r, size_t n,
    struct input *in)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;
	uint8_t			 a[16], q = take(in), flip;
	const struct mrule	*from;
	bool			 mapped, got, want;
	int			 bits, i;
	char			 text[INET6_ADDRSTRLEN];

	memset(&ss, 0, sizeof(ss));
	memset(a, 0, sizeof(a));
	if (q == 0xff) {			/* a Unix client */
		ss.ss_family = AF_UNIX;
		got = acl_allows(acl, (struct sockaddr *)&ss);
		want = model_allows(r, n, 0, a);
		FUZZ_CHECK(got == want, "a Unix client: %d, not %d", got, want);
		return;
	}
	mapped = (q & 4) != 0;
	if ((q & 3) == 3 && n > 0) {		/* near a rule's address */
		from = &r[take(in) % n];
		bits = from->bits;
		memcpy(a, from->addr, sizeof(a));
		flip = take(in);
		if (flip < bits)
			a[flip / 8] ^= (uint8_t)(0x80 >> flip % 8);
	} else {
		bits = (q & 1) ? 128 : 32;
		for (i = 0; i < bits / 8; i++)
			a[i] = take(in);
	}
	if (bits == 32 && !mapped) {
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, a, 4);
	} else {
		s6->sin6_family = AF_INET6;
		if (bits == 32) {
			s6->sin6_addr.s6_addr[10] = 0xff;
			s6->sin6_addr.s6_addr[11] = 0xff;
			memcpy(&s6->sin6_addr.s6_addr[12], a, 4);
		} else
			memcpy(&s6->sin6_addr, a, 16);
	}
	got = acl_allows(acl, (struct sockaddr *)&ss);
	if (ss.ss_family == AF_INET6) {
		/* A mapped client is its IPv4 address, however it came. */
		if (memcmp(s6->sin6_addr.s6_addr, mapped_pre,
		    sizeof(mapped_pre)) == 0) {
			bits = 32;
			memmove(a, &s6->sin6_addr.s6_addr[12], 4);
		}
	}
	want = model_allows(r, n, bits, a);
	(void)inet_ntop(ss.ss_family, ss.ss_family == AF_INET ?
	    (void *)&s4->sin_addr : (void *)&s6->sin6_addr, text, sizeof(text));
	FUZZ_CHECK(got == want, "client %s: %s, the model says %s", text,
	    got ? "allowed" : "refused", want ? "allowed" : "refused");
}

static void
fuzz_rules(struct input *in)
{
	struct mrule	 r[RULES_MAX];
	struct acl	 acl;
	const char	*bad = NULL;
	char		 list[LIST_MAX], word[64];
	size_t		 n, i, len = 0;
	uint8_t		 f;
	int		 form, queries = 0;

	memset(&acl, 0, sizeof(acl));
	n = take(in) % (RULES_MAX + 1);
	for (i = 0; i < n; i++) {
		f = take(in);
		memset(&r[i], 0, sizeof(r[i]));
		r[i].deny = f & 1;
		form = f >> 1 & 3;		/* v4, v6, v6 in full, mapped */
		r[i].bits = form == 0 ? 32 : 128;
		if (form == 3) {
			r[i].addr[10] = r[i].addr[11] = 0xff;
			for (int k = 12; k < 16; k++)
				r[i].addr[k] = take(in);
		} else
			for (int k = 0; k < r[i].bits / 8; k++)
				r[i].addr[k] = take(in);
		r[i].prefix = f & 8 ? take(in) % (r[i].bits + 1) : r[i].bits;
		rule_text(&r[i], form == 2, f & 16, (f & 8) != 0 || (f & 32),
		    word, sizeof(word));
		/* A new list when asked, or when allow/deny changes. */
		if (len > 0 && ((f & 64) || r[i].deny != r[i - 1].deny)) {
			FUZZ_CHECK(acl_add(&acl, list, r[i - 1].deny,
			    &bad) == 0, "\"%s\" refused at \"%s\"", list, bad);
			len = 0;
		}
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    len ? "," : "", word);
	}
	if (len > 0)
		FUZZ_CHECK(acl_add(&acl, list, r[n - 1].deny, &bad) == 0,
		    "\"%s\" refused at \"%s\"", list, bad);
	FUZZ_CHECK(acl.len == n, "%zu rules kept of %zu", acl.len, n);
	while (in->left > 0 && queries++ < 64)
		check_query(&acl, r, n, in);
	acl_free(&acl);
}

/* One word as the grammar reads it: 0 if it is a rule. */
static int
word_ok(const char *w, size_t n)
{
	char		 a[LIST_MAX];
	uint8_t		 bin[16];
	const char	*slash = memchr(w, '/', n);
	size_t		 alen = slash != NULL ? (size_t)(slash - w) : n, i;
	long		 max, bits = 0;

	if (n == 0 || memchr(w, '\0', n) != NULL)
		return -1;
	memcpy(a, w, alen);
	a[alen] = '\0';
	if (inet_pton(AF_INET, a, bin) == 1)
		max = 32;
	else if (inet_pton(AF_INET6, a, bin) == 1)
		max = 128;
	else
		return -1;
	if (slash == NULL)
		return 0;
	if (n - alen - 1 == 0)
		return -1;
	for (i = alen + 1; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return -1;
		if (bits <= max)
			bits = bits * 10 + (w[i] - '0');
	}
	return bits <= max ? 0 : -1;
}

static void
fuzz_text(struct input *in)
{
	struct acl	 acl;
	char		 list[LIST_MAX];
	const char	*bad = NULL, *w, *comma;
	size_t		 n = in->left < LIST_MAX - 1 ? in->left : LIST_MAX - 1;
	size_t		 wlen;
	bool		 deny = n > 0 && (in->p[0] & 1);
	int		 r, want = 0;

	memcpy(list, in->p, n);
	list[n] = '\0';
	n = strlen(list);
	/* The first bad word, if any. */
	for (w = list;; w = comma + 1) {
		comma = strchr(w, ',');
		wlen = comma != NULL ? (size_t)(comma - w) : strlen(w);
		if (word_ok(w, wlen) != 0) {
			want = -1;
			break;
		}
		if (comma == NULL)
			break;
	}
	memset(&acl, 0, sizeof(acl));
	r = acl_add(&acl, list, deny, &bad);
	/* Past 53 bytes a word may be refused, however good. */
	FUZZ_CHECK(r == want || (r == -1 && bad != NULL && strlen(bad) > 53),
	    "acl_add(\"%s\") = %d, not %d", list, r, want);
	if (r == -1 && want == -1) {
		if (wlen > 127)
			wlen = 127;
		FUZZ_CHECK((strlen(bad) == wlen && memcmp(bad, w, wlen) == 0) ||
		    strlen(bad) > 53,
		    "acl_add(\"%s\") names \"%s\", not \"%.*s\"", list, bad,
		    (int)wlen, w);
	}
	acl_free(&acl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input	in = { data, size };

	if (size == 0)
		return 0;
	if (take(&in) & 1)
		fuzz_text(&in);
	else
		fuzz_rules(&in);
	return 0;
}
