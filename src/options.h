/*
 * options.h: struct options, the only home of the command-line flags.
 * opt_parse() fills it once; everyone else reads it through a const
 * pointer.
 */
#ifndef SOCKCAT_OPTIONS_H
#define SOCKCAT_OPTIONS_H

#include <stdbool.h>

#include "acl.h"
#include "util.h"

enum mode {
	MODE_CONNECT,
	MODE_LISTEN,
	MODE_SCAN
};

/* -X: the proxy's protocol. */
enum {
	PROXY_UNSET,		/* no -X: SOCKS 5 once -x is given */
	PROXY_SOCKS5,
	PROXY_SOCKS4,
	PROXY_CONNECT
};

struct options {
	enum mode	 mode;
	int		 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	int		 socktype;	/* SOCK_STREAM, SOCK_DGRAM */
	int		 protocol;	/* 0, or IPPROTO_DCCP under -Z */
	bool		 unixsock;	/* -U */
	bool		 dccp;		/* -Z */

	const char	*host;		/* connect: HOST; listen: ADDR or NULL */
	const char	*port;		/* connect/listen port; -U: unused */
	const char	*path;		/* -U PATH */
	const char	*source;	/* -s ADDR (or PATH with -U -u) */
	const char	*source_port;	/* -p PORT in connect mode */
	long		 source_port_lo; /* -p as numbers: LO-HI, or PORT */
	long		 source_port_hi;	/* twice */

	bool		 keep_open;	/* -k, or implied by --fork/--broker */
	bool		 fork;		/* --fork */
	const char	*exec;		/* -e PROG [ARGS], split on blanks */
	const char	*sh_exec;	/* -c CMD, run by /bin/sh -c */
	bool		 broker;	/* --broker, or implied by --chat */
	bool		 chat;		/* --chat */
	long		 max_conns;	/* --max-conns; 0: no limit */
	struct acl	 acl;		/* --allow, --deny */

	char		**port_words;	/* -z: the PORT words, ranges allowed */
	int		 nport_words;
	bool		 randomize;	/* -r */
	long		 max_parallel;	/* --max-parallel; 0: the default */
	bool		 scan_csv;	/* --scan-format=csv */

	bool		 nodns;		/* -n */
	long		 wait_ms;	/* -w; -1: none */
	long		 retry_ms;	/* --retry; 0: none */
	long		 idle_timeout_ms; /* --idle-timeout; -1: none */
	long		 interval_ms;	/* -i; 0: none */
	long		 quit_after_eof_ms; /* -q; 0 (UDP: at once), -1: wait for the peer */
	bool		 shutdown_on_eof; /* -N, or implied by -q */
	bool		 quit_after_eof; /* -q given */
	bool		 no_stdin;	/* -d or --recv-only */
	bool		 send_only;	/* --send-only */
	bool		 recv_only;	/* --recv-only */
	bool		 crlf;		/* -C */
	bool		 telnet;	/* -t */
	const char	*hex_dump;	/* -o FILE */
	const char	*output;	/* --output FILE */
	long		 recv_limit;	/* -W; 0: none */

	bool		 broadcast;	/* -b */
	int		 recv_buf;	/* -I; 0: system default */
	int		 send_buf;	/* -O */
	int		 tos;		/* -T; -1: unset */
	int		 ttl;		/* -M; -1: unset */
	int		 min_ttl;	/* -m; -1: unset */
	bool		 debug;		/* -D */
	bool		 pass_fd;	/* -F */
	char		*proxy_arg;	/* -x's copy, split in place */
	const char	*proxy_host;	/* -x ADDR; NULL: no proxy */
	const char	*proxy_port;	/* -x's PORT, or the type's default */
	int		 proxy_type;	/* -X */
	const char	*proxy_user;	/* -P USER[:PASSWORD] */
};

/* Parse argv into *opt; usage errors print one line and exit 2. */
void	opt_parse(struct options *, int, char *[]);

/* Free what opt_parse() allocated. */
void	opt_free(struct options *);

/*
 * A usage error: one line "sockcat: MESSAGE. Try 'sockcat --help'", and
 * exit 2.  Only the option files (options.c, optcheck.c) call it.
 */
void	usage_error(const char *, ...) SC_PRINTF(1, 2) SC_NORETURN;

/* Conflicts and needs between options (optcheck.c): usage errors. */
void	opt_check(const struct options *);

/*
 * HOST (or a listener's ADDR), -s and -x's address checked by
 * parse_host(), once the operands are taken: usage errors (optcheck.c).
 */
void	opt_check_hosts(const struct options *);

/* The protocol's name for messages: "tcp", "udp", "unix" or "dccp". */
const char	*opt_proto(const struct options *);

#endif
