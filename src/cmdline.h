/*
 * cmdline.h: the command line into struct options (options.h).
 */
#ifndef SOCKCAT_CMDLINE_H
#define SOCKCAT_CMDLINE_H

#include "options.h"

/*
 * Parse argv into *opt; usage errors print one line and exit 2 (a system
 * without -Z's DCCP exits 1).
 */
void	opt_parse(struct options *, int, char *[]);

/* Free what opt_parse() allocated. */
void	opt_free(struct options *);

#endif
