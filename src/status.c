/*
 * status.c: --exit-detail's table, and the failure kinds the modes note
 * on their way out (see status.h).  A leaf: it knows no socket, pump or
 * event, so the fuzz harnesses can link it.  Without --exit-detail every
 * kind is EXIT_NET, so the default statuses stay 0, 1 and 2.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>

#include "options.h"
#include "status.h"
#include "util.h"

static enum fail_kind	noted;		/* the latest, as errno */
static bool		have_noted;

int
exit_for(const struct options *opt, enum fail_kind kind)
{
	static const int	detail[] = {
		[FAIL_OTHER] = 1,
		[FAIL_REFUSED] = 1,
		[FAIL_TIMEOUT] = 3,
		[FAIL_RESOLVE] = 4,
		[FAIL_BIND] = 5,
		[FAIL_RESET] = 6,
		[FAIL_WRITE] = 7
	};

	if (!opt->exit_detail || (unsigned int)kind >=
	    sizeof(detail) / sizeof(detail[0]))
		return EXIT_NET;
	return detail[kind];
}

enum fail_kind
fail_of_errno(int err)
{
	switch (err) {
	case ECONNREFUSED:
		return FAIL_REFUSED;
	case ETIMEDOUT:
		return FAIL_TIMEOUT;
	case ECONNRESET:
	case EPIPE:
		return FAIL_RESET;
	default:
		return FAIL_OTHER;
	}
}

void
fail_note(enum fail_kind kind)
{
	noted = kind;
	have_noted = true;
}

enum fail_kind
fail_noted(enum fail_kind dflt)
{
	return have_noted ? noted : dflt;
}
