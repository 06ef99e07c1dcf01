/*
 * optcheck.h: the checks of a command line once its values are read:
 * the conflict table, ports and host words, and the operands.  The
 * lower layer of cmdline.c; every finding is a usage error.
 */
#ifndef SOCKCAT_OPTCHECK_H
#define SOCKCAT_OPTCHECK_H

#include "options.h"

/*
 * The conflict table's rows that concern the options alone: the first
 * row broken is a usage error.  The rest of the table waits for the
 * operands (opt_take_operands).
 */
void	opt_check(const struct options *);

/* A port word, a number or a service (port_proto's): 0 only if allowed. */
void	opt_check_port(const struct options *, const char *, bool);

/*
 * The positional words counted, the rest of the conflict table checked,
 * and the words put in host/port, listen_host/listen_port, path or
 * port_words, as the mode says; a client's -p read as numbers.
 */
void	opt_take_operands(struct options *, int, char *[]);

/*
 * HOST (or a listener's ADDR), -s and -x's address checked by
 * parse_host(), once the operands are taken.
 */
void	opt_check_hosts(const struct options *);

#endif
