/*
 * fuzz/proxy.c: the -x handshakes (src/proxy.c: SOCKS 4, SOCKS 5 with and
 * without user and password, HTTP CONNECT) against a hostile proxy whose
 * whole reply, then EOF, waits in a socketpair.  recv() and send() in
 * proxy.c go through wrappers here that cut every call at random points
 * and now and then fail with EINTR or EAGAIN, the same way for the same
 * input.  The model, written here, says for each reply whether the
 * handshake must succeed, must fail, or may do either (where a strict and
 * a lenient reading both are right), and where the proxy's answer ends:
 *
 * - on success, the bytes left unread are exactly those after the answer
 *   (never one read past it) and nothing was printed;
 * - on failure, one clean line: "sockcat: ", printable ASCII, one '\n'.
 *
 * proxy.c is compiled into this file, with recv and send renamed.
 * Input: byte 0 the setup (bits 0-1: 0 SOCKS 4, 2 CONNECT, else SOCKS 5;
 * bit 2: -P user:password; bits 3-4: HOST an IPv4 address, [IPv6], a
 * name, bare IPv6), byte 1 the seed of the cuts, then the proxy's reply.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static ssize_t	fuzz_recv(int, void *, size_t, int);
static ssize_t	fuzz_send(int, const void *, size_t, int);

#define recv	fuzz_recv
#define send	fuzz_send
#include "../src/proxy.c"
#undef recv
#undef send

#define REPLY_MAX	16384
#define LINE_LONG	1000	/* longer lines: a limit may refuse them */

static struct fuzz_rng	rng;

/* A random cut, or a spurious EINTR or EAGAIN, before the real call. */
static ssize_t
fuzz_recv(int fd, void *p, size_t len, int flags)
{
	uint32_t	v = fuzz_rng_next(&rng);

	if (v % 16 == 0) {
		errno = v & 16 ? EINTR : EAGAIN;
		return -1;
	}
	return recv(fd, p, fuzz_rng_chunk(&rng, len), flags);
}

static ssize_t
fuzz_send(int fd, const void *p, size_t len, int flags)
{
	uint32_t	v = fuzz_rng_next(&rng);

	if (v % 16 == 0) {
		errno = v & 16 ? EINTR : EAGAIN;
		return -1;
	}
	return send(fd, p, fuzz_rng_chunk(&rng, len), flags | MSG_NOSIGNAL);
}

enum verdict { MUST_FAIL, MUST_PASS, EITHER };

/* A verdict that holds only if a lenient reading is also right. */
static enum verdict
lenient(enum verdict v, bool strict_ok)
{
	return v == MUST_PASS && !strict_ok ? EITHER : v;
}

static enum verdict
model_socks4(const uint8_t *r, size_t n, size_t *end)
{
	*end = 8;
	if (n < 8 || r[1] != 90)
		return MUST_FAIL;
	return lenient(MUST_PASS, r[0] == 0);	/* VN: 0, some send 4 */
}

/* RFC 1928 and RFC 1929. */
static enum verdict
model_socks5(const uint8_t *r, size_t n, bool auth, size_t *end)
{
	enum verdict	v = MUST_PASS;
	size_t		at = 2;

	if (n < 2 || r[0] != 5)
		return MUST_FAIL;
	if (r[1] == 2 && auth) {
		if (n < at + 2 || r[at + 1] != 0)
			return MUST_FAIL;
		v = lenient(v, r[at] == 1);	/* the sub-negotiation's VER */
		at += 2;
	} else if (r[1] != 0)
		return MUST_FAIL;
	if (n < at + 4 || r[at] != 5 || r[at + 1] != 0)
		return MUST_FAIL;
	v = lenient(v, r[at + 2] == 0);		/* RSV */
	if (r[at + 3] == 1)
		at += 4 + 4;
	else if (r[at + 3] == 4)
		at += 4 + 16;
	else if (r[at + 3] == 3 && n > at + 4) {
		v = lenient(v, r[at + 4] > 0);	/* an empty name */
		at += 4 + 1 + r[at + 4];
	} else
		return MUST_FAIL;
	*end = at + 2;
	return n < *end ? MUST_FAIL : v;
}

static bool
digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

/*
 * The status line, CR dropped: "HTTP/1.x 2xx " then anything must pass;
 * after a version d.d and a blank, anything but three digits then a
 * blank must fail, as must a code other than 2xx; three digits at the
 * end of the line, or an odd version, may go either way.
 */
static enum verdict
model_status(const uint8_t *l, size_t n)
{
	const uint8_t	*c;
	size_t		 left;

	if (n < 5 || memcmp(l, "HTTP/", 5) != 0)
		return MUST_FAIL;
	if (n < 9 || !digit(l[5]) || l[6] != '.' || !digit(l[7]) ||
	    l[8] != ' ')
		return EITHER;
	c = l + 9;
	left = n - 9;
	if (left < 3 || !digit(c[0]) || !digit(c[1]) || !digit(c[2]))
		return MUST_FAIL;
	if (c[0] != '2')
		return MUST_FAIL;
	if (left == 3 || c[3] == '\0')
		return EITHER;			/* no blank after the code */
	if (c[3] != ' ')
		return MUST_FAIL;
	return lenient(MUST_PASS, l[5] == '1' && (l[7] == '0' || l[7] == '1'));
}

/* The status line, then header lines up to an empty one (CR LF or LF). */
static enum verdict
model_http(const uint8_t *r, size_t n, size_t *end)
{
	const uint8_t	*lf;
	enum verdict	 v = EITHER;
	size_t		 at = 0, len;
	bool		 first = true;

	for (;;) {
		if ((lf = memchr(r + at, '\n', n - at)) == NULL)
			return MUST_FAIL;
		len = (size_t)(lf - (r + at));
		if (len > 0 && r[at + len - 1] == '\r')
			len--;
		if (first) {
			if ((v = model_status(r + at, len)) == MUST_FAIL)
				return MUST_FAIL;
			first = false;
		} else if (len == 0) {
			*end = (size_t)(lf - r) + 1;
			return v;
		}
		v = lenient(v, len < LINE_LONG);
		at = (size_t)(lf - r) + 1;
	}
}

/* One line, "sockcat: " first, printable ASCII, one newline at the end. */
static void
check_message(const char *m, size_t n)
{
	size_t	i;

	FUZZ_CHECK(n > 10 && strncmp(m, "sockcat: ", 9) == 0 &&
	    m[n - 1] == '\n', "not one sockcat line: \"%.*s\"", (int)n, m);
	for (i = 0; i < n - 1; i++)
		FUZZ_CHECK(m[i] >= 0x20 && m[i] < 0x7f, "byte 0x%02x at %zu in "
		    "the message: \"%.*s\"", (unsigned char)m[i], i, (int)n, m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const	hosts[] = { "192.0.2.7",
		"[2001:db8::7]", "peer.example", "2001:db8::7" };
	static char			left[REPLY_MAX + 1], msg[2048];
	static int			errfd = -1;
	struct options			opt;
	const uint8_t			*reply;
	enum verdict			 want;
	size_t				 n, end = 0, nleft = 0;
	ssize_t				 k, nmsg;
	int				 sv[2], saved, r, type;

	if (size < 2 || size - 2 > REPLY_MAX)
		return 0;
	reply = data + 2;
	n = size - 2;
	fuzz_rng_seed(&rng, data[1]);
	if (errfd == -1)
		FUZZ_CHECK((errfd = fileno(tmpfile())) != -1, "no tmpfile");

	memset(&opt, 0, sizeof(opt));
	type = data[0] & 3;
	opt.proxy_type = type == 0 ? PROXY_SOCKS4 : type == 2 ?
	    PROXY_CONNECT : PROXY_SOCKS5;
	opt.proxy_user = data[0] & 4 ? "fuzz:secret" : NULL;
	opt.host = hosts[data[0] >> 3 & 3];
	opt.port = "80";
	opt.proxy_host = "proxy.example";
	opt.family = AF_UNSPEC;
	opt.socktype = SOCK_STREAM;
	opt.nodns = true;
	opt.wait_ms = 5000;		/* a hang is a finding too */

	if (opt.proxy_type == PROXY_SOCKS4)
		want = data[0] >> 3 & 3 ? MUST_FAIL :	/* IPv4 only */
		    model_socks4(reply, n, &end);
	else if (opt.proxy_type == PROXY_SOCKS5)
		want = model_socks5(reply, n, opt.proxy_user != NULL, &end);
	else
		want = model_http(reply, n, &end);

	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
	    "socketpair: %s", strerror(errno));
	FUZZ_CHECK(n == 0 || writeall(sv[1], reply, n) == (ssize_t)n,
	    "filling the socketpair failed");
	(void)shutdown(sv[1], SHUT_WR);

	FUZZ_CHECK(ftruncate(errfd, 0) == 0 && lseek(errfd, 0, SEEK_SET) == 0,
	    "emptying the message file failed");
	saved = dup(STDERR_FILENO);
	(void)dup2(errfd, STDERR_FILENO);
	r = proxy_handshake(&opt, sv[0]);
	(void)dup2(saved, STDERR_FILENO);
	(void)close(saved);
	nmsg = pread(errfd, msg, sizeof(msg), 0);

	FUZZ_CHECK(r == 0 || r == -1, "proxy_handshake() = %d", r);
	FUZZ_CHECK(want != MUST_PASS || r == 0, "a good answer refused: "
	    "\"%.*s\"", (int)nmsg, msg);
	FUZZ_CHECK(want != MUST_FAIL || r == -1, "a bad answer taken");
	if (r == 0) {
		FUZZ_CHECK(nmsg == 0, "success, yet \"%.*s\"", (int)nmsg, msg);
		(void)set_nonblock(sv[0], true);
		while ((k = recv(sv[0], left + nleft, sizeof(left) - nleft,
		    0)) > 0)
			nleft += (size_t)k;
		FUZZ_CHECK(k == 0, "reading what is left: %s", strerror(errno));
		FUZZ_CHECK(nleft == n - end && memcmp(left, reply + end,
		    nleft) == 0, "%zu bytes left unread, not the %zu after "
		    "the answer", nleft, n - end);
	} else
		check_message(msg, nmsg > 0 ? (size_t)nmsg : 0);
	(void)close(sv[0]);
	(void)close(sv[1]);
	return 0;
}
