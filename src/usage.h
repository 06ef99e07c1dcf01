/*
 * usage.h: the --help text.
 */
#ifndef SOCKCAT_USAGE_H
#define SOCKCAT_USAGE_H

/* What -h and --help print on standard output. */
extern const char usage_text[];

#endif
