/*
 * ru: run a command and report what it cost, for bench/run.sh.
 *
 *	ru [-t SECS] [-n RUNS] [-o FILE] [-g CGROUP] CMD [ARG...]
 *
 * Runs CMD (RUNS times in a row with -n, default once), each run killed
 * with SIGKILL after SECS seconds (default 300).  A SIGTERM or SIGINT to
 * ru is passed on to the running child, so a server can be stopped and
 * still be measured.  Writes one line to FILE (default stderr):
 *
 *	START_NS END_NS USER_US SYS_US MAXRSS_KB STATUS
 *
 * times on CLOCK_MONOTONIC (comparable between processes), CPU and peak
 * RSS from wait4(2): the child and every descendant it waited for,
 * summed over the runs (RSS: the largest).  STATUS is the last run's exit
 * status, 128+N for a signal.  ru exits with STATUS.
 *
 * With -g, the child first moves itself into CGROUP (a directory ru's
 * caller made in a cgroup v2 or v1 cpuacct hierarchy), and the CPU times
 * are that cgroup's: every process of the tree, whether or not it was
 * waited for (a fork server whose children are reaped by the kernel).
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child;

static void
pass_on(int sig)
{
	if (child > 0)
		kill(child, sig);
}

static void
expire(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Read one number after KEY (NULL: the first) in FILE; -1 if none. */
static long long
read_num(const char *dir, const char *file, const char *key)
{
	char path[4096], word[64];
	long long v, found = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (key == NULL) {
		if (fscanf(f, "%lld", &v) == 1)
			found = v;
	} else {
		while (fscanf(f, "%63s %lld", word, &v) == 2)
			if (strcmp(word, key) == 0)
				found = v;
	}
	fclose(f);
	return found;
}

/* The CPU a cgroup has used, in microseconds, user and system. */
static int
cgroup_cpu(const char *dir, long long *usr, long long *sys)
{
	*usr = read_num(dir, "cpu.stat", "user_usec");
	*sys = read_num(dir, "cpu.stat", "system_usec");
	if (*usr >= 0 && *sys >= 0)
		return 0;
	*usr = read_num(dir, "cpuacct.usage_user", NULL) / 1000;
	*sys = read_num(dir, "cpuacct.usage_sys", NULL) / 1000;
	return *usr >= 0 && *sys >= 0 ? 0 : -1;
}

/* The child: into the cgroup, if any, then the command. */
static void
run_child(const char *cg, char **argv)
{
	char path[4096];
	FILE *f;

	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	if (cg != NULL) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
		if ((f = fopen(path, "w")) == NULL || fprintf(f, "0\n") < 0 ||
		    fclose(f) != 0) {
			perror("ru: cgroup");
			_exit(126);
		}
	}
	execvp(argv[0], argv);
	perror("ru: exec");
	_exit(127);
}

static long long
tv_us(struct timeval tv)
{
	return (long long)tv.tv_sec * 1000000LL + tv.tv_usec;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct rusage ru;
	long long start, end, usr = 0, sys = 0;
	long rss = 0;
	int c, status = 0, st, runs = 1, secs = 300, i;
	const char *out = NULL, *cg = NULL;
	FILE *f;
	pid_t pid;

	while ((c = getopt(argc, argv, "+t:n:o:g:")) != -1) {
		switch (c) {
		case 't': secs = atoi(optarg); break;
		case 'n': runs = atoi(optarg); break;
		case 'o': out = optarg; break;
		case 'g': cg = optarg; break;
		default: return 125;
		}
	}
	if (optind >= argc)
		return 125;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = pass_on;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = expire;
	sigaction(SIGALRM, &sa, NULL);
	start = now_ns();
	for (i = 0; i < runs; i++) {
		if ((pid = fork()) == -1) {
			perror("ru: fork");
			return 125;
		}
		if (pid == 0)
			run_child(cg, argv + optind);
		child = pid;
		alarm(secs);
		while (wait4(pid, &st, 0, &ru) == -1)
			if (errno != EINTR) {
				perror("ru: wait4");
				return 125;
			}
		alarm(0);
		child = 0;
		usr += tv_us(ru.ru_utime);
		sys += tv_us(ru.ru_stime);
		if (ru.ru_maxrss > rss)
			rss = ru.ru_maxrss;
		status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	end = now_ns();
	if (cg != NULL && cgroup_cpu(cg, &usr, &sys) == -1) {
		fprintf(stderr, "ru: cannot read the cgroup's cpu times\n");
		return 125;
	}
	f = out ? fopen(out, "w") : stderr;
	if (f == NULL) {
		perror("ru: output");
		return 125;
	}
	fprintf(f, "%lld %lld %lld %lld %ld %d\n", start, end, usr, sys, rss,
	    status);
	if (f != stderr)
		fclose(f);
	return status;
}
