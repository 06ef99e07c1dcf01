/*
 * exec.h: -e and -c: run a program with a connected socket as its
 * standard input and output.
 */
#ifndef SOCKCAT_EXEC_H
#define SOCKCAT_EXEC_H

#include <sys/types.h>
#include <sys/socket.h>

#include "options.h"

/*
 * Start the -e or -c program for the connection on fd: inherited PROTO,
 * TCP*, UDP*, UNIX* and NCAT_* variables left out of its environment,
 * the UCSPI and ncat variables describing the socket about (fd itself,
 * or the socket a relay serves fd from) put in, fd made blocking and put
 * on its descriptors 0 and 1 (about closed there), SIGPIPE back to
 * default, our signal mask.  The descriptors are left to the caller to
 * close.  Returns the child's pid (a child whose exec failed, said here,
 * exits EXIT_NET), or -1 after saying why there is none.
 */
pid_t	exec_start(const struct options *, int fd, int about);

/*
 * exec_start() for a socket just accepted blocking and close-on-exec,
 * from the peer at that address: no question asked of the socket that
 * the accept answered already.
 */
pid_t	exec_start_accepted(const struct options *, int fd,
	    const struct sockaddr_storage *, socklen_t);

/*
 * Wait for a program exec_start() ran.  Returns its exit status (128+N
 * for a signal), or EXIT_NET if it cannot be waited for.
 */
int	exec_reap(pid_t);

#endif
