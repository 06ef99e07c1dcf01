/*
 * sockunix.h: Unix-domain sockets at a path or an "@abstract" name: a
 * listener that replaces a stale socket file and never another file, and
 * a client bounded by -w.  Errors as in sock.h: -1, errno and the step.
 */
#ifndef SOCKCAT_SOCKUNIX_H
#define SOCKCAT_SOCKUNIX_H

#include "sock.h"

/*
 * A Unix-domain listener at path (stream, or datagram as the settings'
 * socktype says): a stale socket file is replaced (under the directory's
 * lock_dir_of), a live one is refused (EADDRINUSE), a file that is not a
 * socket is left alone (ENOTSOCK).
 */
int	sock_unix_listen(const struct sock_settings *, const char *,
	    enum sock_step *);

/*
 * Connect a Unix-domain socket to path within timeout_ms (-1: no limit).
 * A datagram socket is first bound to src (when not NULL) so that
 * replies can reach it; a file that bind made is removed again if the
 * connect fails.
 */
int	sock_unix_connect(const struct sock_settings *, const char *,
	    const char *, long, enum sock_step *);

#endif
