/*
 * optcheck.c: what the options need of each other and what cannot go
 * together, checked once after getopt_long; each finding is a usage
 * error.
 */
#include "config.h"

#include <sys/socket.h>

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "options.h"
#include "parse.h"

/* The server modes: what each needs, and what cannot go together. */
static void
check_server_conflicts(const struct options *opt)
{
	bool	program = opt->exec != NULL || opt->sh_exec != NULL;
	const char	*server = opt->fork ? "--fork" : opt->chat ? "--chat" :
			    opt->broker ? "--broker" : opt->keep_open ? "-k" :
			    NULL;

	if (server != NULL && opt->mode != MODE_LISTEN)
		usage_error("%s needs -l", server);
	if (opt->fork && !program && !opt->recv_only)
		usage_error("--fork needs -e, -c or --recv-only");
	if (opt->broker && opt->fork)
		usage_error("%s cannot be used with --fork", server);
	if (opt->broker && program)
		usage_error("%s cannot be used with %s", opt->chat ?
		    "--chat" : "--broker", opt->exec != NULL ? "-e" : "-c");
	if (opt->broker && (opt->hex_dump != NULL || opt->output != NULL))
		usage_error("%s cannot be used with %s", opt->hex_dump != NULL ?
		    "-o" : "--output", opt->chat ? "--chat" : "--broker");
	if (opt->broker && opt->socktype == SOCK_DGRAM)
		usage_error("%s cannot be used with -u", opt->chat ?
		    "--chat" : "--broker");
	if (opt->max_conns > 0 && !opt->fork && !opt->broker)
		usage_error("--max-conns needs --fork or --broker");
	if (opt->acl.len > 0 && opt->mode != MODE_LISTEN)
		usage_error("--allow and --deny need -l");
	if (opt->fork && opt->socktype == SOCK_DGRAM)
		usage_error("--fork cannot be used with -u");
	if (opt->keep_open && program && opt->socktype == SOCK_DGRAM)
		usage_error("-k with -u cannot be used with %s (a program "
		    "serves the first peer only)", opt->exec != NULL ?
		    "-e" : "-c");
	if (program && (opt->hex_dump != NULL || opt->output != NULL))
		usage_error("%s cannot be used with %s (the program owns "
		    "the socket)", opt->hex_dump != NULL ? "-o" : "--output",
		    opt->exec != NULL ? "-e" : "-c");
}

/* -x: a TCP client's option. */
static void
check_proxy(const struct options *opt)
{
	const char	*other;

	if (opt->proxy_host == NULL) {
		if (opt->proxy_type != PROXY_UNSET || opt->proxy_user != NULL)
			usage_error("%s needs -x", opt->proxy_user != NULL ?
			    "-P" : "-X");
		return;
	}
	other = opt->mode == MODE_LISTEN ? "-l" : opt->mode == MODE_SCAN ?
	    "-z" : opt->unixsock ? "-U" : opt->socktype == SOCK_DGRAM ? "-u" :
	    opt->dccp ? "-Z" : NULL;
	if (other != NULL)
		usage_error("-x cannot be used with %s", other);
}

/* -F hands the socket on before any byte: nothing else may touch it. */
static void
check_pass_fd(const struct options *opt)
{
	const char	*other = opt->mode == MODE_LISTEN ? "-l" :
			    opt->mode == MODE_SCAN ? "-z" :
			    opt->unixsock ? "-U" : opt->exec != NULL ? "-e" :
			    opt->sh_exec != NULL ? "-c" :
			    opt->hex_dump != NULL ? "-o" :
			    opt->output != NULL ? "--output" : NULL;

	if (other != NULL)
		usage_error("-F cannot be used with %s", other);
}

void
opt_check(const struct options *opt)
{
	if (opt->send_only && opt->recv_only)
		usage_error("--send-only cannot be used with --recv-only");
	if (opt->send_only && opt->no_stdin)
		usage_error("--send-only cannot be used with -d");
	if (opt->dccp && opt->socktype == SOCK_DGRAM)
		usage_error("-Z cannot be used with -u");
	if (opt->dccp && opt->unixsock)
		usage_error("-Z cannot be used with -U");
	if (opt->unixsock && opt->family != AF_UNSPEC)
		usage_error("-U cannot be used with %s",
		    opt->family == AF_INET ? "-4" : "-6");
	if (opt->unixsock && opt->source != NULL &&
	    opt->socktype != SOCK_DGRAM)
		usage_error("-s with -U needs -u (a datagram reply socket)");
	check_server_conflicts(opt);
	if (opt->mode != MODE_SCAN && (opt->max_parallel > 0 ||
	    opt->scan_csv))
		usage_error("%s needs -z", opt->scan_csv ? "--scan-format" :
		    "--max-parallel");
	if (opt->pass_fd)
		check_pass_fd(opt);
	check_proxy(opt);
	if (opt->retry_ms > 0 && opt->mode == MODE_LISTEN)
		usage_error("--retry cannot be used with -l");
	if (opt->mode == MODE_SCAN && (opt->unixsock ||
	    opt->exec != NULL || opt->sh_exec != NULL))
		usage_error("-z cannot be used with %s", opt->unixsock ?
		    "-U" : opt->exec != NULL ? "-e" : "-c");
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
		check_host(opt->host, opt->mode == MODE_LISTEN ?
		    "address" : "host");
	if (opt->source != NULL && !opt->unixsock)
		check_host(opt->source, "-s address");
	if (opt->proxy_host != NULL)
		check_host(opt->proxy_host, "proxy address");
}
