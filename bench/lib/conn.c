/*
 * conn: load generator for an echo server on 127.0.0.1, for bench/run.sh.
 *
 *	conn PORT TOTAL CLIENTS [TIMEOUT]
 *
 * Makes TOTAL connections, CLIENTS at a time (one thread each, every
 * thread connecting again as soon as its previous connection is done).
 * Each connection sends a short message, reads until the whole echo has
 * come back, checks it and closes (no half-close: ncat's -e ends the
 * session on the client's FIN, before the echo).  A connection that is refused,
 * times out (TIMEOUT seconds, 10 by default) or gets back other bytes counts
 * as failed.  Prints
 *
 *	OK FAILED ELAPSED_NS P50_US P99_US
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char msg[] = "sockcat bench: one echo, please\n";
static int port, total, timeout_s = 10;
static int next, failed;
static long long *lat;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One connection: 0 if the whole message came back, -1 if not. */
static int
one(void)
{
	struct sockaddr_in sin;
	struct timeval tv = { timeout_s, 0 };
	char buf[256];
	size_t got = 0;
	ssize_t n;
	int fd, rc = -1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		goto out;
	if (write(fd, msg, sizeof(msg) - 1) != (ssize_t)sizeof(msg) - 1)
		goto out;
	while (got < sizeof(msg) - 1 &&
	    (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
		got += n;
	if (got == sizeof(msg) - 1 && memcmp(buf, msg, got) == 0)
		rc = 0;
out:
	close(fd);
	return rc;
}

static void *
client(void *arg)
{
	long long t0;
	int i, rc;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&mu);
		i = next < total ? next++ : -1;
		pthread_mutex_unlock(&mu);
		if (i < 0)
			return NULL;
		t0 = now_ns();
		rc = one();
		lat[i] = now_ns() - t0;
		if (rc == -1) {
			pthread_mutex_lock(&mu);
			failed++;
			pthread_mutex_unlock(&mu);
		}
	}
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	pthread_t *th;
	long long t0, t1;
	int i, clients;

	if (argc != 4 && argc != 5)
		return 2;
	port = atoi(argv[1]);
	total = atoi(argv[2]);
	clients = atoi(argv[3]);
	if (argc == 5)
		timeout_s = atoi(argv[4]);
	if (total < 1 || clients < 1 || timeout_s < 1)
		return 2;
	lat = calloc(total, sizeof(*lat));
	th = calloc(clients, sizeof(*th));
	if (lat == NULL || th == NULL)
		return 1;
	t0 = now_ns();
	for (i = 0; i < clients; i++)
		if (pthread_create(&th[i], NULL, client, NULL) != 0)
			return 1;
	for (i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	t1 = now_ns();
	qsort(lat, total, sizeof(*lat), cmp);
	printf("%d %d %lld %lld %lld\n", total - failed, failed, t1 - t0,
	    lat[total / 2] / 1000, lat[(total * 99 + 99) / 100 - 1] / 1000);
	return 0;
}
