/*
 * status.h: --exit-detail.  The kinds of failure a run can end with, and
 * the one table that turns a kind into an exit status: EXIT_NET (1) for
 * every kind unless --exit-detail is given.
 */
#ifndef SOCKCAT_STATUS_H
#define SOCKCAT_STATUS_H

#include "options.h"

/* What went wrong; the status each earns under --exit-detail. */
enum fail_kind {
	FAIL_OTHER,		/* 1: any other network failure */
	FAIL_REFUSED,		/* 1: connection refused */
	FAIL_TIMEOUT,		/* 3: timed out */
	FAIL_RESOLVE,		/* 4: cannot resolve a name */
	FAIL_BIND,		/* 5: a local bind or listen failed */
	FAIL_RESET,		/* 6: reset by the peer */
	FAIL_WRITE		/* 7: a local write failed */
};

/* The exit status for a failure of this kind (EXIT_NET without
 * --exit-detail). */
int	exit_for(const struct options *, enum fail_kind);

/* The kind of failure an errno of a socket call stands for. */
enum fail_kind	fail_of_errno(int);

/*
 * Record the kind of the failure just said, for a caller that sees only
 * -1 (as errno: the latest stands); fail_noted() returns it, or dflt
 * when none was noted.
 */
void		fail_note(enum fail_kind);
enum fail_kind	fail_noted(enum fail_kind);

#endif
