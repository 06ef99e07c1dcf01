/*
 * util.c: the helpers every module shares: one-line messages with the
 * "sockcat: " prefix whatever argv[0] is, a monotonic millisecond clock,
 * checked allocation, whole writes, descriptor flags, and the socket
 * files removed at exit (only by the process that bound them).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

int	verbose;

static void SC_PRINTF(2, 0)
vmessage(const char *prefix, const char *fmt, va_list ap)
{
	char	line[1024];
	size_t	len;
	int	n;

	len = strlen(prefix);
	memcpy(line, prefix, len);
	n = vsnprintf(line + len, sizeof(line) - len - 1, fmt, ap);
	if (n < 0)
		return;
	len += (size_t)n < sizeof(line) - len - 1 ? (size_t)n :
	    sizeof(line) - len - 2;
	line[len++] = '\n';
	/* One write per line, so concurrent writers never split it. */
	(void)writeall(STDERR_FILENO, line, len);
}

void
sc_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	vmessage("sockcat: ", fmt, ap);
	va_end(ap);
	errno = saved;
}

void
sc_fatal(int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vmessage("sockcat: ", fmt, ap);
	va_end(ap);
	exit(status);
}

void
sc_status(const char *fmt, ...)
{
	va_list	ap;

	if (verbose == 0)
		return;
	va_start(ap, fmt);
	vmessage("", fmt, ap);
	va_end(ap);
}

long long
now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 0;
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sleep_ms(long ms)
{
	struct timespec	ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

void *
xmalloc(size_t len)
{
	void	*p;

	if ((p = malloc(len == 0 ? 1 : len)) == NULL)
		sc_fatal(EXIT_NET, "out of memory");
	return p;
}

void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		sc_fatal(EXIT_NET, "out of memory");
	if ((p = realloc(p, n * size == 0 ? 1 : n * size)) == NULL)
		sc_fatal(EXIT_NET, "out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t	len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}

bool
io_again(int e)
{
	return e == EINTR || e == EAGAIN || e == EWOULDBLOCK;
}

bool
fd_selectable(int fd)
{
	return fd >= 0 && fd < FD_SETSIZE;
}

bool
fd_watch(int fd, fd_set *set, int *maxfd)
{
	if (!fd_selectable(fd))
		return false;
	FD_SET(fd, set);
	if (fd > *maxfd)
		*maxfd = fd;
	return true;
}

struct timeval *
select_timeout(long long deadline, long long now, struct timeval *tv)
{
	struct timespec	ts;

	if (pselect_timeout(deadline, now, &ts) == NULL)
		return NULL;
	tv->tv_sec = ts.tv_sec;
	tv->tv_usec = (suseconds_t)(ts.tv_nsec / 1000);
	return tv;
}

struct timespec *
pselect_timeout(long long deadline, long long now, struct timespec *ts)
{
	long long	left;

	if (deadline < 0)
		return NULL;
	left = deadline > now ? deadline - now : 0;
	ts->tv_sec = (time_t)(left / 1000);
	ts->tv_nsec = (long)(left % 1000) * 1000000;
	return ts;
}

long long
deadline_after(long ms)
{
	return ms < 0 ? -1 : now_ms() + ms;
}

int
fd_wait(int fd, bool writing, long long deadline)
{
	struct timeval	tv;
	fd_set		set;
	int		n, maxfd = -1;

	for (;;) {
		FD_ZERO(&set);
		if (!fd_watch(fd, &set, &maxfd)) {
			errno = EMFILE;	/* no lower number was free */
			return -1;
		}
		n = select(maxfd + 1, writing ? NULL : &set,
		    writing ? &set : NULL, NULL,
		    select_timeout(deadline, now_ms(), &tv));
		if (n > 0)
			return 0;
		if (n == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

ssize_t
writeall(int fd, const void *buf, size_t len)
{
	const char	*p = buf;
	size_t		 done = 0;
	ssize_t		 n;

	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int
set_nonblock(int fd, bool on)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFL)) == -1)
		return -1;
	return fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

int
set_cloexec(int fd)
{
	int	fl;

	if ((fl = fcntl(fd, F_GETFD)) == -1)
		return -1;
	return fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
}

void
fix_std_fds(void)
{
	int	fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* open() returns the lowest free descriptor: this one. */
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			_exit(EXIT_NET);
	}
}

#define CLEANUP_MAX	2
#define CLEANUP_LEN	128		/* sun_path is shorter everywhere */
#define CLEANUP_LOCK_MS	1000		/* at exit: not worth a long wait */

int
lock_dir_of(const char *path, long ms)
{
	char		 dir[CLEANUP_LEN];
	const char	*slash;
	long long	 deadline = deadline_after(ms);
	size_t		 len;
	int		 fd;

	/* No allocation: this runs in a signal handler too. */
	if ((slash = strrchr(path, '/')) == NULL) {
		dir[0] = '.';
		len = 1;
	} else {
		len = slash == path ? 1 : (size_t)(slash - path);
		if (len >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, len);
	}
	dir[len] = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	while (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (!io_again(errno) || now_ms() >= deadline) {
			if (io_again(errno))
				errno = EWOULDBLOCK;
			(void)close(fd);
			return -1;
		}
		sleep_ms(10);
	}
	return fd;
}

/*
 * A socket file this process bound: removed at exit only while the path
 * still names that socket (same device and inode), so a file that someone
 * moved there since is left alone.  Where O_PATH exists, a descriptor on
 * the file keeps its inode allocated: a file made there after ours was
 * removed can never get the same inode number and pass for ours.
 */
struct cleanup {
	char	path[CLEANUP_LEN];
	dev_t	dev;
	ino_t	ino;
	int	pin_fd;		/* O_PATH on the file, or -1 */
};

static const int		cleanup_sigs[] = { SIGINT, SIGTERM, SIGHUP };
static struct cleanup		cleanup_files[CLEANUP_MAX];
static volatile sig_atomic_t	cleanup_count;
static pid_t			cleanup_owner;

/* Async-signal-safe: lstat(2), open(2), flock(2), unlink(2), close(2). */
static void
cleanup_run(void)
{
	const struct cleanup	*c;
	struct stat		 st;
	int			 i, dfd;

	/* A forked child leaving through exit(): the files are the parent's. */
	if (getpid() != cleanup_owner)
		return;
	for (i = 0; i < cleanup_count; i++) {
		c = &cleanup_files[i];
		/*
		 * Under the directory's lock, as a listener replacing a stale
		 * file takes it: nobody swaps the file between our look and
		 * our unlink.  If the lock stays taken, leave the file: a
		 * stale one is replaced by the next listener anyway.
		 */
		dfd = lock_dir_of(c->path, CLEANUP_LOCK_MS);
		if (dfd == -1 && errno == EWOULDBLOCK)
			continue;
		if (lstat(c->path, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    st.st_dev == c->dev && st.st_ino == c->ino)
			(void)unlink(c->path);
		if (dfd != -1)
			(void)close(dfd);
	}
}

/* Async-signal-safe: the cleanup, then die of the same signal. */
static void
cleanup_signal(int sig)
{
	cleanup_run();
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

void
unlink_at_exit(const char *path)
{
	struct sigaction	 sa, old;
	struct cleanup		*c;
	struct stat		 st;
	size_t			 i;

	if (path[0] == '@' || strlen(path) >= CLEANUP_LEN ||
	    cleanup_count >= CLEANUP_MAX)
		return;
	c = &cleanup_files[cleanup_count];
	c->pin_fd = -1;
#ifdef O_PATH
	c->pin_fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
#endif
	/* The socket we have just bound there: its device and inode. */
	if ((c->pin_fd != -1 ? fstat(c->pin_fd, &st) : lstat(path, &st)) ==
	    -1 || !S_ISSOCK(st.st_mode)) {
		if (c->pin_fd != -1)
			(void)close(c->pin_fd);
		return;
	}
	memcpy(c->path, path, strlen(path) + 1);
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	cleanup_owner = getpid();
	if (cleanup_count++ > 0)
		return;
	(void)atexit(cleanup_run);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cleanup_signal;
	(void)sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(cleanup_sigs) / sizeof(cleanup_sigs[0]); i++) {
		/* Ignored when we started (nohup): the user wants it so. */
		if (sigaction(cleanup_sigs[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		(void)sigaction(cleanup_sigs[i], &sa, NULL);
	}
}

void
unlink_at_exit_disown(void)
{
	struct sigaction	sa;
	size_t			i;

	for (i = 0; i < (size_t)cleanup_count; i++)
		if (cleanup_files[i].pin_fd != -1)
			(void)close(cleanup_files[i].pin_fd);
	cleanup_count = 0;
	for (i = 0; i < sizeof(cleanup_sigs) / sizeof(cleanup_sigs[0]); i++)
		if (sigaction(cleanup_sigs[i], NULL, &sa) == 0 &&
		    sa.sa_handler == cleanup_signal)
			(void)signal(cleanup_sigs[i], SIG_DFL);
}

char *
escape_bytes(char *dst, size_t size, const void *src, size_t len)
{
	const unsigned char	*s = src;
	char			 one[5];
	size_t			 i, n, used = 0;

	if (size == 0)
		return dst;
	for (i = 0; i < len; i++) {
		if (s[i] == '\\')
			n = (size_t)snprintf(one, sizeof(one), "\\\\");
		else if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
			n = (size_t)snprintf(one, sizeof(one), "\\%c",
			    s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' : 't');
		else if (s[i] >= 0x20 && s[i] < 0x7f)
			n = (size_t)snprintf(one, sizeof(one), "%c", s[i]);
		else
			n = (size_t)snprintf(one, sizeof(one), "\\x%02x", s[i]);
		if (used + n >= size)
			break;		/* never half an escape */
		memcpy(dst + used, one, n);
		used += n;
	}
	dst[used] = '\0';
	return dst;
}
