/*
 * acl.c: --allow/--deny lists parsed into masked network prefixes, and
 * the verdict for one address.  Numeric addresses only: a list never
 * asks DNS.  It knows nothing of sockets beyond their addresses.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "util.h"

/* An IPv6 address that stands for an IPv4 one: ::ffff:a.b.c.d. */
static const unsigned char	v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* Keep only the first prefix bits of addr. */
static void
mask(unsigned char *addr, int len, int prefix)
{
	int	i;

	for (i = 0; i < len; i++) {
		if (prefix >= 8)
			prefix -= 8;
		else {
			addr[i] &= (unsigned char)(0xff << (8 - prefix));
			prefix = 0;
		}
	}
}

/* One word, "ADDR" or "ADDR/BITS", into a rule; -1 if it is neither. */
static int
parse_rule(const char *word, bool deny, struct acl_rule *r)
{
	char	 text[INET6_ADDRSTRLEN + 8], *slash, *end;
	long	 bits;
	int	 max;

	if (strlen(word) >= sizeof(text) || *word == '\0')
		return -1;
	(void)strcpy(text, word);
	if ((slash = strchr(text, '/')) != NULL)
		*slash++ = '\0';
	memset(r, 0, sizeof(*r));
	r->deny = deny;
	if (inet_pton(AF_INET, text, r->addr) == 1) {
		r->family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, text, r->addr) == 1) {
		r->family = AF_INET6;
		max = 128;
	} else
		return -1;
	r->prefix = max;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		bits = strtol(slash, &end, 10);
		if (*end != '\0' || bits < 0 || bits > max)
			return -1;
		r->prefix = (int)bits;
	}
	/* ::ffff:a.b.c.d/N (N >= 96): the IPv4 rule a.b.c.d/N-96, for the
	 * peers it could name are matched as IPv4 (acl_allows()). */
	if (r->family == AF_INET6 && r->prefix >= 96 &&
	    memcmp(r->addr, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(r->addr, r->addr + sizeof(v4mapped), 4);
		r->family = AF_INET;
		r->prefix -= 96;
		max = 32;
	}
	mask(r->addr, max / 8, r->prefix);
	return 0;
}

int
acl_add(struct acl *acl, const char *list, bool deny, const char **bad)
{
	static char	 word[128];
	const char	*p = list, *comma;
	size_t		 n;

	do {
		comma = strchr(p, ',');
		n = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof(word))
			n = sizeof(word) - 1;
		memcpy(word, p, n);
		word[n] = '\0';
		if (acl->len == acl->cap) {
			acl->cap = acl->cap != 0 ? acl->cap * 2 : 8;
			acl->rules = xreallocarray(acl->rules, acl->cap,
			    sizeof(*acl->rules));
		}
		if (parse_rule(word, deny, &acl->rules[acl->len]) == -1) {
			*bad = word;
			return -1;
		}
		acl->len++;
		if (!deny)
			acl->has_allow = true;
		p = comma != NULL ? comma + 1 : NULL;
	} while (p != NULL);
	return 0;
}

static bool
matches(const struct acl_rule *r, int family, const unsigned char *addr)
{
	unsigned char	a[16];
	int		len = family == AF_INET ? 4 : 16;

	if (r->family != family)
		return false;
	memcpy(a, addr, (size_t)len);
	mask(a, len, r->prefix);
	return memcmp(a, r->addr, (size_t)len) == 0;
}

bool
acl_allows(const struct acl *acl, const struct sockaddr *sa)
{
	const unsigned char		*addr;
	bool				 allowed;
	size_t				 i;
	int				 family = sa->sa_family;

	if (acl->len == 0)
		return true;
	if (family == AF_INET)
		addr = (const unsigned char *)
		    &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (family == AF_INET6) {
		addr = (const unsigned char *)
		    &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
		if (memcmp(addr, v4mapped, sizeof(v4mapped)) == 0) {
			family = AF_INET;
			addr += sizeof(v4mapped);
		}
	} else
		return !acl->has_allow;	/* Unix peers have no address */
	allowed = !acl->has_allow;
	for (i = 0; i < acl->len; i++) {
		if (!matches(&acl->rules[i], family, addr))
			continue;
		if (acl->rules[i].deny)
			return false;
		allowed = true;
	}
	return allowed;
}

void
acl_free(struct acl *acl)
{
	free(acl->rules);
	memset(acl, 0, sizeof(*acl));
}
