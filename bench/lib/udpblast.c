/*
 * udpblast: offer UDP datagrams to 127.0.0.1 at a fixed rate, for
 * bench/run.sh.
 *
 *	udpblast PORT COUNT SIZE MIBPS
 *
 * Sends COUNT datagrams of SIZE bytes to 127.0.0.1:PORT, paced to MIBPS
 * MiB/s (checked every 32 datagrams, the sender sleeping when ahead).
 * Send errors (the listener not there yet) are counted, not retried.
 * Prints SENT ERRORS ELAPSED_NS.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	struct timespec nap;
	long long t0, due, ahead, sent = 0, errs = 0, i, count;
	double ns_per;
	char *buf;
	int fd, size, sndbuf = 4 << 20;

	if (argc != 5)
		return 2;
	count = atoll(argv[2]);
	size = atoi(argv[3]);
	ns_per = size / (atof(argv[4]) * 1048576.0) * 1e9;
	if (count < 1 || size < 1 || size > 65507 || (buf = malloc(size)) ==
	    NULL)
		return 2;
	memset(buf, 'u', size);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		return 1;
	t0 = now_ns();
	for (i = 0; i < count; i++) {
		if ((i & 31) == 0) {
			due = t0 + (long long)(i * ns_per);
			if ((ahead = due - now_ns()) > 0) {
				nap.tv_sec = ahead / 1000000000LL;
				nap.tv_nsec = ahead % 1000000000LL;
				nanosleep(&nap, NULL);
			}
		}
		if (send(fd, buf, size, 0) == size)
			sent++;
		else
			errs++;
	}
	printf("%lld %lld %lld\n", sent, errs, now_ns() - t0);
	return 0;
}
