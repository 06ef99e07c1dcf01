/*
 * freeport: print a port that nothing on 127.0.0.1 or ::1 is bound to, for
 * tests/helpers.bash (free_port, free_ports): a Python interpreter started
 * for it cost the suite a quarter of a minute of CPU a run.
 *
 *	freeport tcp|udp	a port free for that protocol in both families
 *	freeport -n N		P such that P .. P+N-1 are free for TCP and
 *				UDP in both families; P is printed
 *
 * The kernel picks the port (a bind to port 0 on 127.0.0.1); it is then
 * tried on ::1, and on failure the kernel is asked again, at most 1000
 * times.  Exit status 1 if no port was found, 2 on bad arguments.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRIES	1000

/* Whether a socket of this family and type can be bound to PORT. */
static int
bindable(int family, int type, unsigned port)
{
	struct sockaddr_in	v4;
	struct sockaddr_in6	v6;
	int			fd, ok;

	if ((fd = socket(family, type, 0)) == -1)
		return 0;
	if (family == AF_INET) {
		memset(&v4, 0, sizeof(v4));
		v4.sin_family = AF_INET;
		v4.sin_port = htons((unsigned short)port);
		v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		ok = bind(fd, (struct sockaddr *)&v4, sizeof(v4)) == 0;
	} else {
		memset(&v6, 0, sizeof(v6));
		v6.sin6_family = AF_INET6;
		v6.sin6_port = htons((unsigned short)port);
		v6.sin6_addr = in6addr_loopback;
		ok = bind(fd, (struct sockaddr *)&v6, sizeof(v6)) == 0;
	}
	(void)close(fd);
	return ok;
}

/* A port the kernel gives a socket of TYPE bound on 127.0.0.1; 0 if none. */
static unsigned
kernel_port(int type)
{
	struct sockaddr_in	a;
	socklen_t		len = sizeof(a);
	unsigned		port = 0;
	int			fd;

	if ((fd = socket(AF_INET, type, 0)) == -1)
		return 0;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	(void)close(fd);
	return port;
}

/* Whether PORT is free in both families: for TYPE, or (all) TCP and UDP. */
static int
free_for(unsigned port, int type, int all)
{
	static const int	types[] = { SOCK_STREAM, SOCK_DGRAM };
	static const int	families[] = { AF_INET, AF_INET6 };
	size_t			f, t;

	for (f = 0; f < 2; f++)
		for (t = 0; t < 2; t++)
			if ((all || types[t] == type) &&
			    !bindable(families[f], types[t], port))
				return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	unsigned	base, i, n = 1;
	int		type = SOCK_STREAM, all = 0, tries;

	if (argc == 3 && strcmp(argv[1], "-n") == 0) {
		n = (unsigned)strtoul(argv[2], NULL, 10);
		all = 1;
	} else if (argc == 2 && strcmp(argv[1], "udp") == 0) {
		type = SOCK_DGRAM;
	} else if (argc != 2 || strcmp(argv[1], "tcp") != 0) {
		fprintf(stderr, "usage: freeport tcp|udp | freeport -n N\n");
		return 2;
	}
	if (n < 1 || n > 1000) {
		fprintf(stderr, "freeport: N must be 1 to 1000\n");
		return 2;
	}
	for (tries = 0; tries < TRIES; tries++) {
		if ((base = kernel_port(all ? SOCK_STREAM : type)) == 0 ||
		    base + n - 1 > 65535)
			continue;
		for (i = 0; i < n && free_for(base + i, type, all); i++)
			;
		if (i == n) {
			printf("%u\n", base);
			return 0;
		}
	}
	fprintf(stderr, "freeport: no free port found\n");
	return 1;
}
