/*
 * usage.h: the --help text, and the one way a bad command line ends.
 */
#ifndef SOCKCAT_USAGE_H
#define SOCKCAT_USAGE_H

#include "util.h"

/* What -h and --help print on standard output. */
extern const char usage_text[];

/*
 * A usage error: one line "sockcat: MESSAGE. Try 'sockcat --help'", and
 * exit 2.  Only the option files (cmdline.c, optcheck.c) call it.
 */
void	usage_error(const char *, ...) SC_PRINTF(1, 2) SC_NORETURN;

#endif
