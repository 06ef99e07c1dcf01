/*
 * meter.c: what a person watching a transfer sees of it: the statistics
 * line at a connection's end (-v, --progress; ncat's words), the same
 * line whenever SIGUSR1 asks (as dd(1) does), and --progress's line,
 * redrawn at most 4 times a second.  One connection at a time has a
 * pump in a process, so the state is this file's.  Never touches the
 * payload or a socket.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "meter.h"
#include "util.h"

#define REDRAW_MS	250	/* at most 4 redraws a second */
#define ERASE		"\033[K"	/* erase to the end of the line */

static volatile sig_atomic_t	usr1_asked;

static struct {
	bool			running;	/* a pump is moving bytes */
	bool			draw;		/* --progress, and it shows */
	bool			shown;		/* a progress line is up */
	long long		start;		/* the pump's start (ms) */
	long long		size;		/* stdin's bytes to send; -1 */
	long long		drawn_at;	/* the last redraw */
	unsigned long long	drawn_bytes;	/* both ways, then */
	double			rate;		/* bytes/s at the last redraw */
} m;

/* SIGUSR1: the figures are asked for; the pump answers. */
static void
on_usr1(int sig)
{
	(void)sig;
	usr1_asked = 1;
}

void
meter_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sa.sa_flags = 0;		/* no SA_RESTART: select() wakes */
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGUSR1, &sa, NULL);
}

void
meter_hold(sigset_t *was)
{
	sigset_t	usr1;

	(void)sigemptyset(&usr1);
	(void)sigaddset(&usr1, SIGUSR1);
	(void)sigprocmask(SIG_BLOCK, &usr1, was);
}

void
meter_release(const sigset_t *was)
{
	(void)sigprocmask(SIG_SETMASK, was, NULL);
}

/* The bytes left to send from stdin when it is a regular file, or -1. */
static long long
stdin_size(int fd)
{
	struct stat	st;
	off_t		at;

	if (fd < 0 || fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		return -1;
	if ((at = lseek(fd, 0, SEEK_CUR)) == -1)
		at = 0;
	return st.st_size > at ? (long long)(st.st_size - at) : 0;
}

/* Put s on stderr as one write; a failure is nobody's concern here. */
static void
put(const char *s, size_t len)
{
	(void)writeall(STDERR_FILENO, s, len);
}

/* n bytes in human units: "512 B", "12.3 MiB". */
static void
human(char *dst, size_t size, double n)
{
	static const char	*unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t			 i = 0;

	while (n >= 1024 && i < sizeof(unit) / sizeof(unit[0]) - 1) {
		n /= 1024;
		i++;
	}
	if (i == 0)
		(void)snprintf(dst, size, "%.0f B", n);
	else
		(void)snprintf(dst, size, "%.1f %s", n, unit[i]);
}

/* A time in seconds as M:SS, or H:MM:SS from an hour on. */
static void
clock_text(char *dst, size_t size, long long s)
{
	if (s >= 3600)
		(void)snprintf(dst, size, "%lld:%02lld:%02lld", s / 3600,
		    s / 60 % 60, s % 60);
	else
		(void)snprintf(dst, size, "%lld:%02lld", s / 60, s % 60);
}

/* The percentage and ETA of a regular file's transfer, or "". */
static void
eta_text(char *dst, size_t size, unsigned long long sent, double avg)
{
	char		eta[32];
	long long	left;
	int		pct;

	*dst = '\0';
	if (m.size < 0)
		return;
	if (m.size == 0 || sent >= (unsigned long long)m.size) {
		(void)snprintf(dst, size, "  100%%");
		return;
	}
	pct = (int)(sent * 100 / (unsigned long long)m.size);
	left = m.size - (long long)sent;
	if (avg > 0) {
		clock_text(eta, sizeof(eta), (long long)(left / avg + 0.5));
		(void)snprintf(dst, size, "  %d%%  ETA %s", pct, eta);
	} else
		(void)snprintf(dst, size, "  %d%%", pct);
}

/* Redraw the progress line for the counts at now. */
static void
draw(struct meter_counts c, long long now)
{
	char			 line[256], sent[32], recv[32], cur[32],
				 avg[32], el[32], eta[64];
	unsigned long long	 bytes = c.sent + c.received;
	long long		 since = now - m.drawn_at, run = now - m.start;
	double			 mean;
	int			 n;

	if (m.shown && since > 0)
		m.rate = (double)(bytes - m.drawn_bytes) * 1000 / since;
	mean = run > 0 ? (double)bytes * 1000 / run : 0;
	m.drawn_at = now;
	m.drawn_bytes = bytes;
	human(sent, sizeof(sent), (double)c.sent);
	human(recv, sizeof(recv), (double)c.received);
	human(cur, sizeof(cur), m.rate);
	human(avg, sizeof(avg), mean);
	clock_text(el, sizeof(el), run / 1000);
	eta_text(eta, sizeof(eta), c.sent,
	    run > 0 ? (double)c.sent * 1000 / run : 0);
	n = snprintf(line, sizeof(line), "\rsent %s  received %s  %s/s  "
	    "(avg %s/s)  %s%s" ERASE, sent, recv, cur, avg, el, eta);
	if (n > 0)
		put(line, (size_t)n < sizeof(line) ? (size_t)n :
		    sizeof(line) - 1);
	m.shown = true;
}

/* Take the progress line off the screen, if it is up. */
static void
clear(void)
{
	if (m.shown)
		put("\r" ERASE, sizeof("\r" ERASE) - 1);
	m.shown = false;
}

/* The statistics line: ncat's words, its final period included. */
static void
stats_line(unsigned long long sent, unsigned long long received,
    long long ms)
{
	sc_warn("%llu bytes sent, %llu bytes received in %.2f seconds.",
	    sent, received, (double)ms / 1000);
}

void
meter_start(const struct options *opt, int local_in, long long now)
{
	memset(&m, 0, sizeof(m));
	usr1_asked = 0;		/* asked while no connection was: said so */
	m.running = true;
	m.start = m.drawn_at = now;
	m.draw = opt->progress == PROGRESS_FORCE ||
	    (opt->progress == PROGRESS_TTY && isatty(STDERR_FILENO));
	m.size = m.draw ? stdin_size(local_in) : -1;
	if (m.draw)
		draw((struct meter_counts){ 0, 0 }, now);
}

long long
meter_tick(struct meter_counts c, long long now, long long deadline)
{
	long long	due;

	if (!m.running)
		return deadline;
	if (usr1_asked) {
		usr1_asked = 0;
		clear();
		stats_line(c.sent, c.received, now - m.start);
		if (m.draw)
			draw(c, now);
	}
	if (!m.draw)
		return deadline;
	due = m.drawn_at + REDRAW_MS;
	/* Nothing moved since, and the line says so: wait for bytes. */
	if (c.sent + c.received == m.drawn_bytes && m.rate == 0)
		return deadline;
	if (now >= due) {
		draw(c, now);
		due = now + REDRAW_MS;
	}
	return deadline_sooner(deadline, due);
}

void
meter_end(struct meter_counts c, long long elapsed_ms)
{
	bool	said = verbose > 0 || m.draw;

	clear();
	m.running = false;
	m.draw = false;
	usr1_asked = 0;
	if (said)
		stats_line(c.sent, c.received, elapsed_ms);
}
