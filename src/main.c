/*
 * main.c: the story of a sockcat run: parse, set the process up, then
 * listen (serve.c) or connect (here), pump, and turn why the pump stopped
 * into an exit status.  Never touches select() or the payload.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "addr.h"
#include "exec.h"
#include "hexdump.h"
#include "options.h"
#include "pump.h"
#include "scan.h"
#include "serve.h"
#include "sock.h"
#include "util.h"

/* SIGPIPE ignored (EPIPE is handled where it happens), taps opened. */
static void
proc_init(const struct options *opt, struct tap *tap)
{
	const char	*bad = NULL;

	(void)signal(SIGPIPE, SIG_IGN);
	if (tap_open(tap, opt->hex_dump, opt->output, &bad) == -1)
		sc_fatal(EXIT_NET, "cannot open %s: %s", bad, strerror(errno));
	if (opt->dccp) {
		/* Say plainly when the kernel has no DCCP at all. */
		int	fd = socket(AF_INET, opt->socktype, opt->protocol);

		if (fd == -1)
			sc_fatal(EXIT_NET, "DCCP is not available: %s",
			    strerror(errno));
		(void)close(fd);
	}
}

/* A private name for a Unix datagram client's reply socket. */
static int
unix_reply_path(char *path, size_t len)
{
	const char	*dir = getenv("TMPDIR");
	int		 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, len, "%s/sockcat.XXXXXX", dir) >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = mkstemp(path)) == -1)
		return -1;
	/* The name is ours; bind(2) wants it free. */
	(void)close(fd);
	(void)unlink(path);
	return 0;
}

static int
open_unix_client(const struct options *opt)
{
	char		 reply[108];
	const char	*src = opt->source, *what;
	int		 fd;

	if (opt->socktype == SOCK_DGRAM && src == NULL) {
		if (unix_reply_path(reply, sizeof(reply)) == -1) {
			sc_warn("cannot make a reply socket: %s",
			    strerror(errno));
			return -1;
		}
		src = reply;
	}
	if ((fd = sock_unix_connect(opt, opt->path, src, &what)) == -1) {
		sc_warn("%s %s failed: %s", what,
		    strcmp(what, "bind") == 0 ? src : opt->path,
		    strerror(errno));
		return -1;
	}
	/* Only once the bind is ours: never remove someone else's file. */
	if (src != NULL)
		unlink_at_exit(src);
	sc_status("Connection to %s succeeded!", opt->path);
	return fd;
}

static void
say_connected(const struct options *opt, const struct addrinfo *ai)
{
	char	host[ADDR_HOSTLEN], port[ADDR_PORTLEN], service[64];

	if (verbose == 0)
		return;
	addr_text(ai->ai_addr, ai->ai_addrlen, host, port);
	addr_service(opt_proto(opt), atoi(port), service, sizeof(service));
	if (strcmp(host, opt->host) == 0)
		sc_status("Connection to %s %s port [%s/%s] succeeded!",
		    host, port, opt_proto(opt), service);
	else
		sc_status("Connection to %s (%s) %s port [%s/%s] succeeded!",
		    opt->host, host, port, opt_proto(opt), service);
}

/* Bind -s/-p for one address family; NULL when neither was given. */
static int
source_for(const struct options *opt, int family, struct addrinfo **src)
{
	int	gai;

	if ((gai = addr_source(opt, family, src)) != 0)
		sc_warn("cannot resolve source %s port %s: %s",
		    opt->source != NULL ? opt->source : "(any)",
		    opt->source_port != NULL ? opt->source_port : "0",
		    gai_strerror(gai));
	return gai == 0 ? 0 : -1;
}

/*
 * Resolve HOST PORT and connect to each address in turn until one
 * answers.  Every failure is reported; returns the socket or -1.
 */
static int
open_client(const struct options *opt)
{
	struct addrinfo	*res, *ai, *src;
	const char	*what = "connect";
	char		 host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	int		 fd = -1, gai, saved = 0;

	if (opt->unixsock)
		return open_unix_client(opt);
	if ((gai = addr_resolve(opt, opt->host, opt->port, 0, &res)) != 0) {
		sc_warn("cannot resolve %s port %s: %s", opt->host, opt->port,
		    gai_strerror(gai));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if (source_for(opt, ai->ai_family, &src) == -1) {
			saved = EADDRNOTAVAIL;
			what = "bind";
			continue;
		}
		fd = sock_connect(opt, ai, src, opt->wait_ms, &what);
		saved = errno;
		if (src != NULL)
			freeaddrinfo(src);
		if (fd != -1) {
			say_connected(opt, ai);
			break;
		}
		if (verbose > 0 && (ai != res || ai->ai_next != NULL)) {
			addr_text(ai->ai_addr, ai->ai_addrlen, host, port);
			sc_warn("%s to %s (%s) port %s (%s) failed: %s", what,
			    opt->host, host, port, opt_proto(opt),
			    strerror(saved));
		}
	}
	freeaddrinfo(res);
	if (fd == -1)
		sc_warn("%s to %s port %s (%s) failed: %s", what, opt->host,
		    opt->port, opt_proto(opt), strerror(saved));
	return fd;
}

/* Connect mode: the connection, then the pump or the program. */
static int
connect_run(const struct options *opt, struct tap *tap)
{
	struct pump_io		io;
	struct pump_result	res;
	int			fd, status;

	if ((fd = open_client(opt)) == -1)
		return EXIT_NET;		/* open_client said why */
	if (opt->exec != NULL || opt->sh_exec != NULL)
		status = exec_wait(opt, fd);	/* the program's */
	else {
		io = (struct pump_io){ fd, fd, STDIN_FILENO, STDOUT_FILENO,
		    tap, NULL, NULL };
		pump_run(opt, &io, &res);
		status = pump_status(&res);
	}
	(void)close(fd);
	return status;
}

int
main(int argc, char *argv[])
{
	struct options	opt;
	struct tap	tap;
	int		status;

	fix_std_fds();				/* no socket on 0, 1 or 2 */
	opt_parse(&opt, argc, argv);		/* bad usage exits 2 in here */
	proc_init(&opt, &tap);			/* SIGPIPE ignored, -o opened */
	if (opt.mode == MODE_SCAN)
		status = scan_run(&opt);		/* 0 if any port was open */
	else if (opt.mode == MODE_LISTEN)
		status = serve_run(&opt, &tap);	/* once, -k, --fork, --broker */
	else
		status = connect_run(&opt, &tap);	/* pump or program */
	tap_close(&tap);
	acl_free(&opt.acl);
	return status;
}
