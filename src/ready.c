/*
 * ready.c: --port-file and --ready-fd: once a listener listens, the
 * address and port it took (the kernel's choice for port 0) for a
 * script to read; and --accept-timeout's one exit.  Called by serve.c
 * and broker.c; it never accepts a client.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "ready.h"
#include "status.h"
#include "util.h"

#define READY_LEN	(2 * (ADDR_HOSTLEN + ADDR_PORTLEN + 2) + 8)

/*
 * The lines into buf: "ADDR PORT\n", numeric; a dual-stack wildcard
 * serves both families and is written as both, IPv4 first (as -v says
 * it); a Unix-domain listener is its path.  Returns the length, or -1.
 */
static int
ready_text(const struct options *opt, int lfd, bool dual, char *buf)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	int			n;

	if (opt->unixsock)
		n = snprintf(buf, READY_LEN, "%s\n", opt->path);
	else {
		if (getsockname(lfd, (struct sockaddr *)&ss, &len) == -1)
			return -1;
		addr_text((struct sockaddr *)&ss, len, host, port);
		n = dual ? snprintf(buf, READY_LEN, "0.0.0.0 %s\n%s %s\n",
		    port, host, port) :
		    snprintf(buf, READY_LEN, "%s %s\n", host, port);
	}
	if (n < 0 || n >= READY_LEN) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return n;
}

/*
 * FILE appears whole or not at all: the text goes to a new file beside
 * it, which is then renamed over it; the temporary is removed on any
 * failure.  The file gets the modes umask allows, as a created file.
 */
static int
write_port_file(const char *path, const char *text, size_t len)
{
	char	*tmp;
	mode_t	 mask;
	int	 fd, saved;

	tmp = xmalloc(strlen(path) + 8);
	(void)snprintf(tmp, strlen(path) + 8, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	mask = umask(0);
	(void)umask(mask);
	if (fchmod(fd, 0666 & ~mask) == -1 ||
	    writeall(fd, text, len) != (ssize_t)len) {
		saved = errno;
		(void)close(fd);
		goto fail;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	(void)unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}

int
ready_announce(const struct options *opt, int lfd, bool dual)
{
	char	text[READY_LEN];
	int	len, r;

	if (opt->port_file == NULL && opt->ready_fd == -1)
		return 0;
	if ((len = ready_text(opt, lfd, dual, text)) == -1) {
		sc_warn("cannot name the listening socket: %s",
		    strerror(errno));
		return -1;
	}
	if (opt->port_file != NULL &&
	    write_port_file(opt->port_file, text, (size_t)len) == -1) {
		sc_warn("cannot write the port file %s: %s", opt->port_file,
		    strerror(errno));
		return -1;
	}
	if (opt->ready_fd == -1)
		return 0;
	r = writeall(opt->ready_fd, text, (size_t)len) == (ssize_t)len ?
	    0 : -1;
	if (r == -1)
		sc_warn("cannot write to --ready-fd %d: %s", opt->ready_fd,
		    strerror(errno));
	(void)close(opt->ready_fd);
	return r;
}

void
ready_give_up(const struct options *opt)
{
	char	t[32];
	long	ms = opt->accept_timeout_ms;

	if (ms % 1000 == 0)
		(void)snprintf(t, sizeof(t), "%lds", ms / 1000);
	else
		(void)snprintf(t, sizeof(t), "%ldms", ms);
	sc_warn("no client within %s, giving up", t);
	exit(exit_for(opt, FAIL_TIMEOUT));
}
