/*
 * exec.h: -e and -c: run a program with a connected socket as its
 * standard input and output.
 */
#ifndef SOCKCAT_EXEC_H
#define SOCKCAT_EXEC_H

#include "options.h"

/*
 * Become the -e or -c program for the connected socket fd: inherited
 * PROTO, TCP*, UDP*, UNIX* and NCAT_* variables removed, then the UCSPI
 * and ncat environment for fd, fd on descriptors 0 and 1, SIGPIPE back
 * to default, then exec.  Returns only if the exec failed (after saying why).
 */
void	exec_peer(const struct options *, int);

/*
 * Run the program for fd in a child and wait for it; the socket is left
 * to the caller to close.  Returns the program's exit status (128+N for
 * a signal), or EXIT_NET if no child could be made.
 */
int	exec_wait(const struct options *, int);

#endif
