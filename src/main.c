/*
 * main.c: the story of a sockcat run: parse, set the process up, then
 * scan (scan.c), listen (serve.c) or connect (connect.c), pump, and turn
 * why the pump stopped into an exit status.  Never touches select() or
 * the payload.
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

#include "cmdline.h"
#include "connect.h"
#include "meter.h"
#include "event.h"
#include "options.h"
#include "scan.h"
#include "serve.h"
#include "session.h"
#include "status.h"
#include "tap.h"
#include "util.h"

/* A stray SIGALRM must not end a transfer; calls it interrupts restart. */
static void
on_alarm(int sig)
{
	(void)sig;
}

/*
 * SIGPIPE ignored (EPIPE is handled where it happens), SIGALRM caught
 * (a handler, not SIG_IGN, so that -e/-c programs get the default back
 * at exec), SIGUSR1 caught (meter.c), taps opened.
 */
static void
proc_init(const struct options *opt, struct tap *tap)
{
	struct sigaction	 sa;
	const char		*bad = NULL;

	(void)signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGALRM, &sa, NULL);
	meter_signals();	/* SIGUSR1: the figures, never the end */
	if (opt->randomize)	/* -r: ports scanned, or the -p range */
		srandom((unsigned int)(now_ms() ^ (long long)getpid() << 16));
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

/* Connect mode: the connection, then its session. */
static int
connect_run(const struct options *opt, struct tap *tap)
{
	int	fd, status;

	if ((fd = connect_open(opt)) == -1)	/* it said why */
		return exit_for(opt, fail_noted(FAIL_OTHER));
	event_connected(opt, fd);
	status = session_run(opt, &(struct session){ .fd = fd, .tap = tap });
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
	proc_init(&opt, &tap);			/* signals set, -o opened */
	if (opt.mode == MODE_SCAN)
		status = scan_run(&opt);	/* 0 if any port was open */
	else if (opt.mode == MODE_LISTEN)
		status = serve_run(&opt, &tap);	/* once, -k, --fork, --broker */
	else
		status = connect_run(&opt, &tap);	/* pump or program */
	if (tap_close(&tap) == -1)		/* -o/--output: said why */
		status = exit_for(&opt, FAIL_WRITE);
	opt_free(&opt);
	return status;
}
