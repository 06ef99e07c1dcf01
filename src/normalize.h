/*
 * normalize.h: the defaults and the implied fields of struct options.
 */
#ifndef SOCKCAT_NORMALIZE_H
#define SOCKCAT_NORMALIZE_H

#include "options.h"

/* Every field at its default: what no option given means. */
void	opt_defaults(struct options *);

/*
 * Every implied field from the raw values (serve, program, proto, idle
 * time, shutdown on EOF, ...).  Never fails: options that cannot go
 * together are refused by the conflict table next.
 */
void	opt_normalize(struct options *);

#endif
