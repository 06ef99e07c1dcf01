/*
 * optvalue.h: an option's value read whole, or a usage error (exit 2)
 * that names the option.
 */
#ifndef SOCKCAT_OPTVALUE_H
#define SOCKCAT_OPTVALUE_H

/* A whole decimal number in [min, max]. */
long		opt_num(const char *, long min, long max, const char *what);

/* TIME in milliseconds (-1: a negative TIME, where allow_negative). */
long		opt_time(const char *, const char *what, int allow_negative);

/* BYTES a second for --rate or --rate-recv (k, M, G: powers of 1024). */
long long	opt_rate(const char *, const char *what);

#endif
