/*
 * normalize.c: stage 2 of the command line (cmdline.c): the defaults
 * before getopt, and after it every implied field set once, so that the
 * conflict table (optcheck.c) and every mode read facts, never re-derive
 * them.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <string.h>

#include "normalize.h"
#include "options.h"

void
opt_defaults(struct options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->family = AF_UNSPEC;
	opt->wait_ms = -1;
	opt->idle_timeout_ms = -1;
	opt->quit_after_eof_ms = -1;
	opt->tos = -1;
	opt->ttl = -1;
	opt->min_ttl = -1;
	opt->ready_fd = -1;
	opt->accept_timeout_ms = -1;
}

/* The smaller of two times above 0; 0 when neither is. */
static long
smallest_positive(long a, long b)
{
	if (a <= 0)
		return b > 0 ? b : 0;
	if (b <= 0)
		return a;
	return a < b ? a : b;
}

/*
 * -k with -e/-c and --max-conns: up to N programs at once, as ncat's -k
 * serves them: --fork's way.  Without --max-conns, -k -e serves one
 * client after another, as it always has.
 */
static bool
concurrent_programs(const struct options *opt)
{
	return opt->keep_open && opt->program && opt->max_conns > 0 &&
	    opt->socktype != SOCK_DGRAM;
}

/* How a listener serves, in the order the strategies take precedence. */
static enum serve_mode
serve_mode(const struct options *opt)
{
	if (opt->chat)
		return SERVE_CHAT;
	if (opt->broker)
		return SERVE_BROKER;
	if (opt->fork || concurrent_programs(opt))
		return SERVE_FORK;
	if (opt->socktype == SOCK_DGRAM)
		return opt->keep_open ? SERVE_DGRAM_ANY : SERVE_DGRAM_FIRST;
	return opt->keep_open ? SERVE_KEEP : SERVE_ONCE;
}

/*
 * Stage 2: every implied field, set once.  Nothing here fails: a field
 * set from options that cannot go together is never used, since the
 * conflict table comes next.
 */
void
opt_normalize(struct options *opt)
{
	opt->mode = opt->listen ? MODE_LISTEN : opt->zero_io ? MODE_SCAN :
	    MODE_CONNECT;
	opt->socktype = opt->udp ? SOCK_DGRAM : SOCK_STREAM;
#if defined(SOCK_DCCP) && defined(IPPROTO_DCCP)
	if (opt->dccp) {
		opt->socktype = SOCK_DCCP;
		opt->protocol = IPPROTO_DCCP;
	}
#endif
	opt->proto = opt->unixsock ? "unix" : opt->dccp ? "dccp" :
	    opt->udp ? "udp" : "tcp";
	/* Service names: DCCP's ports are TCP's. */
	opt->port_proto = opt->udp ? "udp" : "tcp";
	opt->program = opt->exec != NULL || opt->sh_exec != NULL;
	opt->broker = opt->broker || opt->chat;
	opt->keep_open = opt->keep_open || opt->fork || opt->broker;
	opt->no_stdin = opt->no_stdin || opt->recv_only;
	opt->shutdown_on_eof = opt->shutdown_on_eof || opt->quit_after_eof;
	opt->idle_ms = smallest_positive(opt->wait_ms, opt->idle_timeout_ms);
	opt->serve = serve_mode(opt);
	if (opt->proxy_host != NULL) {
		if (opt->proxy_type == PROXY_UNSET)
			opt->proxy_type = PROXY_SOCKS5;
		if (opt->proxy_port == NULL)
			opt->proxy_port = opt->proxy_type == PROXY_CONNECT ?
			    "3128" : "1080";
	}
}
