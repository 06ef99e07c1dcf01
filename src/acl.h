/*
 * acl.h: --allow and --deny: address and CIDR lists, and the verdict for
 * a client's address.
 */
#ifndef SOCKCAT_ACL_H
#define SOCKCAT_ACL_H

#include <sys/types.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>

struct acl_rule {
	int		family;		/* AF_INET or AF_INET6 */
	unsigned char	addr[16];	/* network order, masked */
	int		prefix;		/* bits that must match */
	bool		deny;
};

struct acl {
	struct acl_rule	*rules;
	size_t		 len;
	size_t		 cap;
	bool		 has_allow;	/* any --allow: others are refused */
};

/*
 * Add a comma-separated list of numeric addresses or CIDR blocks, IPv4
 * or IPv6 (127.0.0.0/8,::1), as allow or deny rules.  Returns 0, or -1
 * with *bad pointing at the word that is not an address (it lives in
 * a static buffer until the next call).
 */
int	acl_add(struct acl *, const char *, bool, const char **);

/*
 * May this client in?  A deny match refuses; with allow rules, only a
 * match lets in; with neither, everyone.  IPv4-mapped IPv6 addresses
 * are matched as the IPv4 address they carry.
 */
bool	acl_allows(const struct acl *, const struct sockaddr *);

/* Free the rules. */
void	acl_free(struct acl *);

#endif
