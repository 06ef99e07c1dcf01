/*
 * util.h: messages, verbosity, the monotonic clock, memory, whole writes
 * and descriptor flags.  Every other file may use these; util.c uses none
 * of them.
 */
#ifndef SOCKCAT_UTIL_H
#define SOCKCAT_UTIL_H

#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define EXIT_OK		0
#define EXIT_NET	1
#define EXIT_USAGE	2

#if defined(__GNUC__) || defined(__clang__)
#define SC_PRINTF(a, b)	__attribute__((format(printf, a, b)))
#define SC_NORETURN	__attribute__((noreturn))
#else
#define SC_PRINTF(a, b)
#define SC_NORETURN
#endif

extern int	verbose;	/* -v count */

/* One line on stderr: "sockcat: " and the formatted message. */
void	sc_warn(const char *, ...) SC_PRINTF(1, 2);
/* sc_warn, then exit with the given status. */
void	sc_fatal(int, const char *, ...) SC_PRINTF(2, 3) SC_NORETURN;
/* A -v status line on stderr, printed as is (no prefix), if -v. */
void	sc_status(const char *, ...) SC_PRINTF(1, 2);

/* Milliseconds on a monotonic clock. */
long long	now_ms(void);

/* Sleep ms milliseconds, signals or not. */
void	sleep_ms(long);

void	*xmalloc(size_t);
/* realloc(p, n * size), checked for overflow; never returns NULL. */
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);

/* EINTR, EAGAIN or EWOULDBLOCK: the call is worth making again later. */
bool	io_again(int);

/*
 * Whether select(2) can watch fd: 0 <= fd < FD_SETSIZE.  Every other
 * number would make FD_SET write past the fd_set.
 */
bool	fd_selectable(int);

/*
 * Add fd to a select(2) set, raising *maxfd to it.  The one way sockcat
 * fills an fd_set: false, and the set left alone, when fd is not
 * selectable.
 */
bool	fd_watch(int, fd_set *, int *);

/*
 * select(2)'s timeout for a deadline on now_ms()'s clock: NULL (wait for
 * ever) when deadline is -1, else the time left, zero once it is past.
 */
struct timeval	*select_timeout(long long, long long, struct timeval *);
struct timespec	*pselect_timeout(long long, long long, struct timespec *);

/* The deadline ms from now on now_ms()'s clock; -1 when ms is negative. */
long long	deadline_after(long);

/* The earlier of two deadlines, where a negative one is none. */
static inline long long
deadline_sooner(long long a, long long b)
{
	if (a < 0)
		return b;
	return b < 0 || a < b ? a : b;
}

/*
 * Wait until fd is readable, or writable when writing is true, but not
 * past deadline (-1: no limit); signals do not cut the wait short.
 * Returns 0, or -1 with errno (ETIMEDOUT at the deadline, EMFILE when
 * select() cannot take fd).
 */
int	fd_wait(int, bool, long long);

/* write(2) all of buf, retrying on EINTR and partial writes; -1 on error. */
ssize_t	writeall(int, const void *, size_t);

/* Turn O_NONBLOCK on (true) or off.  0, or -1. */
int	set_nonblock(int, bool);
/* Turn FD_CLOEXEC on.  0, or -1. */
int	set_cloexec(int);
/* Open /dev/null on any of descriptors 0, 1, 2 that is closed. */
void	fix_std_fds(void);

/*
 * Remove the socket file this process has just bound at path when the
 * process exits or dies of SIGINT, SIGTERM or SIGHUP (a signal ignored
 * since sockcat started stays ignored), and only if path still names
 * that socket then.  Abstract names ("@...") are skipped.
 */
void	unlink_at_exit(const char *);

/*
 * In a forked child: the files unlink_at_exit() recorded are the
 * parent's, never removed here; its signal handlers go back to the
 * default (ignored signals stay ignored).
 */
void	unlink_at_exit_disown(void);

/*
 * Lock the directory holding path (flock(2), exclusive), trying for up to
 * ms milliseconds: sockcats that replace or remove socket files there take
 * turns.  Returns the directory's descriptor (close(2) it to unlock), or
 * -1 with errno: EWOULDBLOCK if another process held the lock throughout,
 * else why the directory cannot be opened or locked.  Async-signal-safe.
 */
int	lock_dir_of(const char *, long);

/*
 * len bytes of src as text for a message, into dst (size bytes, always
 * NUL-terminated when size > 0): printable ASCII as is, a backslash
 * doubled, tab, CR and LF as \t, \r, \n, any other byte as \xHH.  What
 * does not fit is dropped, never half an escape.  Returns dst.
 */
char	*escape_bytes(char *, size_t, const void *, size_t);

#endif
