/*
 * options.h: struct options, the only home of the command-line flags,
 * and nothing else (no functions: every module may include it).
 * cmdline.c's opt_parse() fills it once, in stages (raw values, implied
 * fields, the conflict table, the operands); everyone else reads it
 * through a const pointer.
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

/* How a listener serves its clients; the normalize step picks one. */
enum serve_mode {
	SERVE_ONCE,		/* a stream listener's first client only */
	SERVE_KEEP,		/* -k: one client after another */
	SERVE_FORK,		/* --fork: a child process for each client */
	SERVE_BROKER,		/* --broker: every client in one select() */
	SERVE_CHAT,		/* --chat: the broker, lines prefixed */
	SERVE_DGRAM_FIRST,	/* -u: the first peer's datagrams only */
	SERVE_DGRAM_ANY		/* -u -k: datagrams from any peer */
};

/* --format: how results and events are written. */
enum format {
	FORMAT_TEXT,		/* the -v lines only */
	FORMAT_CSV,		/* -z: host,port,proto,state lines */
	FORMAT_JSON		/* JSON lines: -z results, events */
};

/* -X: the proxy's protocol. */
enum {
	PROXY_UNSET,		/* no -X: SOCKS 5 once -x is given */
	PROXY_SOCKS5,
	PROXY_SOCKS4,
	PROXY_CONNECT
};

/* --progress: off, on when stderr is a terminal, or always (=force). */
enum {
	PROGRESS_OFF,
	PROGRESS_TTY,
	PROGRESS_FORCE
};

struct options {
	/* Raw: what getopt_long found, as given. */
	bool		 listen;	/* -l */
	bool		 zero_io;	/* -z */
	bool		 udp;		/* -u */
	bool		 unixsock;	/* -U */
	bool		 dccp;		/* -Z */
	int		 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	const char	*source;	/* -s ADDR (or PATH with -U -u) */
	const char	*source_port;	/* -p PORT, LO-HI or a service */

	bool		 fork;		/* --fork */
	bool		 chat;		/* --chat */
	const char	*exec;		/* -e PROG [ARGS], split on blanks */
	const char	*sh_exec;	/* -c CMD, run by /bin/sh -c */
	long		 max_conns;	/* --max-conns; 0: no limit */
	struct acl	 acl;		/* --allow, --deny */
	const char	*port_file;	/* --port-file FILE */
	int		 ready_fd;	/* --ready-fd N; -1: none */
	long		 accept_timeout_ms; /* --accept-timeout; -1: none */

	bool		 randomize;	/* -r */
	long		 max_parallel;	/* --max-parallel; 0: the default */
	bool		 scan_csv;	/* --scan-format=csv given */
	enum format	 format;	/* --format, or --scan-format */
	bool		 exit_detail;	/* --exit-detail */

	bool		 nodns;		/* -n */
	long		 wait_ms;	/* -w; -1: none */
	long		 retry_ms;	/* --retry; 0: none */
	long		 idle_timeout_ms; /* --idle-timeout; -1: none */
	long		 interval_ms;	/* -i; 0: none */
	long		 quit_after_eof_ms; /* -q; 0 (UDP: at once), -1:
					       wait for the peer */
	bool		 quit_after_eof; /* -q given */
	bool		 no_shutdown;	/* --no-shutdown: the default said */
	bool		 send_only;	/* --send-only */
	bool		 recv_only;	/* --recv-only */
	bool		 crlf;		/* -C */
	bool		 telnet;	/* -t */
	const char	*hex_dump;	/* -o FILE */
	const char	*output;	/* --output FILE */
	long		 recv_limit;	/* -W; 0: none */
	bool		 no_splice;	/* --no-splice, SOCKCAT_NO_SPLICE */
	int		 progress;	/* --progress[=force]: PROGRESS_* */
	long long	 rate;		/* --rate: bytes/s sent; 0: none */
	long long	 rate_recv;	/* --rate-recv: bytes/s received */
	bool		 digest;	/* --digest */

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
	const char	*proxy_user;	/* -P USER[:PASSWORD] */

	/* Raw, then completed by the normalize step. */
	bool		 keep_open;	/* -k, or --fork, --broker, --chat */
	bool		 broker;	/* --broker, or --chat */
	bool		 no_stdin;	/* -d, or --recv-only */
	bool		 shutdown_on_eof; /* -N, or -q */
	int		 proxy_type;	/* -X, or SOCKS 5 once -x is given */
	const char	*proxy_port;	/* -x's PORT, or the type's default */

	/* Implied: set once by the normalize step. */
	enum mode	 mode;		/* -l, -z, or connect */
	enum serve_mode	 serve;		/* with -l: the listener's strategy */
	int		 socktype;	/* SOCK_STREAM, SOCK_DGRAM, SOCK_DCCP */
	int		 protocol;	/* 0, or IPPROTO_DCCP under -Z */
	const char	*proto;		/* "tcp", "udp", "unix" or "dccp" */
	const char	*port_proto;	/* "tcp" or "udp": for service names */
	bool		 program;	/* -e or -c: a program has the socket */
	long		 idle_ms;	/* -w or --idle-timeout, the less
					   of those above 0; 0: none */

	/* The operands, by role: each field means one thing in every mode. */
	const char	*host;		/* the peer's HOST (connect, -z) */
	const char	*port;		/* the peer's PORT (connect); or NULL */
	const char	*listen_host;	/* -l: ADDR, or -s; NULL: any address */
	const char	*listen_port;	/* -l: PORT, or -p */
	const char	*path;		/* -U PATH, either way */
	char		**port_words;	/* -z: the PORT words, ranges allowed */
	int		 nport_words;
	long		 source_port_lo; /* a client's -p: the first port, */
	long		 source_port_hi; /* the last (= lo for one PORT) */
};

#endif
