/*
 * refcat: the least a one-way copy over a socket can cost, as a yardstick
 * for bench/run.sh ("ref-rw" and "ref-splice" in its tables).  No select,
 * no options, no error recovery: one blocking loop.
 *
 *   refcat [-s] -l PORT     accept one client on 127.0.0.1:PORT, copy it
 *                           to stdout until its EOF
 *   refcat [-s] PORT        connect to 127.0.0.1:PORT, copy stdin to it,
 *                           then shut down the write side and quit
 *   refcat -u -l PORT       bind UDP 127.0.0.1:PORT, write every datagram
 *                           to stdout until killed: recvmmsg(2) of up
 *                           to 64, then one writev(2) (the least a
 *                           batched datagram receive costs; ref-rw's
 *                           UDP receive)
 *   refcat -e PROG -l PORT  accept on 127.0.0.1:PORT for ever; each client
 *                           gets PROG (no arguments) by vfork and exec on
 *                           the socket as stdin and stdout; children
 *                           reaped by the kernel (SIGCHLD ignored): the
 *                           least a fork + exec server costs (ref-rw's
 *                           fork server)
 *   -U: PORT is a Unix-domain socket path instead
 *   -s: splice(2) through a pipe (Linux) instead of read/write
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(128 * 1024)
#define SLOTS	64		/* datagrams a recvmmsg takes */

static int
sock_for(int unix_sock, int type, const char *where, int listening)
{
	struct sockaddr_in	 in;
	struct sockaddr_un	 un;
	struct sockaddr		*sa;
	socklen_t		 len;
	int			 fd, one = 1;

	if (unix_sock) {
		memset(&un, 0, sizeof(un));
		un.sun_family = AF_UNIX;
		(void)snprintf(un.sun_path, sizeof(un.sun_path), "%s", where);
		sa = (struct sockaddr *)&un;
		len = sizeof(un);
	} else {
		memset(&in, 0, sizeof(in));
		in.sin_family = AF_INET;
		in.sin_port = htons((unsigned short)atoi(where));
		in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa = (struct sockaddr *)&in;
		len = sizeof(in);
	}
	if ((fd = socket(sa->sa_family, type, 0)) == -1)
		err(1, "socket");
	if (type == SOCK_DGRAM) {
		if (bind(fd, sa, len) == -1)
			err(1, "bind");
		return fd;
	}
	if (!listening) {
		if (connect(fd, sa, len) == -1)
			err(1, "connect");
		return fd;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, sa, len) == -1 || listen(fd, 128) == -1)
		err(1, "bind/listen");
	return fd;
}

static void
copy_rw(int from, int to)
{
	static char	buf[CHUNK];
	ssize_t		n, off, w;

	while ((n = read(from, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(to, buf + off, (size_t)(n - off))) <= 0)
				err(1, "write");
	if (n == -1)
		err(1, "read");
}

static void
copy_splice(int from, int to)
{
	int	p[2];
	ssize_t	n, w;

	if (pipe(p) == -1)
		err(1, "pipe");
	while ((n = splice(from, NULL, p[1], NULL, CHUNK, SPLICE_F_MOVE)) > 0)
		for (; n > 0; n -= w)
			if ((w = splice(p[0], NULL, to, NULL, (size_t)n,
			    SPLICE_F_MOVE)) <= 0)
				err(1, "splice out");
	if (n == -1)
		err(1, "splice in");
}

static void
recv_dgrams(int from, int to)
{
	static char	slot[SLOTS][65536];
	struct mmsghdr	m[SLOTS];
	struct iovec	in[SLOTS], out[SLOTS];
	int		i, n;

	for (;;) {
		memset(m, 0, sizeof(m));
		for (i = 0; i < SLOTS; i++) {
			in[i].iov_base = slot[i];
			in[i].iov_len = sizeof(slot[i]);
			m[i].msg_hdr.msg_iov = &in[i];
			m[i].msg_hdr.msg_iovlen = 1;
		}
		if ((n = recvmmsg(from, m, SLOTS, MSG_WAITFORONE, NULL)) <= 0)
			err(1, "recvmmsg");
		for (i = 0; i < n; i++) {
			out[i].iov_base = slot[i];
			out[i].iov_len = m[i].msg_len;
		}
		if (writev(to, out, n) == -1)
			err(1, "writev");
	}
}

static void
serve_exec(int lfd, const char *prog)
{
	int	conn;

	(void)signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if ((conn = accept(lfd, NULL, NULL)) == -1)
			err(1, "accept");
		if (vfork() == 0) {
			(void)dup2(conn, 0);
			(void)dup2(conn, 1);
			(void)execl(prog, prog, (char *)NULL);
			_exit(127);
		}
		(void)close(conn);
	}
}

int
main(int argc, char *argv[])
{
	int		 c, listening = 0, use_splice = 0, unix_sock = 0, udp = 0,
			 fd, conn;
	const char	*prog = NULL;

	while ((c = getopt(argc, argv, "e:lsuU")) != -1)
		switch (c) {
		case 'e':
			prog = optarg;
			break;
		case 'l':
			listening = 1;
			break;
		case 's':
			use_splice = 1;
			break;
		case 'u':
			udp = 1;
			break;
		case 'U':
			unix_sock = 1;
			break;
		default:
			return 2;
		}
	if (optind != argc - 1)
		errx(2, "usage: refcat [-s] [-U] [-l] PORT|PATH | -u -l PORT | "
		    "-e PROG -l PORT");
	fd = sock_for(unix_sock, udp ? SOCK_DGRAM : SOCK_STREAM,
	    argv[optind], listening);
	if (udp) {
		recv_dgrams(fd, 1);
		return 0;
	}
	if (prog != NULL)
		serve_exec(fd, prog);
	if (listening) {
		if ((conn = accept(fd, NULL, NULL)) == -1)
			err(1, "accept");
		(use_splice ? copy_splice : copy_rw)(conn, 1);
		return 0;
	}
	(use_splice ? copy_splice : copy_rw)(0, fd);
	(void)shutdown(fd, SHUT_WR);
	return 0;
}
