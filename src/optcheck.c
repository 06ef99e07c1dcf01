/*
 * optcheck.c: what the options need of each other and what cannot go
 * together, in one table; then the operands, ports and host words.  The
 * lower layer of cmdline.c, run after its normalize step; each finding
 * is a usage error.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "optcheck.h"
#include "options.h"
#include "parse.h"
#include "usage.h"
#include "util.h"

/*
 * What a command line has: one bit each, for the table's rows (64 bits:
 * uint64_t, so the constants are macros, not enum constants).
 */
#define FACT(n)		(UINT64_C(1) << (n))
#define F_LISTEN	FACT(0)	/* -l */
#define F_SCAN		FACT(1)	/* -z */
#define F_UDP		FACT(2)	/* -u */
#define F_UNIX		FACT(3)	/* -U */
#define F_DCCP		FACT(4)	/* -Z */
#define F_IPV4		FACT(5)	/* -4, the last of -4 and -6 */
#define F_IPV6		FACT(6)	/* -6, likewise */
#define F_SOURCE	FACT(7)	/* -s */
#define F_SOURCE_PORT	FACT(8)	/* -p */
#define F_KEEP		FACT(9)	/* -k, or what implies it */
#define F_FORK		FACT(10)	/* --fork */
#define F_BROKER	FACT(11)	/* --broker, or --chat */
#define F_CHAT		FACT(12)	/* --chat */
#define F_EXEC		FACT(13)	/* -e, the last of -e and -c */
#define F_SH_EXEC	FACT(14)	/* -c, likewise */
#define F_SEND_ONLY	FACT(15)	/* --send-only */
#define F_RECV_ONLY	FACT(16)	/* --recv-only */
#define F_NO_STDIN	FACT(17)	/* -d, or --recv-only */
#define F_HEX_DUMP	FACT(18)	/* -o */
#define F_OUTPUT	FACT(19)	/* --output */
#define F_MAX_CONNS	FACT(20)	/* --max-conns */
#define F_ACL		FACT(21)	/* --allow, --deny */
#define F_MAX_PARALLEL	FACT(22)	/* --max-parallel */
#define F_SCAN_FORMAT	FACT(23)	/* --scan-format */
#define F_PASS_FD	FACT(24)	/* -F */
#define F_PROXY		FACT(25)	/* -x */
#define F_PROXY_TYPE	FACT(26)	/* -X */
#define F_PROXY_AUTH	FACT(27)	/* -P */
#define F_RETRY		FACT(28)	/* --retry */
#define F_PORT_ARG	FACT(29)	/* a listener's PORT operand */
#define F_ADDR_ARG	FACT(30)	/* a listener's ADDR operand */
#define F_PORT_FILE	FACT(33)	/* --port-file */
#define F_READY_FD	FACT(34)	/* --ready-fd */
#define F_ACCEPT_TIMEOUT FACT(35)	/* --accept-timeout */
#define F_NO_SHUTDOWN	FACT(36)	/* --no-shutdown */
#define F_SHUTDOWN	FACT(41)	/* -N, or -q */
#define F_PROGRESS	FACT(32)	/* --progress */
#define F_FORMAT	FACT(39)	/* --format csv (or --scan-format) */
#define F_EXIT_DETAIL	FACT(40)	/* --exit-detail */
#define F_RATE		FACT(37)	/* --rate */
#define F_RATE_RECV	FACT(38)	/* --rate-recv */
#define F_DIGEST	FACT(31)	/* --digest */

/*
 * One row: when a command line has every fact of "given", it must have
 * one of "needs" (if any), and none of "conflicts".  Rows with operands
 * set wait until the operands are counted.  The first row broken is the
 * one reported, so the order is the order of the messages.
 */
struct rule {
	uint64_t	 given;
	uint64_t	 needs;
	uint64_t	 conflicts;
	bool		 operands;
	const char	*msg;
};

#define NEEDS(g, n, m)		{ (g), (n), 0, false, (m) }
#define CONFLICTS(g, c, m)	{ (g), 0, (c), false, (m) }
#define ARG_CONFLICTS(g, c, m)	{ (g), 0, (c), true, (m) }
#define PROGRAM_OWNS		" (the program owns the socket)"
/*
 * An option that needs the pump to see the bytes (a person's meter, a
 * rate, a digest): not where nothing passes, a program or another
 * process has the socket, or the broker moves the bytes.  F_BROKER is
 * set by --chat too, so --chat's row comes first.
 */
#define PUMPED(f, o) \
	CONFLICTS(f, F_SCAN, o " cannot be used with -z"), \
	CONFLICTS(f, F_EXEC, o " cannot be used with -e" PROGRAM_OWNS), \
	CONFLICTS(f, F_SH_EXEC, o " cannot be used with -c" PROGRAM_OWNS), \
	CONFLICTS(f, F_PASS_FD, o " cannot be used with -F"), \
	CONFLICTS(f, F_CHAT, o " cannot be used with --chat"), \
	CONFLICTS(f, F_BROKER, o " cannot be used with --broker")
#define FIRST_PEER		" (a program serves the first peer only)"

static const struct rule rules[] = {
	CONFLICTS(F_LISTEN, F_SCAN, "-l cannot be used with -z"),
	CONFLICTS(F_SEND_ONLY, F_RECV_ONLY,
	    "--send-only cannot be used with --recv-only"),
	CONFLICTS(F_SEND_ONLY, F_NO_STDIN,
	    "--send-only cannot be used with -d"),
	CONFLICTS(F_DCCP, F_UDP, "-Z cannot be used with -u"),
	CONFLICTS(F_DCCP, F_UNIX, "-Z cannot be used with -U"),
	CONFLICTS(F_UNIX, F_IPV4, "-U cannot be used with -4"),
	CONFLICTS(F_UNIX, F_IPV6, "-U cannot be used with -6"),
	NEEDS(F_UNIX | F_SOURCE, F_UDP,
	    "-s with -U needs -u (a datagram reply socket)"),
	/* The server modes. */
	NEEDS(F_FORK, F_LISTEN, "--fork needs -l"),
	NEEDS(F_CHAT, F_LISTEN, "--chat needs -l"),
	NEEDS(F_BROKER, F_LISTEN, "--broker needs -l"),
	NEEDS(F_KEEP, F_LISTEN, "-k needs -l"),
	NEEDS(F_FORK, F_EXEC | F_SH_EXEC | F_RECV_ONLY,
	    "--fork needs -e, -c or --recv-only"),
	CONFLICTS(F_CHAT, F_FORK, "--chat cannot be used with --fork"),
	CONFLICTS(F_BROKER, F_FORK, "--broker cannot be used with --fork"),
	CONFLICTS(F_CHAT, F_EXEC, "--chat cannot be used with -e"),
	CONFLICTS(F_CHAT, F_SH_EXEC, "--chat cannot be used with -c"),
	CONFLICTS(F_BROKER, F_EXEC, "--broker cannot be used with -e"),
	CONFLICTS(F_BROKER, F_SH_EXEC, "--broker cannot be used with -c"),
	CONFLICTS(F_HEX_DUMP, F_CHAT, "-o cannot be used with --chat"),
	CONFLICTS(F_HEX_DUMP, F_BROKER, "-o cannot be used with --broker"),
	CONFLICTS(F_OUTPUT, F_CHAT, "--output cannot be used with --chat"),
	CONFLICTS(F_OUTPUT, F_BROKER, "--output cannot be used with --broker"),
	CONFLICTS(F_CHAT, F_UDP, "--chat cannot be used with -u"),
	CONFLICTS(F_BROKER, F_UDP, "--broker cannot be used with -u"),
	NEEDS(F_MAX_CONNS, F_FORK | F_BROKER | F_KEEP,
	    "--max-conns needs --fork, --broker or -k"),
	NEEDS(F_MAX_CONNS, F_FORK | F_BROKER | F_EXEC | F_SH_EXEC,
	    "--max-conns with -k needs -e or -c"),
	NEEDS(F_PORT_FILE, F_LISTEN, "--port-file needs -l"),
	NEEDS(F_READY_FD, F_LISTEN, "--ready-fd needs -l"),
	NEEDS(F_ACCEPT_TIMEOUT, F_LISTEN, "--accept-timeout needs -l"),
	CONFLICTS(F_NO_SHUTDOWN, F_SHUTDOWN,
	    "--no-shutdown cannot be used with -N or -q"),
	NEEDS(F_ACL, F_LISTEN, "--allow and --deny need -l"),
	CONFLICTS(F_FORK, F_UDP, "--fork cannot be used with -u"),
	CONFLICTS(F_KEEP | F_UDP, F_EXEC,
	    "-k with -u cannot be used with -e" FIRST_PEER),
	CONFLICTS(F_KEEP | F_UDP, F_SH_EXEC,
	    "-k with -u cannot be used with -c" FIRST_PEER),
	CONFLICTS(F_HEX_DUMP, F_EXEC, "-o cannot be used with -e" PROGRAM_OWNS),
	CONFLICTS(F_HEX_DUMP, F_SH_EXEC,
	    "-o cannot be used with -c" PROGRAM_OWNS),
	CONFLICTS(F_OUTPUT, F_EXEC,
	    "--output cannot be used with -e" PROGRAM_OWNS),
	CONFLICTS(F_OUTPUT, F_SH_EXEC,
	    "--output cannot be used with -c" PROGRAM_OWNS),
	/* Scanning, -F and -x. */
	NEEDS(F_SCAN_FORMAT, F_SCAN, "--scan-format needs -z"),
	NEEDS(F_FORMAT, F_SCAN, "--format csv needs -z (use json)"),
	NEEDS(F_MAX_PARALLEL, F_SCAN, "--max-parallel needs -z"),
	CONFLICTS(F_PASS_FD, F_LISTEN, "-F cannot be used with -l"),
	CONFLICTS(F_PASS_FD, F_SCAN, "-F cannot be used with -z"),
	CONFLICTS(F_PASS_FD, F_UNIX, "-F cannot be used with -U"),
	CONFLICTS(F_PASS_FD, F_EXEC, "-F cannot be used with -e"),
	CONFLICTS(F_PASS_FD, F_SH_EXEC, "-F cannot be used with -c"),
	CONFLICTS(F_PASS_FD, F_HEX_DUMP, "-F cannot be used with -o"),
	CONFLICTS(F_PASS_FD, F_OUTPUT, "-F cannot be used with --output"),
	NEEDS(F_PROXY_AUTH, F_PROXY, "-P needs -x"),
	NEEDS(F_PROXY_TYPE, F_PROXY, "-X needs -x"),
	CONFLICTS(F_PROXY, F_LISTEN, "-x cannot be used with -l"),
	CONFLICTS(F_PROXY, F_SCAN, "-x cannot be used with -z"),
	CONFLICTS(F_PROXY, F_UNIX, "-x cannot be used with -U"),
	CONFLICTS(F_PROXY, F_UDP, "-x cannot be used with -u"),
	CONFLICTS(F_PROXY, F_DCCP, "-x cannot be used with -Z"),
	CONFLICTS(F_RETRY, F_LISTEN, "--retry cannot be used with -l"),
	CONFLICTS(F_SCAN, F_UNIX, "-z cannot be used with -U"),
	CONFLICTS(F_SCAN, F_EXEC, "-z cannot be used with -e"),
	CONFLICTS(F_SCAN, F_SH_EXEC, "-z cannot be used with -c"),
	PUMPED(F_PROGRESS, "--progress"),
	CONFLICTS(F_PROGRESS, F_FORK, "--progress cannot be used with --fork"),
	/* Rate limits: the pump's, per direction. */
	PUMPED(F_RATE, "--rate"),
	PUMPED(F_RATE_RECV, "--rate-recv"),
	CONFLICTS(F_RATE, F_NO_STDIN,
	    "--rate cannot be used with -d or --recv-only (stdin is not read)"),
	CONFLICTS(F_RATE_RECV, F_SEND_ONLY, "--rate-recv cannot be used with "
	    "--send-only (what arrives is discarded)"),
	CONFLICTS(F_RATE_RECV, F_DCCP, "--rate-recv cannot be used with -Z "
	    "(a read takes a whole packet)"),
	PUMPED(F_DIGEST, "--digest"),
	/* Once the operands are counted. */
	ARG_CONFLICTS(F_UNIX, F_SOURCE_PORT, "-p cannot be used with -U"),
	ARG_CONFLICTS(F_PORT_ARG, F_SOURCE_PORT,
	    "-p and a port argument cannot be used together"),
	ARG_CONFLICTS(F_ADDR_ARG, F_SOURCE,
	    "-s and an address argument cannot be used together")
};

/* The facts of a command line: raw options, implied fields, operands. */
static uint64_t
facts(const struct options *opt, int noperands)
{
	const struct {
		bool		has;
		uint64_t	fact;
	} map[] = {
		{ opt->listen, F_LISTEN },
		{ opt->zero_io, F_SCAN },
		{ opt->udp, F_UDP },
		{ opt->unixsock, F_UNIX },
		{ opt->dccp, F_DCCP },
		{ opt->family == AF_INET, F_IPV4 },
		{ opt->family == AF_INET6, F_IPV6 },
		{ opt->source != NULL, F_SOURCE },
		{ opt->source_port != NULL, F_SOURCE_PORT },
		{ opt->keep_open, F_KEEP },
		{ opt->fork, F_FORK },
		{ opt->broker, F_BROKER },
		{ opt->chat, F_CHAT },
		{ opt->exec != NULL, F_EXEC },
		{ opt->sh_exec != NULL, F_SH_EXEC },
		{ opt->send_only, F_SEND_ONLY },
		{ opt->recv_only, F_RECV_ONLY },
		{ opt->no_stdin, F_NO_STDIN },
		{ opt->hex_dump != NULL, F_HEX_DUMP },
		{ opt->output != NULL, F_OUTPUT },
		{ opt->max_conns > 0, F_MAX_CONNS },
		{ opt->acl.len > 0, F_ACL },
		{ opt->max_parallel > 0, F_MAX_PARALLEL },
		{ opt->scan_csv, F_SCAN_FORMAT },
		{ opt->format == FORMAT_CSV, F_FORMAT },
		{ opt->exit_detail, F_EXIT_DETAIL },
		{ opt->pass_fd, F_PASS_FD },
		{ opt->proxy_host != NULL, F_PROXY },
		{ opt->proxy_type != PROXY_UNSET, F_PROXY_TYPE },
		{ opt->proxy_user != NULL, F_PROXY_AUTH },
		{ opt->retry_ms > 0, F_RETRY },
		{ opt->port_file != NULL, F_PORT_FILE },
		{ opt->ready_fd != -1, F_READY_FD },
		{ opt->accept_timeout_ms >= 0, F_ACCEPT_TIMEOUT },
		{ opt->no_shutdown, F_NO_SHUTDOWN },
		{ opt->shutdown_on_eof, F_SHUTDOWN },
		{ opt->progress != 0, F_PROGRESS },
		{ opt->rate > 0, F_RATE },
		{ opt->rate_recv > 0, F_RATE_RECV },
		{ opt->digest, F_DIGEST },
		{ opt->mode == MODE_LISTEN && !opt->unixsock && noperands >= 1,
		    F_PORT_ARG },
		{ opt->mode == MODE_LISTEN && !opt->unixsock && noperands == 2,
		    F_ADDR_ARG }
	};
	uint64_t	has = 0;
	size_t		i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].has)
			has |= map[i].fact;
	return has;
}

/* The first broken row of the table, in the given half of it. */
static void
check_rules(const struct options *opt, bool operands, int noperands)
{
	uint64_t	has = facts(opt, noperands);
	size_t		i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule	*r = &rules[i];

		if (r->operands != operands || (has & r->given) != r->given)
			continue;
		if ((r->needs != 0 && (has & r->needs) == 0) ||
		    (has & r->conflicts) != 0)
			usage_error("%s", r->msg);
	}
}

void
opt_check(const struct options *opt)
{
	check_rules(opt, false, 0);
}

void
opt_check_port(const struct options *opt, const char *word, bool allow_zero)
{
	long	port;

	port = addr_port_number(word, opt->port_proto);
	if (port == ADDR_PORT_UNKNOWN)
		usage_error("unknown port or service '%s'", word);
	if (port == 0 && allow_zero)
		return;
	if (port < 1 || port > 65535)
		usage_error("port '%s' out of range 1-65535", word);
}

/* A client's -p: a port, or a range LO-HI to bind the first free one of. */
static void
take_source_ports(struct options *opt)
{
	if (opt->source_port == NULL)
		return;
	switch (addr_port_range(opt->source_port, opt->port_proto,
	    &opt->source_port_lo, &opt->source_port_hi)) {
	case ADDR_RANGE_OK:
		return;
	case ADDR_RANGE_OUT:
		usage_error("source port range '%s' out of 1-65535 or "
		    "reversed", opt->source_port);
	default:
		usage_error("unknown port, service or range '%s' for -p",
		    opt->source_port);
	}
}

/* -z HOST PORT...: every PORT word a port, a service or LO-HI. */
static void
take_scan_operands(struct options *opt, int argc, char *argv[])
{
	long	lo, hi;
	int	i;

	opt->host = argv[0];
	for (i = 1; i < argc; i++) {
		switch (addr_port_range(argv[i], opt->port_proto, &lo, &hi)) {
		case ADDR_RANGE_OK:
			break;
		case ADDR_RANGE_OUT:
			usage_error("port range '%s' is not within 1-65535, "
			    "low to high", argv[i]);
		default:
			usage_error("unknown port, service or range '%s'",
			    argv[i]);
		}
	}
	opt->port_words = argv + 1;
	opt->nport_words = argc - 1;
	take_source_ports(opt);
}

/* Too few or too many positional words for the mode. */
static void
count_operands(const struct options *opt, int argc, char *argv[])
{
	if (opt->unixsock) {
		if (argc == 0)
			usage_error("missing PATH for -U");
		if (argc > 1)
			usage_error("unexpected argument '%s'", argv[1]);
	} else if (opt->mode == MODE_LISTEN) {
		if (argc > 2)
			usage_error("unexpected argument '%s'", argv[2]);
		if (argc == 0 && opt->source_port == NULL)
			usage_error("missing PORT to listen on");
	} else if (opt->mode == MODE_SCAN) {
		if (argc < 2)
			usage_error(argc == 0 ? "missing HOST and PORT to "
			    "scan" : "missing PORT to scan");
	} else {
		if (argc == 0)
			usage_error("missing HOST and PORT");
		if (argc == 1)
			usage_error("missing PORT after '%s'", argv[0]);
		if (argc > 2)
			usage_error("unexpected argument '%s'", argv[2]);
	}
}

void
opt_take_operands(struct options *opt, int argc, char *argv[])
{
	count_operands(opt, argc, argv);
	check_rules(opt, true, argc);
	if (opt->unixsock) {
		opt->path = argv[0];
		if (opt->path[0] == '\0')
			usage_error("empty socket path");
	} else if (opt->mode == MODE_LISTEN) {
		/* -l [ADDR] PORT, or the traditional -l -p PORT [-s ADDR]. */
		opt->listen_host = argc == 2 ? argv[0] : opt->source;
		opt->listen_port = argc == 0 ? opt->source_port :
		    argv[argc - 1];
		opt_check_port(opt, opt->listen_port, true);
	} else if (opt->mode == MODE_SCAN)
		take_scan_operands(opt, argc, argv);
	else {
		opt->host = argv[0];
		opt->port = argv[1];
		opt_check_port(opt, opt->port, false);
		take_source_ports(opt);
	}
}

/* One host word (what: "host", "address", ...) that parse_host() refused. */
static void
check_host(const char *host, const char *what)
{
	char	shown[96], c[8];
	size_t	bad;

	/* The user's bytes, CR or LF included, stay on one line. */
	(void)escape_bytes(shown, sizeof(shown), host, strlen(host));
	switch (parse_host(host, &bad)) {
	case HOST_OK:
		return;
	case HOST_EMPTY:
		usage_error("empty %s", strcmp(what, "host") == 0 ?
		    "host name" : what);
	case HOST_TOO_LONG:
		usage_error("%s '%.32s...' is longer than 253 characters",
		    what, shown);
	case HOST_BRACKET:
		usage_error("unclosed '[' in %s '%s'", what, shown);
	case HOST_CHAR:
		usage_error("invalid character '%s' in %s '%s'",
		    escape_bytes(c, sizeof(c), &host[bad], 1), what, shown);
	default:
		usage_error("invalid IPv6 address '%s' for %s", shown, what);
	}
}

void
opt_check_hosts(const struct options *opt)
{
	if (opt->host != NULL)
		check_host(opt->host, "host");
	if (opt->listen_host != NULL)
		check_host(opt->listen_host, "address");
	/* A listener's -s is its listen_host, checked just above. */
	if (opt->source != NULL && !opt->unixsock &&
	    opt->mode != MODE_LISTEN)
		check_host(opt->source, "-s address");
	if (opt->proxy_host != NULL)
		check_host(opt->proxy_host, "proxy address");
}
