/*
 * udpsink: count the UDP bytes that arrive, for bench/run.sh.
 *
 *	udpsink EXPECTED_BYTES IDLE_MS
 *
 * Binds 127.0.0.1 on a port the kernel picks and prints that port on a
 * line of its own first.  Then receives until EXPECTED_BYTES have come or,
 * once something came, nothing more has for IDLE_MS (30 s before the
 * first datagram), and prints BYTES DATAGRAMS FIRST_NS LAST_NS: the
 * arrival times of the first and last datagram (CLOCK_MONOTONIC).
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <poll.h>
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
	static char buf[65536];
	struct sockaddr_in sin;
	struct pollfd pfd;
	socklen_t len = sizeof(sin);
	long long want, bytes = 0, grams = 0, first = 0, last = 0;
	ssize_t n;
	int fd, idle, rcvbuf = 64 << 20;

	if (argc != 3)
		return 2;
	want = atoll(argv[1]);
	idle = atoi(argv[2]);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1)
		return 1;
	printf("%d\n", ntohs(sin.sin_port));
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (bytes < want) {
		if (poll(&pfd, 1, grams ? idle : 30000) <= 0)
			break;
		while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
			last = now_ns();
			if (grams++ == 0)
				first = last;
			bytes += n;
		}
	}
	printf("%lld %lld %lld %lld\n", bytes, grams, first, last);
	return 0;
}
