/*
 * exec.c: -e PROG [ARGS] (split on blanks, no shell) and -c CMD (through
 * /bin/sh -c): the environment the program is owed (and none of the
 * connection variables sockcat inherited), the socket on its standard
 * input and output, and the exec.  It never touches payload.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "exec.h"
#include "util.h"

extern char	**environ;

/*
 * Does this environment entry ("NAME=value") describe a connection:
 * PROTO, or a name that starts TCP, UDP, UNIX or NCAT_ (UCSPI's
 * TCPREMOTEIP, TCP6REMOTEIP, TCPREMOTEHOST, UNIXREMOTEUID..., ncat's
 * NCAT_REMOTE_ADDR...)?  Case matters: TCL_LIBRARY or Unix_foo are not.
 */
static bool
describes_connection(const char *entry)
{
	static const char *const	prefixes[] = {
		"TCP", "UDP", "UNIX", "NCAT_"
	};
	size_t				i;

	if (strncmp(entry, "PROTO=", 6) == 0)
		return true;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/*
 * Remove every variable describing a connection from the environment.
 * Inherited (sockcat itself run by tcpserver, inetd-style, or by ncat),
 * they would describe another connection, and those of them sockcat does
 * not set (TCPREMOTEHOST, TCPREMOTEINFO, UNIXREMOTEPATH for an unnamed
 * peer) would reach the program as if they were about its own.
 */
static void
env_scrub(void)
{
	char		**names, *eq;
	size_t		  n = 0, i;

	for (i = 0; environ[i] != NULL; i++)
		;
	names = xreallocarray(NULL, i + 1, sizeof(*names));
	/* Names first: unsetenv(3) reshuffles environ under our feet. */
	for (i = 0; environ[i] != NULL; i++) {
		if (!describes_connection(environ[i]) ||
		    (eq = strchr(environ[i], '=')) == NULL)
			continue;
		names[n] = xmalloc((size_t)(eq - environ[i]) + 1);
		memcpy(names[n], environ[i], (size_t)(eq - environ[i]));
		names[n][eq - environ[i]] = '\0';
		n++;
	}
	for (i = 0; i < n; i++) {
		(void)unsetenv(names[i]);
		free(names[i]);
	}
	free(names);
}

/* Set PREFIX{IP,PORT} (UCSPI) or the ncat pair from one socket address. */
static void
export_addr(const char *proto, const char *side, int fd, int remote)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	char			name[64];
	int			r;

	memset(&ss, 0, sizeof(ss));
	r = remote ? getpeername(fd, (struct sockaddr *)&ss, &len) :
	    getsockname(fd, (struct sockaddr *)&ss, &len);
	if (r == -1 || ss.ss_family == AF_UNSPEC)
		return;
	/* An unnamed Unix socket (most stream clients): nothing to say. */
	if (ss.ss_family == AF_UNIX &&
	    len <= offsetof(struct sockaddr_un, sun_path))
		return;
	addr_text((struct sockaddr *)&ss, len, host, port);
	if (ss.ss_family == AF_UNIX) {
		(void)snprintf(name, sizeof(name), "UNIX%sPATH", side);
		(void)setenv(name, host, 1);
		(void)snprintf(name, sizeof(name), "NCAT_%s_ADDR",
		    remote ? "REMOTE" : "LOCAL");
		(void)setenv(name, host, 1);
		return;
	}
	(void)snprintf(name, sizeof(name), "%s%sIP", proto, side);
	(void)setenv(name, host, 1);
	(void)snprintf(name, sizeof(name), "%s%sPORT", proto, side);
	(void)setenv(name, port, 1);
	(void)snprintf(name, sizeof(name), "NCAT_%s_ADDR",
	    remote ? "REMOTE" : "LOCAL");
	(void)setenv(name, host, 1);
	(void)snprintf(name, sizeof(name), "NCAT_%s_PORT",
	    remote ? "REMOTE" : "LOCAL");
	(void)setenv(name, port, 1);
}

/* -e's argument string, split on blanks into a NULL-ended vector. */
static char **
split_blanks(const char *s)
{
	char	**argv, *copy, *word, *save;
	size_t	  n = 0, cap = 8;

	argv = xreallocarray(NULL, cap, sizeof(*argv));
	copy = xstrdup(s);
	for (word = strtok_r(copy, " \t", &save); word != NULL;
	    word = strtok_r(NULL, " \t", &save)) {
		if (n + 1 == cap) {
			cap *= 2;
			argv = xreallocarray(argv, cap, sizeof(*argv));
		}
		argv[n++] = word;
	}
	argv[n] = NULL;
	return argv;		/* lives until exec: never freed */
}

void
exec_peer(const struct options *opt, int fd, int about)
{
	char		  proto[8];
	char		**argv;
	size_t		  i;

	/* PROTO: "TCP", "UDP" or "UNIX", as UCSPI tools name it. */
	(void)snprintf(proto, sizeof(proto), "%s", opt->proto);
	for (i = 0; proto[i] != '\0'; i++)
		proto[i] = (char)toupper((unsigned char)proto[i]);

	env_scrub();
	(void)setenv("PROTO", proto, 1);
	(void)setenv("NCAT_PROTO", proto, 1);
	export_addr(proto, "REMOTE", about, 1);
	export_addr(proto, "LOCAL", about, 0);
	if (about != fd)
		(void)close(about);

	/* The program gets an ordinary, blocking socket on 0 and 1. */
	(void)set_nonblock(fd, false);
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1) {
		sc_warn("cannot give the socket to the program: %s",
		    strerror(errno));
		return;
	}
	if (fd > STDERR_FILENO)
		(void)close(fd);
	/* Ignored signals stay ignored across exec: give SIGPIPE back. */
	(void)signal(SIGPIPE, SIG_DFL);
	if (opt->sh_exec != NULL) {
		execl("/bin/sh", "sh", "-c", opt->sh_exec, (char *)NULL);
		sc_warn("cannot run /bin/sh: %s", strerror(errno));
		return;
	}
	argv = split_blanks(opt->exec);
	if (argv[0] == NULL) {
		sc_warn("-e names no program");
		return;
	}
	execvp(argv[0], argv);
	sc_warn("cannot run %s: %s", argv[0], strerror(errno));
}

pid_t
exec_start(const struct options *opt, int fd, int about)
{
	pid_t	pid;

	if ((pid = fork()) == -1) {
		sc_warn("fork failed: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		exec_peer(opt, fd, about);
		_exit(EXIT_NET);
	}
	return pid;
}

int
exec_reap(pid_t pid)
{
	int	status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return EXIT_NET;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
