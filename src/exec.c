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
#include <stdint.h>
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

#define ENV_OURS	10	/* PROTO, NCAT_PROTO and 4 a side at most */
#define ENV_NAMELEN	64
#define ENV_LEN		(ENV_NAMELEN + ADDR_HOSTLEN + 1)

/* What the program gets, ready before the process is made. */
struct plan {
	char			**argv;
	char			**envp;
	const char		 *path;	/* for execve(), or NULL: PATH */
	int			  fd;	/* on 0 and 1 */
	int			  about;	/* closed too, if not fd */
	bool			  cloexec;	/* fd closes itself at exec */
	/* Set by a child that shares our memory (vfork) when it fails. */
	volatile int		  err;
	volatile int		  dup_failed;
};

/* The variables sockcat sets, as "NAME=value" entries. */
static char	env_ours[ENV_OURS][ENV_LEN];
static size_t	env_nours;

static void
env_add(const char *name, const char *value)
{
	if (env_nours < ENV_OURS)
		(void)snprintf(env_ours[env_nours++], ENV_LEN, "%.*s=%s",
		    ENV_NAMELEN - 1, name, value);
}

/*
 * PREFIX{IP,PORT} (UCSPI) or the ncat pair from one socket address: the
 * peer's when known already (ss), or else asked of the socket.
 */
static void
export_addr(const char *proto, const char *side, int fd, int remote,
    const struct sockaddr_storage *known, socklen_t known_len)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	char			host[ADDR_HOSTLEN], port[ADDR_PORTLEN];
	char			name[ENV_NAMELEN];
	const char		*ncat = remote ? "REMOTE" : "LOCAL";
	int			r = 0;

	memset(&ss, 0, sizeof(ss));
	if (known != NULL && known_len <= sizeof(ss)) {
		memcpy(&ss, known, known_len);
		len = known_len;
	} else
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
		env_add(name, host);
		(void)snprintf(name, sizeof(name), "NCAT_%s_ADDR", ncat);
		env_add(name, host);
		return;
	}
	(void)snprintf(name, sizeof(name), "%s%sIP", proto, side);
	env_add(name, host);
	(void)snprintf(name, sizeof(name), "%s%sPORT", proto, side);
	env_add(name, port);
	(void)snprintf(name, sizeof(name), "NCAT_%s_ADDR", ncat);
	env_add(name, host);
	(void)snprintf(name, sizeof(name), "NCAT_%s_PORT", ncat);
	env_add(name, port);
}

/*
 * The program's environment, built in one go without touching ours:
 * ours without a variable describing a connection, then PROTO,
 * NCAT_PROTO and those describing the socket about.  The array and its
 * strings live until the next call: one allocation for the run, none a
 * connection (a server's memory stays flat however many it serves).
 */
static char **
env_build(const struct options *opt, int about,
    const struct sockaddr_storage *peer, socklen_t peer_len)
{
	static char	**envp;
	static size_t	  cap;
	char		  proto[8];
	size_t		  i, n = 0;

	/* PROTO: "TCP", "UDP" or "UNIX", as UCSPI tools name it. */
	(void)snprintf(proto, sizeof(proto), "%s", opt->proto);
	for (i = 0; proto[i] != '\0'; i++)
		proto[i] = (char)toupper((unsigned char)proto[i]);
	env_nours = 0;
	env_add("PROTO", proto);
	env_add("NCAT_PROTO", proto);
	export_addr(proto, "REMOTE", about, 1, peer, peer_len);
	export_addr(proto, "LOCAL", about, 0, NULL, 0);

	for (i = 0; environ[i] != NULL; i++)
		;
	if (i + ENV_OURS + 1 > cap) {
		cap = i + ENV_OURS + 1;
		envp = xreallocarray(envp, cap, sizeof(*envp));
	}
	for (i = 0; environ[i] != NULL; i++)
		if (!describes_connection(environ[i]) ||
		    strchr(environ[i], '=') == NULL)
			envp[n++] = environ[i];
	for (i = 0; i < env_nours; i++)
		envp[n++] = env_ours[i];
	envp[n] = NULL;
	return envp;
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
	return argv;
}

/* The program's argv and path, the same for every connection: once. */
static int
plan_program(const struct options *opt, struct plan *p)
{
	static char	**argv, sh_name[] = "sh", sh_flag[] = "-c";
	static char	 *sh[4] = { sh_name, sh_flag, NULL, NULL };

	if (opt->sh_exec != NULL) {
		sh[2] = (char *)(uintptr_t)opt->sh_exec;
		p->argv = sh;
		p->path = "/bin/sh";
		return 0;
	}
	if (argv == NULL)
		argv = split_blanks(opt->exec);	/* kept: never freed */
	if (argv[0] == NULL) {
		sc_warn("-e names no program");
		return -1;
	}
	p->argv = argv;
	/* A name with a slash is a path; any other is looked up. */
	p->path = strchr(argv[0], '/') != NULL ? argv[0] : NULL;
	return 0;
}

/*
 * In the new process: the socket on 0 and 1, SIGPIPE back to default
 * (ignored signals stay ignored across exec; the mask is ours, as it
 * was when sockcat started), and the exec.  Only system calls: with
 * vfork, this runs on our memory.  Returns only on failure, p->err set.
 */
static void
plan_exec(struct plan *p)
{
	struct sigaction	sa;

	if (p->about != p->fd)
		(void)close(p->about);
	if (dup2(p->fd, STDIN_FILENO) == -1 ||
	    dup2(p->fd, STDOUT_FILENO) == -1) {
		p->dup_failed = 1;
		p->err = errno;
		return;
	}
	if (p->fd > STDERR_FILENO && !p->cloexec)
		(void)close(p->fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	(void)sigaction(SIGPIPE, &sa, NULL);
	if (p->path != NULL)
		(void)execve(p->path, p->argv, p->envp);
	else {
#ifdef HAVE_EXECVPE
		(void)execvpe(p->argv[0], p->argv, p->envp);
#else
		environ = p->envp;	/* a forked child: our own copy */
		(void)execvp(p->argv[0], p->argv);
#endif
	}
	p->err = errno;
}

static void
plan_say_failure(const struct plan *p)
{
	if (p->dup_failed)
		sc_warn("cannot give the socket to the program: %s",
		    strerror(p->err));
	else
		sc_warn("cannot run %s: %s", p->path != NULL ? p->path :
		    p->argv[0], strerror(p->err));
}

/*
 * A new process for the plan: vfork where the exec needs nothing but
 * system calls (the child borrows our memory and we wait for its exec),
 * fork otherwise.  No signal is blocked around it: a handler of ours
 * that ran in the child before its exec would touch none of our memory
 * (SIGCHLD: the child has no child to reap; SIGALRM: nothing; the
 * socket-file cleanup: only in the process that owns the file, then the
 * child dies of the signal).  A new handler must stay as harmless.
 */
static pid_t
plan_start(struct plan *p)
{
	pid_t		pid;
	bool		shared;

#if defined(HAVE_VFORK) && defined(HAVE_EXECVPE)
	shared = true;
	pid = vfork();
#elif defined(HAVE_VFORK)
	shared = p->path != NULL;
	pid = shared ? vfork() : fork();
#else
	shared = false;
	pid = fork();
#endif
	if (pid == 0) {
		plan_exec(p);
		if (!shared)
			plan_say_failure(p);
		_exit(EXIT_NET);
	}
	if (pid == -1)
		sc_warn("fork failed: %s", strerror(errno));
	else if (shared && p->err != 0)
		plan_say_failure(p);
	return pid;
}

static pid_t
start(const struct options *opt, int fd, int about,
    const struct sockaddr_storage *peer, socklen_t peer_len, bool accepted)
{
	struct plan	p;
	int		fl;

	memset(&p, 0, sizeof(p));
	if (plan_program(opt, &p) == -1)
		return -1;
	p.fd = fd;
	p.about = about;
	p.cloexec = accepted;
	p.envp = env_build(opt, about, peer, peer_len);
	/* The program gets an ordinary, blocking socket on 0 and 1. */
	if (!accepted && (fl = fcntl(fd, F_GETFL)) != -1 &&
	    (fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	return plan_start(&p);
}

pid_t
exec_start(const struct options *opt, int fd, int about)
{
	return start(opt, fd, about, NULL, 0, false);
}

pid_t
exec_start_accepted(const struct options *opt, int fd,
    const struct sockaddr_storage *peer, socklen_t peer_len)
{
	return start(opt, fd, fd, peer, peer_len, true);
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
