/*
 * meter.h: a connection's figures for people: the statistics line at
 * its end (-v, --progress), the same line on SIGUSR1 while it runs, and
 * the --progress line redrawn on stderr.  The pump feeds it its counts.
 */
#ifndef SOCKCAT_METER_H
#define SOCKCAT_METER_H

#include <signal.h>

#include "options.h"

/*
 * Catch SIGUSR1 for the rest of the run: its handler only sets a flag
 * (harmless in a vfork child), without SA_RESTART so that select()
 * wakes.  Called once, at start.
 */
void		meter_signals(void);

/*
 * Around the pump's loop: SIGUSR1 held back, so that one that comes
 * between meter_tick()'s look and the wait is not left unanswered until
 * the next byte or timer.  meter_hold() stores the mask as it was, for
 * the pump to wait with in pselect() (which lets the signal in during the
 * wait only); meter_release() puts that mask back.
 */
void		meter_hold(sigset_t *);
void		meter_release(const sigset_t *);

/*
 * A connection's pump starts at now (ms): its counts are what SIGUSR1
 * asks for from here on; under --progress the line is drawn (stdin's
 * size, if a regular file, gives the percentage).  local_in is stdin,
 * or -1.
 */
void		meter_start(const struct options *, int, long long);

/* A pump's counts: bytes sent to the socket and received from it. */
struct meter_counts {
	unsigned long long	sent;
	unsigned long long	received;
};

/*
 * Once a pass of the pump, with its counts at now: a pending SIGUSR1 is
 * answered, the progress line redrawn when due.  Returns the earlier of
 * deadline and the next redraw (-1: neither).
 */
long long	meter_tick(struct meter_counts, long long, long long);

/*
 * The connection is over, its counts and elapsed ms final: the progress
 * line is cleared, and under -v or --progress the statistics line
 * printed, as ncat prints it.
 */
void		meter_end(struct meter_counts, long long);

#endif
