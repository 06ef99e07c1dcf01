/*
 * tap.h: the -o FILE hex dump and the --output FILE raw copy, the
 * taps the pump writes every byte it moves through.
 */
#ifndef SOCKCAT_TAP_H
#define SOCKCAT_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct tap {
	FILE			*hex;		/* -o, or NULL */
	FILE			*raw;		/* --output, or NULL */
	const char		*hex_path;	/* their names, for messages */
	const char		*raw_path;
	unsigned long long	 sent_off;	/* bytes dumped per direction */
	unsigned long long	 recv_off;
	bool			 failed;	/* a write failed, said once */
};

#define TAP_SENT	'>'
#define TAP_RECV	'<'

/*
 * Open the files named by -o and --output (either may be NULL).  Returns
 * 0, or -1 with errno set and *bad naming the file that failed.
 */
int	tap_open(struct tap *, const char *, const char *, const char **);

/*
 * Record len bytes moving in direction dir (TAP_SENT or TAP_RECV).  A
 * file that cannot be written is reported once and written no more.
 */
void	tap_record(struct tap *, int, const void *, size_t);

/*
 * Close the files; -1 if any write to them failed (already reported),
 * which makes the exit status 1.
 */
int	tap_close(struct tap *);

#endif
