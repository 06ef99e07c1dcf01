/*
 * usage.c: the --help text, kept apart from the option table so that
 * cmdline.c reads as logic, and usage_error(), the one exit with status 2.
 * The man page says the same at length.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "usage.h"
#include "util.h"

#define HELP_HINT	"Try 'sockcat --help'"

const char usage_text[] =
"usage: sockcat [options] HOST PORT             connect (TCP unless -u)\n"
"       sockcat -l [options] [ADDR] PORT        listen (ADDR: all by default)\n"
"       sockcat -l -p PORT [-s ADDR] [options]  listen, traditional form\n"
"       sockcat -z [options] HOST PORT[-PORT]...  scan: which ports accept\n"
"       sockcat -U [options] [-l] PATH          Unix-domain socket "
    "(-u: dgram)\n"
"\n"
"Protocol and address:\n"
"  -4, --ipv4                IPv4 only\n"
"  -6, --ipv6                IPv6 only\n"
"  -u, --udp                 UDP instead of TCP\n"
"  -U, --unixsock            Unix-domain socket at PATH (@name: abstract)\n"
"  -l, --listen              listen instead of connecting\n"
"  -p, --source-port PORT    local port, or the first free of LO-HI\n"
"                            (with -l: the port to listen on)\n"
"  -s, --source ADDR         local address (with -l: the address to "
    "listen on)\n"
"  -n, --nodns               numeric addresses only, never ask DNS\n"
"  -F, --pass-fd             pass the connected socket to stdout, and exit\n"
"  -Z, --dccp                DCCP instead of TCP, where the system has it\n"
"\n"
"Data and timing:\n"
"  -N, --shutdown-on-eof     shut down the sending side after EOF on stdin\n"
"  -q, --quit-after-eof TIME after EOF on stdin (-N), quit once the peer\n"
"                            is silent for TIME (0: wait for it to close)\n"
"  -w, --wait TIME           give up a connect after TIME; then also close\n"
"                            the connection once idle for TIME (a listener\n"
"                            still waits for its first client for ever)\n"
"      --retry TIME          retry a refused connect (or port) for TIME\n"
"      --idle-timeout TIME   no connect timeout, only an idle limit: close\n"
"                            each connection after TIME with no data either\n"
"                            way, in every mode\n"
"  -i, --interval TIME       delay between lines sent\n"
"  -d, --no-stdin            do not read stdin\n"
"      --send-only           only send; ignore what arrives\n"
"      --recv-only           only receive; never read stdin\n"
"  -W, --recv-limit N        quit after receiving N datagrams or reads\n"
"  -C, --crlf                send LF as CRLF\n"
"  -t, --telnet              refuse telnet option requests\n"
"  -o, --hex-dump FILE       hex dump of all traffic to FILE\n"
"      --output FILE         raw copy of all traffic to FILE\n"
"      --no-splice           copy through user space, never splice(2)\n"
"      --digest              at the end, bytes and SHA-256 sent and received\n"
"  -v, --verbose             status messages on stderr (-vv: more)\n"
"\n"
"Servers (with -l):\n"
"  -k, --keep-open           after a client ends, serve the next "
    "(UDP: any peer)\n"
"      --fork                serve each client in a child process (with -e,\n"
"                            -c or --recv-only)\n"
"  -e, --exec PROG           run PROG [ARGS] (split on blanks) on the socket\n"
"  -c, --sh-exec CMD         run /bin/sh -c CMD on the socket (also when\n"
"                            connecting)\n"
"      --broker              relay every client's data to all the others\n"
"      --chat                --broker, lines prefixed <userN>\n"
"      --max-conns N         at most N clients at once (--fork, --broker)\n"
"      --allow LIST          only these addresses/CIDR blocks may connect\n"
"      --deny LIST           these addresses/CIDR blocks may not connect\n"
"\n"
"Port scanning:\n"
"  -z, --zero-io             scan: connect, report, send nothing\n"
"  -r, --randomize           scan the ports in random order (and pick the\n"
"                            source port from a -p LO-HI range at random)\n"
"      --max-parallel N      probes at once (default 256; -i: one)\n"
"      --scan-format csv     print host,port,proto,state lines on stdout\n"
"\n"
"Socket options:\n"
"  -b, --broadcast           allow UDP broadcast\n"
"  -I, --recv-buf N          SO_RCVBUF size\n"
"  -O, --send-buf N          SO_SNDBUF size\n"
"  -T, --tos KEYWORD         IP TOS / traffic class (lowdelay, af11, 0x10...)\n"
"  -M, --ttl N               outgoing TTL / hop limit\n"
"  -m, --min-ttl N           drop packets arriving with a lower TTL\n"
"  -D, --debug               SO_DEBUG on the socket\n"
"  -S, --md5sig              TCP MD5 signatures (not supported on this "
    "system)\n"
"\n"
"Proxies:\n"
"  -x, --proxy ADDR[:PORT]   connect through this proxy\n"
"  -X, --proxy-type TYPE     5 (SOCKS 5, the default), 4 or connect (HTTP)\n"
"  -P, --proxy-auth USER[:PASSWORD]\n"
"                            the proxy's user (password asked if missing)\n"
"\n"
"  -h, --help                this text\n"
"  -V, --version             version\n"
"\n"
"TIME: seconds (0.5) or with a unit: 500ms, 2s, 1m, 1h.\n"
"Exit status: 0 success, 1 network failure, 2 usage error.\n";

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
