/*
 * session.c: one connection, whatever made it (connect mode, a listener's
 * client once or under -k, a --fork child, -u -l's first peer, -u -k's
 * unconnected socket): the one place that decides between -F, a -e/-c
 * program and the pump, and turns the outcome into an exit status.  It
 * never resolves or accepts.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "digest.h"
#include "event.h"
#include "exec.h"
#include "meter.h"
#include "pump.h"
#include "session.h"
#include "sock.h"
#include "status.h"
#include "util.h"

/* -F: the socket goes to the process on our stdout. */
static int
pass_on(int fd)
{
	if (sock_pass_fd(STDOUT_FILENO, fd) == -1) {
		sc_warn("cannot pass the socket on standard output: %s",
		    strerror(errno));
		return EXIT_NET;
	}
	return EXIT_OK;
}

/*
 * The end of a pump run: --format json's "closed" event, then
 * pump_status()'s message and status, as --exit-detail maps it.
 */
static int
pump_outcome(const struct options *opt, const struct pump_result *res)
{
	int	status;

	event_closed(opt, res->sent, res->received, res->elapsed_ms);
	if ((status = pump_status(res)) != EXIT_NET)
		return status;
	switch (res->why) {
	case PUMP_LOCAL_ERROR:
		return exit_for(opt, FAIL_WRITE);
	case PUMP_NET_ERROR:
	case PUMP_UNSENT:
		return exit_for(opt, fail_of_errno(res->err));
	default:
		return status;
	}
}

/*
 * A datagram listener's program cannot be given the socket itself: a
 * datagram from another sender may lie queued behind the peer's first
 * (sent before the socket was connected), and an unconnected socket
 * hears anyone.  The program gets one end of a record socket pair; the
 * pump passes it what s->admit lets in, a datagram a record, and sends
 * its records back as datagrams.  Where the system has no record
 * sockets, the program gets the socket after all (sv[0] -1).
 */
static int
relay_program(const struct options *opt, const struct session *s)
{
	struct pump_io		io;
	struct pump_result	res;
	pid_t			pid;
	int			sv[2], pumped, status;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) == -1)
		sv[0] = sv[1] = s->fd;
	else if (set_cloexec(sv[0]) == -1 || set_nonblock(sv[0], true) == -1) {
		/* The program must not inherit our end: its input would
		 * never end. */
		sc_warn("cannot set up the program's socket: %s",
		    strerror(errno));
		(void)close(sv[0]);
		(void)close(sv[1]);
		return EXIT_NET;
	}
	pid = exec_start(opt, sv[1], s->fd);
	if (sv[0] == s->fd)		/* no record sockets: no relay */
		return pid == -1 ? EXIT_NET : exec_reap(pid);
	(void)close(sv[1]);
	if (pid == -1) {
		(void)close(sv[0]);
		return EXIT_NET;
	}
	io = (struct pump_io){ .net_in = s->fd, .net_out = s->fd,
	    .local_in = sv[0], .local_out = sv[0], .admit = s->admit,
	    .program = true };
	pump_run(opt, &io, &res);
	meter_end((struct meter_counts){ res.sent, res.received },
	    res.elapsed_ms);		/* -v: the statistics line */
	(void)close(sv[0]);		/* the program reads its EOF */
	pumped = pump_outcome(opt, &res);
	status = exec_reap(pid);
	return status != EXIT_OK ? status : pumped;
}

/* -e/-c: the program owns the connection until it exits. */
static int
run_program(const struct options *opt, const struct session *s)
{
	pid_t	pid;

	if (s->admit != NULL)
		return relay_program(opt, s);
	if ((pid = exec_start(opt, s->fd, s->fd)) == -1)
		return EXIT_NET;
	return exec_reap(pid);
}

/* The pump between the socket and stdin/stdout. */
static int
run_pump(const struct options *opt, const struct session *s)
{
	struct pump_io		io;
	struct pump_result	res;
	struct digest		dg;
	bool			fresh = s->stdin_done == NULL ||
				    !*s->stdin_done;

	io = (struct pump_io){ .net_in = s->fd, .net_out = s->fd,
	    .local_in = fresh ? STDIN_FILENO : -1,
	    .local_out = STDOUT_FILENO, .tap = s->tap,
	    .reply_to = s->reply_to, .reply_len = s->reply_len,
	    .admit = s->admit, .digest = digest_start(&dg, opt->digest) };
	pump_run(opt, &io, &res);
	meter_end((struct meter_counts){ res.sent, res.received },
	    res.elapsed_ms);		/* -v, --progress: statistics */
	digest_end(io.digest);
	if (res.stdin_eof && s->stdin_done != NULL)
		*s->stdin_done = true;
	return pump_outcome(opt, &res);
}

int
session_run(const struct options *opt, const struct session *s)
{
	if (opt->pass_fd)
		return pass_on(s->fd);
	if (opt->program)
		return run_program(opt, s);
	return run_pump(opt, s);
}
