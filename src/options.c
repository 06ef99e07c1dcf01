/*
 * options.c: the getopt_long table, ports, conflict checks, --help and
 * --version; numbers, times and TOS words are read by parse.c.  The only
 * file that exits 2; it never opens a socket or asks DNS (service names
 * come from addr.c).
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "options.h"
#include "parse.h"
#include "usage.h"
#include "util.h"

#define HELP_HINT	"Try 'sockcat --help'"

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
	OPT_SCAN_FORMAT
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
	{ "idle-timeout",	required_argument,	NULL, OPT_IDLE_TIMEOUT },
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
	{ "max-parallel",	required_argument,	NULL, OPT_MAX_PARALLEL },
	{ "scan-format",	required_argument,	NULL, OPT_SCAN_FORMAT },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

void
usage_error(const char *fmt, ...)
{
	char	msg[512];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sc_fatal(EXIT_USAGE, "%s. " HELP_HINT, msg);
}

/* The option as the user spelled it, for messages. */
static const char *
spelled(int c, int index)
{
	static char	buf[64];

	if (index >= 0) {
		(void)snprintf(buf, sizeof(buf), "--%s", long_opts[index].name);
		return buf;
	}
	(void)snprintf(buf, sizeof(buf), "-%c", c);
	return buf;
}

/* A whole decimal number in [min, max]; anything else is a usage error. */
static long
parse_num(const char *s, long min, long max, const char *what)
{
	long	v;

	switch (parse_number(s, min, max, &v)) {
	case PARSE_OK:
		return v;
	case PARSE_RANGE:
		usage_error("%s value '%s' out of range %ld-%ld", what, s,
		    min, max);
	default:
		usage_error("invalid number '%s' for %s", s, what);
	}
}

/* TIME in milliseconds (-1: negative, where allowed), or a usage error. */
static long
parse_time(const char *s, const char *what, int allow_negative)
{
	long	ms;

	switch (parse_time_ms(s, allow_negative, &ms)) {
	case PARSE_OK:
		return ms;
	case PARSE_RANGE:
		usage_error("time '%s' for %s is too large", s, what);
	default:
		usage_error("invalid time '%s' for %s", s, what);
	}
}

/* A port word for a given role: a number, or a service for this proto. */
static void
check_port(const char *word, const struct options *opt, int allow_zero)
{
	const char	*proto = opt->socktype == SOCK_DGRAM ? "udp" : "tcp";
	long		 port;

	port = addr_port_number(word, proto);
	if (port == ADDR_PORT_UNKNOWN)
		usage_error("unknown port or service '%s'", word);
	if (port == 0 && allow_zero)
		return;
	if (port < 1 || port > 65535)
		usage_error("port '%s' out of range 1-65535", word);
}

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

static void
set_defaults(struct options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->mode = MODE_CONNECT;
	opt->family = AF_UNSPEC;
	opt->socktype = SOCK_STREAM;
	opt->wait_ms = -1;
	opt->idle_timeout_ms = -1;
	opt->quit_after_eof_ms = -1;
	opt->tos = -1;
	opt->ttl = -1;
	opt->min_ttl = -1;
}

/* A client's -p: a port, or a range LO-HI to bind the first free one of. */
static void
take_source_ports(struct options *opt)
{
	const char	*proto = opt->socktype == SOCK_DGRAM ? "udp" : "tcp";

	if (opt->source_port == NULL)
		return;
	switch (addr_port_range(opt->source_port, proto, &opt->source_port_lo,
	    &opt->source_port_hi)) {
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

/* -z HOST PORT...: every word a port, a service or LO-HI. */
static void
take_scan_operands(struct options *opt, int argc, char *argv[])
{
	const char	*proto = opt->socktype == SOCK_DGRAM ? "udp" : "tcp";
	long		 lo, hi;
	int		 i;

	if (argc < 2)
		usage_error(argc == 0 ? "missing HOST and PORT to scan" :
		    "missing PORT to scan");
	opt->host = argv[0];
	for (i = 1; i < argc; i++) {
		switch (addr_port_range(argv[i], proto, &lo, &hi)) {
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

/* Take the positional words for the chosen mode. */
static void
take_operands(struct options *opt, int argc, char *argv[])
{
	int	n = argc;

	if (opt->unixsock) {
		if (n == 0)
			usage_error("missing PATH for -U");
		if (n > 1)
			usage_error("unexpected argument '%s'", argv[1]);
		if (opt->source_port != NULL)
			usage_error("-p cannot be used with -U");
		opt->path = argv[0];
		if (opt->path[0] == '\0')
			usage_error("empty socket path");
		return;
	}
	if (opt->mode == MODE_LISTEN) {
		if (n > 2)
			usage_error("unexpected argument '%s'", argv[2]);
		if (n >= 1 && opt->source_port != NULL)
			usage_error("-p and a port argument cannot be used "
			    "together");
		if (n == 2 && opt->source != NULL)
			usage_error("-s and an address argument cannot be "
			    "used together");
		if (n == 0) {
			if (opt->source_port == NULL)
				usage_error("missing PORT to listen on");
			opt->port = opt->source_port;
			opt->host = opt->source;
		} else if (n == 1) {
			opt->port = argv[0];
			opt->host = opt->source;
		} else {
			opt->host = argv[0];
			opt->port = argv[1];
		}
		opt->source = NULL;
		opt->source_port = NULL;
		check_port(opt->port, opt, 1);
		return;
	}
	if (opt->mode == MODE_SCAN) {
		take_scan_operands(opt, argc, argv);
		return;
	}
	if (n == 0)
		usage_error("missing HOST and PORT");
	if (n == 1)
		usage_error("missing PORT after '%s'", argv[0]);
	if (n > 2)
		usage_error("unexpected argument '%s'", argv[2]);
	opt->host = argv[0];
	opt->port = argv[1];
	check_port(opt->port, opt, 0);
	take_source_ports(opt);
}

void
opt_parse(struct options *opt, int argc, char *argv[])
{
	const char	*bad;
	int		 c, index;

	set_defaults(opt);
	opterr = 0;
	for (;;) {
		index = -1;
		c = getopt_long(argc, argv, short_opts, long_opts, &index);
		if (c == -1)
			break;
		switch (c) {
		case '4':
			opt->family = AF_INET;
			break;
		case '6':
			opt->family = AF_INET6;
			break;
		case 'u':
			opt->socktype = SOCK_DGRAM;
			break;
		case 'U':
			opt->unixsock = true;
			break;
		case 'l':
			if (opt->mode == MODE_SCAN)
				usage_error("-l cannot be used with -z");
			opt->mode = MODE_LISTEN;
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
		case 'v':
			verbose++;
			break;
		case 'w':
			opt->wait_ms = parse_time(optarg, "-w", 0);
			break;
		case OPT_IDLE_TIMEOUT:
			opt->idle_timeout_ms = parse_time(optarg,
			    "--idle-timeout", 0);
			break;
		case 'i':
			opt->interval_ms = parse_time(optarg, "-i", 0);
			break;
		case 'q':
			opt->quit_after_eof_ms = parse_time(optarg, "-q", 1);
			opt->quit_after_eof = true;
			opt->shutdown_on_eof = true;
			break;
		case 'N':
			opt->shutdown_on_eof = true;
			break;
		case 'd':
			opt->no_stdin = true;
			break;
		case OPT_SEND_ONLY:
			opt->send_only = true;
			break;
		case OPT_RECV_ONLY:
			opt->recv_only = true;
			opt->no_stdin = true;
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
			opt->recv_limit = parse_num(optarg, 1, 1000000000L,
			    "-W");
			break;
		case 'b':
			opt->broadcast = true;
			break;
		case 'I':
			opt->recv_buf = (int)parse_num(optarg, 1, 1 << 30,
			    "-I");
			break;
		case 'O':
			opt->send_buf = (int)parse_num(optarg, 1, 1 << 30,
			    "-O");
			break;
		case 'T':
			if ((opt->tos = parse_tos(optarg)) == -1)
				usage_error("invalid TOS value '%s' for -T",
				    optarg);
			break;
		case 'M':
			opt->ttl = (int)parse_num(optarg, 1, 255, "-M");
			break;
		case 'm':
			opt->min_ttl = (int)parse_num(optarg, 1, 255, "-m");
			break;
		case 'D':
			opt->debug = true;
			break;
		case 'Z':
			opt->dccp = true;
			break;
		case 'S':
			usage_error("-S (TCP MD5 signatures) is not "
			    "supported on this system");
		case 'h':
			fputs(usage_text, stdout);
			exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_NET);
		case 'V':
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(fflush(stdout) == 0 ? EXIT_OK : EXIT_NET);
		case 'k':
			opt->keep_open = true;
			break;
		case OPT_FORK:
			opt->fork = true;
			break;
		case 'e':
			opt->exec = optarg;
			opt->sh_exec = NULL;
			break;
		case 'c':
			opt->sh_exec = optarg;
			opt->exec = NULL;
			break;
		case OPT_BROKER:
			opt->broker = true;
			break;
		case OPT_CHAT:
			opt->chat = true;
			opt->broker = true;
			break;
		case OPT_MAX_CONNS:
			opt->max_conns = parse_num(optarg, 1, 1000000L,
			    "--max-conns");
			break;
		case OPT_ALLOW:
		case OPT_DENY:
			if (acl_add(&opt->acl, optarg, c == OPT_DENY,
			    &bad) == -1)
				usage_error("invalid address '%s' for %s", bad,
				    spelled(c, index));
			break;
		case 'z':
			if (opt->mode == MODE_LISTEN)
				usage_error("-l cannot be used with -z");
			opt->mode = MODE_SCAN;
			break;
		case 'r':
			opt->randomize = true;
			break;
		case OPT_MAX_PARALLEL:
			opt->max_parallel = parse_num(optarg, 1, 65535,
			    "--max-parallel");
			break;
		case OPT_SCAN_FORMAT:
			if (strcmp(optarg, "csv") != 0)
				usage_error("unknown --scan-format '%s' (csv is "
				    "the one there is)", optarg);
			opt->scan_csv = true;
			break;
		case OPT_RETRY:
			opt->retry_ms = parse_time(optarg, "--retry", 0);
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
		case ':':
			usage_error("option '%s' needs an argument",
			    argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 256)
				usage_error("unknown option '-%c'", optopt);
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	opt_check(opt);
	if (opt->proxy_host != NULL) {
		if (opt->proxy_type == PROXY_UNSET)
			opt->proxy_type = PROXY_SOCKS5;
		if (opt->proxy_port == NULL)
			opt->proxy_port = opt->proxy_type == PROXY_CONNECT ?
			    "3128" : "1080";
		check_port(opt->proxy_port, opt, 0);
	}
	if (opt->fork || opt->broker)
		opt->keep_open = true;
	if (opt->dccp) {
#if defined(SOCK_DCCP) && defined(IPPROTO_DCCP)
		opt->socktype = SOCK_DCCP;
		opt->protocol = IPPROTO_DCCP;
#else
		sc_fatal(EXIT_NET, "DCCP is not available on this system");
#endif
	}
	take_operands(opt, argc - optind, argv + optind);
	opt_check_hosts(opt);
}

void
opt_free(struct options *opt)
{
	acl_free(&opt->acl);
	free(opt->proxy_arg);
	opt->proxy_arg = NULL;
}

const char *
opt_proto(const struct options *opt)
{
	if (opt->unixsock)
		return "unix";
	if (opt->dccp)
		return "dccp";
	return opt->socktype == SOCK_DGRAM ? "udp" : "tcp";
}
