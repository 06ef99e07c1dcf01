/*
 * cmdline.c: the command line in stages: getopt_long fills raw values,
 * normalize.c sets every implied field, then optcheck.c checks the
 * conflict table and takes the operands.  Values are read by optvalue.c
 * (numbers, times, rates) and parse.c, --help is in usage.c.  The only
 * file (with those below it) that exits 2; it never opens a socket or
 * asks DNS.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "normalize.h"
#include "optcheck.h"
#include "optvalue.h"
#include "options.h"
#include "parse.h"
#include "usage.h"
#include "util.h"

/* Long-only options get values above the char range. */
enum {
	OPT_FORK = 256,
	OPT_BROKER,
	OPT_CHAT,
	OPT_MAX_CONNS,
	OPT_ALLOW,
	OPT_DENY,
	OPT_IDLE_TIMEOUT,
	OPT_SEND_ONLY,
	OPT_RECV_ONLY,
	OPT_OUTPUT,
	OPT_RETRY,
	OPT_MAX_PARALLEL,
	OPT_SCAN_FORMAT,
	OPT_NO_SPLICE,
	OPT_PORT_FILE,
	OPT_READY_FD,
	OPT_ACCEPT_TIMEOUT,
	OPT_NO_SHUTDOWN,
	OPT_PROGRESS,
	OPT_FORMAT,
	OPT_EXIT_DETAIL,
	OPT_RATE,
	OPT_RATE_RECV,
	OPT_DIGEST
};

static const char short_opts[] =
    ":46bCc:Dde:FhI:i:klM:m:NnO:o:P:p:q:rSs:T:tUuVvW:w:X:x:Zz";

static const struct option long_opts[] = {
	{ "ipv4",		no_argument,		NULL, '4' },
	{ "ipv6",		no_argument,		NULL, '6' },
	{ "udp",		no_argument,		NULL, 'u' },
	{ "unixsock",		no_argument,		NULL, 'U' },
	{ "listen",		no_argument,		NULL, 'l' },
	{ "keep-open",		no_argument,		NULL, 'k' },
	{ "fork",		no_argument,		NULL, OPT_FORK },
	{ "exec",		required_argument,	NULL, 'e' },
	{ "sh-exec",		required_argument,	NULL, 'c' },
	{ "broker",		no_argument,		NULL, OPT_BROKER },
	{ "chat",		no_argument,		NULL, OPT_CHAT },
	{ "max-conns",		required_argument,	NULL, OPT_MAX_CONNS },
	{ "allow",		required_argument,	NULL, OPT_ALLOW },
	{ "deny",		required_argument,	NULL, OPT_DENY },
	{ "source-port",	required_argument,	NULL, 'p' },
	{ "source",		required_argument,	NULL, 's' },
	{ "nodns",		no_argument,		NULL, 'n' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "wait",		required_argument,	NULL, 'w' },
	{ "idle-timeout",	required_argument,	NULL,
	    OPT_IDLE_TIMEOUT },
	{ "interval",		required_argument,	NULL, 'i' },
	{ "quit-after-eof",	required_argument,	NULL, 'q' },
	{ "shutdown-on-eof",	no_argument,		NULL, 'N' },
	{ "no-stdin",		no_argument,		NULL, 'd' },
	{ "send-only",		no_argument,		NULL, OPT_SEND_ONLY },
	{ "recv-only",		no_argument,		NULL, OPT_RECV_ONLY },
	{ "zero-io",		no_argument,		NULL, 'z' },
	{ "randomize",		no_argument,		NULL, 'r' },
	{ "crlf",		no_argument,		NULL, 'C' },
	{ "telnet",		no_argument,		NULL, 't' },
	{ "hex-dump",		required_argument,	NULL, 'o' },
	{ "output",		required_argument,	NULL, OPT_OUTPUT },
	{ "recv-limit",		required_argument,	NULL, 'W' },
	{ "no-splice",		no_argument,		NULL, OPT_NO_SPLICE },
	{ "progress",		optional_argument,	NULL, OPT_PROGRESS },
	{ "rate",		required_argument,	NULL, OPT_RATE },
	{ "rate-recv",		required_argument,	NULL, OPT_RATE_RECV },
	{ "digest",		no_argument,		NULL, OPT_DIGEST },
	{ "broadcast",		no_argument,		NULL, 'b' },
	{ "recv-buf",		required_argument,	NULL, 'I' },
	{ "send-buf",		required_argument,	NULL, 'O' },
	{ "tos",		required_argument,	NULL, 'T' },
	{ "ttl",		required_argument,	NULL, 'M' },
	{ "min-ttl",		required_argument,	NULL, 'm' },
	{ "debug",		no_argument,		NULL, 'D' },
	{ "proxy",		required_argument,	NULL, 'x' },
	{ "proxy-type",		required_argument,	NULL, 'X' },
	{ "proxy-auth",		required_argument,	NULL, 'P' },
	{ "pass-fd",		no_argument,		NULL, 'F' },
	{ "md5sig",		no_argument,		NULL, 'S' },
	{ "dccp",		no_argument,		NULL, 'Z' },
	{ "retry",		required_argument,	NULL, OPT_RETRY },
	{ "max-parallel",	required_argument,	NULL,
	    OPT_MAX_PARALLEL },
	{ "scan-format",	required_argument,	NULL, OPT_SCAN_FORMAT },
	{ "port-file",		required_argument,	NULL, OPT_PORT_FILE },
	{ "ready-fd",		required_argument,	NULL, OPT_READY_FD },
	{ "accept-timeout",	required_argument,	NULL,
	    OPT_ACCEPT_TIMEOUT },
	{ "no-shutdown",	no_argument,		NULL, OPT_NO_SHUTDOWN },
	{ "format",		required_argument,	NULL, OPT_FORMAT },
	{ "exit-detail",	no_argument,		NULL, OPT_EXIT_DETAIL },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

/* -x ADDR[:PORT]: split into proxy_host and proxy_port. */
static void
take_proxy(struct options *opt, const char *arg)
{
	char	*host, *port;

	free(opt->proxy_arg);
	opt->proxy_arg = xstrdup(arg);
	if (parse_hostport(opt->proxy_arg, &host, &port) == -1)
		usage_error("invalid proxy address '%s'", arg);
	opt->proxy_host = host;
	opt->proxy_port = port;
}

/* -X: 4, 5 or connect, as nc.openbsd spells them. */
static int
proxy_type(const char *s)
{
	if (strcmp(s, "5") == 0)
		return PROXY_SOCKS5;
	if (strcmp(s, "4") == 0)
		return PROXY_SOCKS4;
	if (strcmp(s, "connect") == 0)
		return PROXY_CONNECT;
	usage_error("unknown proxy type '%s' (4, 5 or connect)", s);
}

/*
 * Stage 1: each take_* stores one group's raw values (a value that does
 * not read is a usage error) and returns false for options not its own.
 */

/* Protocol, addresses, proxies. */
static bool
take_address(struct options *opt, int c)
{
	switch (c) {
	case '4':
		opt->family = AF_INET;
		break;
	case '6':
		opt->family = AF_INET6;
		break;
	case 'u':
		opt->udp = true;
		break;
	case 'U':
		opt->unixsock = true;
		break;
	case 'Z':
		opt->dccp = true;
		break;
	case 'l':
		opt->listen = true;
		break;
	case 'z':
		opt->zero_io = true;
		break;
	case 'p':
		opt->source_port = optarg;
		break;
	case 's':
		opt->source = optarg;
		break;
	case 'n':
		opt->nodns = true;
		break;
	case 'F':
		opt->pass_fd = true;
		break;
	case 'x':
		take_proxy(opt, optarg);
		break;
	case 'X':
		opt->proxy_type = proxy_type(optarg);
		break;
	case 'P':
		opt->proxy_user = optarg;
		break;
	default:
		return false;
	}
	return true;
}

/* The data path: timing, directions, translation, copies. */
static bool
take_data(struct options *opt, int c)
{
	switch (c) {
	case 'v':
		verbose++;
		break;
	case 'w':
		opt->wait_ms = opt_time(optarg, "-w", 0);
		break;
	case OPT_IDLE_TIMEOUT:
		opt->idle_timeout_ms = opt_time(optarg, "--idle-timeout", 0);
		break;
	case 'i':
		opt->interval_ms = opt_time(optarg, "-i", 0);
		break;
	case OPT_RETRY:
		opt->retry_ms = opt_time(optarg, "--retry", 0);
		break;
	case 'q':
		opt->quit_after_eof_ms = opt_time(optarg, "-q", 1);
		opt->quit_after_eof = true;
		break;
	case 'N':
		opt->shutdown_on_eof = true;
		break;
	case OPT_NO_SHUTDOWN:
		opt->no_shutdown = true;
		break;
	case 'd':
		opt->no_stdin = true;
		break;
	case OPT_SEND_ONLY:
		opt->send_only = true;
		break;
	case OPT_RECV_ONLY:
		opt->recv_only = true;
		break;
	case 'C':
		opt->crlf = true;
		break;
	case 't':
		opt->telnet = true;
		break;
	case 'o':
		opt->hex_dump = optarg;
		break;
	case OPT_OUTPUT:
		opt->output = optarg;
		break;
	case 'W':
		opt->recv_limit = opt_num(optarg, 1, 1000000000L, "-W");
		break;
	case OPT_NO_SPLICE:
		opt->no_splice = true;
		break;
	case OPT_PROGRESS:
		if (optarg != NULL && strcmp(optarg, "force") != 0)
			usage_error("unknown --progress '%s' (force is the "
			    "one there is)", optarg);
		opt->progress = optarg != NULL ? PROGRESS_FORCE : PROGRESS_TTY;
		break;
	case OPT_RATE:
		opt->rate = opt_rate(optarg, "--rate");
		break;
	case OPT_RATE_RECV:
		opt->rate_recv = opt_rate(optarg, "--rate-recv");
		break;
	case OPT_DIGEST:
		opt->digest = true;
		break;
	default:
		return false;
	}
	return true;
}

/* Socket options. */
static bool
take_socket(struct options *opt, int c)
{
	switch (c) {
	case 'b':
		opt->broadcast = true;
		break;
	case 'I':
		opt->recv_buf = (int)opt_num(optarg, 1, 1 << 30, "-I");
		break;
	case 'O':
		opt->send_buf = (int)opt_num(optarg, 1, 1 << 30, "-O");
		break;
	case 'T':
		if ((opt->tos = parse_tos(optarg)) == -1)
			usage_error("invalid TOS value '%s' for -T", optarg);
		break;
	case 'M':
		opt->ttl = (int)opt_num(optarg, 1, 255, "-M");
		break;
	case 'm':
		opt->min_ttl = (int)opt_num(optarg, 1, 255, "-m");
		break;
	case 'D':
		opt->debug = true;
		break;
	case 'S':
		usage_error("-S (TCP MD5 signatures) is not supported on "
		    "this system");
	default:
		return false;
	}
	return true;
}

/* Servers, programs, access lists and scans. */
static bool
take_server(struct options *opt, int c)
{
	const char	*bad;

	switch (c) {
	case 'k':
		opt->keep_open = true;
		break;
	case OPT_FORK:
		opt->fork = true;
		break;
	case 'e':
	case 'c':
		/* The last of -e and -c is the program. */
		opt->exec = c == 'e' ? optarg : NULL;
		opt->sh_exec = c == 'c' ? optarg : NULL;
		break;
	case OPT_BROKER:
		opt->broker = true;
		break;
	case OPT_CHAT:
		opt->chat = true;
		break;
	case OPT_MAX_CONNS:
		opt->max_conns = opt_num(optarg, 1, 1000000L, "--max-conns");
		break;
	case OPT_PORT_FILE:
		if (optarg[0] == '\0')
			usage_error("empty file name for --port-file");
		opt->port_file = optarg;
		break;
	case OPT_READY_FD:
		/* 0, 1 and 2 carry the data and the messages. */
		opt->ready_fd = (int)opt_num(optarg, 3, INT_MAX,
		    "--ready-fd");
		break;
	case OPT_ACCEPT_TIMEOUT:
		opt->accept_timeout_ms = opt_time(optarg,
		    "--accept-timeout", 0);
		break;
	case OPT_ALLOW:
	case OPT_DENY:
		if (acl_add(&opt->acl, optarg, c == OPT_DENY, &bad) == -1)
			usage_error("invalid address '%s' for %s", bad,
			    c == OPT_DENY ? "--deny" : "--allow");
		break;
	case 'r':
		opt->randomize = true;
		break;
	case OPT_MAX_PARALLEL:
		opt->max_parallel = opt_num(optarg, 1, 65535,
		    "--max-parallel");
		break;
	case OPT_SCAN_FORMAT:
		if (strcmp(optarg, "csv") != 0)
			usage_error("unknown --scan-format '%s' (csv is the "
			    "one there is)", optarg);
		opt->scan_csv = true;
		opt->format = FORMAT_CSV;
		break;
	case OPT_FORMAT:
		if (strcmp(optarg, "json") == 0)
			opt->format = FORMAT_JSON;
		else if (strcmp(optarg, "csv") == 0)
			opt->format = FORMAT_CSV;
		else
			usage_error("unknown --format '%s' (json or csv)",
			    optarg);
		break;
	case OPT_EXIT_DETAIL:
		opt->exit_detail = true;
		break;
	default:
		return false;
	}
	return true;
}

/* -h, -V, and what getopt_long did not know or found short. */
static void
take_other(int c, char *argv[])
{
	switch (c) {
	case 'h':
		fputs(usage_text, stdout);
		exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_NET);
	case 'V':
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_NET);
	case ':':
		usage_error("option '%s' needs an argument", argv[optind - 1]);
	default:
		if (optopt != 0 && optopt < 256)
			usage_error("unknown option '-%c'", optopt);
		usage_error("unknown option '%s'", argv[optind - 1]);
	}
}

static void
take_options(struct options *opt, int argc, char *argv[])
{
	int	c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts,
	    NULL)) != -1)
		if (!take_address(opt, c) && !take_data(opt, c) &&
		    !take_socket(opt, c) && !take_server(opt, c))
			take_other(c, argv);
}

/*
 * --ready-fd N: open now (or nothing could ever be written to it; a file
 * opened later must not take its number), and never inherited by a
 * program.
 */
static void
check_ready_fd(const struct options *opt)
{
	if (opt->ready_fd == -1)
		return;
	if (set_cloexec(opt->ready_fd) == -1)
		usage_error("--ready-fd %d is not an open descriptor",
		    opt->ready_fd);
}

void
opt_parse(struct options *opt, int argc, char *argv[])
{
	opt_defaults(opt);
	take_options(opt, argc, argv);		/* 1: raw values */
	opt_normalize(opt);			/* 2: implied fields */
	opt_check(opt);				/* 3: the conflict table */
	if (opt->proxy_host != NULL)
		opt_check_port(opt, opt->proxy_port, false);
#if !defined(SOCK_DCCP) || !defined(IPPROTO_DCCP)
	if (opt->dccp)
		sc_fatal(EXIT_NET, "DCCP is not available on this system");
#endif
	opt_take_operands(opt, argc - optind, argv + optind);	/* 4 */
	opt_check_hosts(opt);
	check_ready_fd(opt);
}

void
opt_free(struct options *opt)
{
	acl_free(&opt->acl);
	free(opt->proxy_arg);
	opt->proxy_arg = NULL;
}
