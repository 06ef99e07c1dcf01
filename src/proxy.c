/*
 * proxy.c: -x.  Once connect.c has reached the proxy, ask it for the
 * connection to HOST PORT: SOCKS 4, SOCKS 5 (RFC 1928; user and password,
 * RFC 1929, under -P) or HTTP CONNECT (Basic authorization under -P).  It
 * never reads past the proxy's answer: what follows is the peer's data.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "addr.h"
#include "netopt.h"
#include "parse.h"
#include "proxy.h"
#include "status.h"
#include "util.h"

#define HTTP_LINE_MAX	8192	/* longest status or header line taken */

/*
 * Zero a buffer that held a password so that the compiler cannot skip it
 * as a dead store: explicit_bzero(3), or writes through a volatile pointer
 * where the system lacks it.
 */
static void
wipe(void *p, size_t len)
{
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, len);
#else
	volatile unsigned char	*v = p;

	while (len-- > 0)
		*v++ = 0;
#endif
}

struct talk {
	const struct options	*opt;
	int			 fd;
	long long		 deadline;	/* -w; -1: none */
	char			 host[NI_MAXHOST];	/* HOST, no brackets */
	long			 port;		/* PORT as a number */
	char			 pass[256];	/* -P's password, once known */
};

static int
send_all(struct talk *t, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	while (len > 0) {
		if ((n = send(t->fd, p, len, 0)) > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == -1 && !io_again(errno))
			return -1;
		else if (n == -1 && errno != EINTR &&
		    fd_wait(t->fd, true, t->deadline) == -1)
			return -1;
	}
	return 0;
}

/* Exactly len bytes; the proxy closing first is an error (ECONNRESET). */
static int
recv_exact(struct talk *t, void *buf, size_t len)
{
	char	*p = buf;
	ssize_t	 n;

	while (len > 0) {
		if ((n = recv(t->fd, p, len, 0)) > 0) {
			p += n;
			len -= (size_t)n;
		} else if (n == 0) {
			errno = ECONNRESET;
			return -1;
		} else if (!io_again(errno))
			return -1;
		else if (errno != EINTR &&
		    fd_wait(t->fd, false, t->deadline) == -1)
			return -1;
	}
	return 0;
}

/* A failure of the exchange with the proxy: one line, and -1. */
static int
fail(struct talk *t, const char *why)
{
	char	host[256];

	(void)escape_bytes(host, sizeof(host), t->opt->host,
	    strlen(t->opt->host));
	sc_warn("proxy %s: connect to %s port %s (tcp) failed: %s",
	    t->opt->proxy_host, host, t->opt->port, why);
	return -1;
}

static int
fail_errno(struct talk *t)
{
	fail_note(fail_of_errno(errno));
	return fail(t, errno == ECONNRESET ?
	    "the proxy closed the connection" : strerror(errno));
}

/* -P USER:PASSWORD, or the password asked for on the terminal. */
static int
password(struct talk *t, char *user, size_t len)
{
	const char	*colon = strchr(t->opt->proxy_user, ':');
	struct termios	 saved, quiet;
	bool		 hushed = false;
	size_t		 n;
	int		 tty;
	FILE		*in;

	if (colon != NULL) {
		n = (size_t)(colon - t->opt->proxy_user);
		if (n >= len || strlen(colon + 1) >= sizeof(t->pass))
			return fail(t, "the -P user or password is too long");
		memcpy(user, t->opt->proxy_user, n);
		user[n] = '\0';
		(void)strcpy(t->pass, colon + 1);
		return 0;
	}
	if (strlen(t->opt->proxy_user) >= len)
		return fail(t, "the -P user is too long");
	(void)strcpy(user, t->opt->proxy_user);
	if ((tty = open("/dev/tty", O_RDWR | O_CLOEXEC)) == -1 ||
	    (in = fdopen(tty, "r")) == NULL) {
		if (tty != -1)
			(void)close(tty);
		return fail(t, "no terminal to ask the password on "
		    "(give -P USER:PASSWORD)");
	}
	/* No stdio buffer: the password is only ever in t->pass. */
	(void)setvbuf(in, NULL, _IONBF, 0);
	/*
	 * Echo goes off before the prompt appears: TCSAFLUSH drops what was
	 * typed ahead, never the answer to the prompt.  Turning echo back on
	 * drops nothing.
	 */
	if (tcgetattr(tty, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		hushed = tcsetattr(tty, TCSAFLUSH, &quiet) == 0;
	}
	(void)dprintf(tty, "Proxy password for %s@%s: ", user,
	    t->opt->proxy_host);
	if (fgets(t->pass, sizeof(t->pass), in) == NULL)
		t->pass[0] = '\0';
	t->pass[strcspn(t->pass, "\r\n")] = '\0';
	if (hushed)
		(void)tcsetattr(tty, TCSADRAIN, &saved);
	(void)writeall(tty, "\n", 1);	/* the Enter that was not echoed */
	(void)fclose(in);
	return 0;
}

static void
base64(const unsigned char *in, size_t len, char *out)
{
	static const char	digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned long		v;
	size_t			i;

	for (i = 0; i < len; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		*out++ = digits[v >> 18 & 63];
		*out++ = digits[v >> 12 & 63];
		*out++ = i + 1 < len ? digits[v >> 6 & 63] : '=';
		*out++ = i + 2 < len ? digits[v & 63] : '=';
	}
	*out = '\0';
}

/*
 * The status of an HTTP/1.x status line, "HTTP/1.1 200 Connection
 * established": the version, one space, exactly three digits and one
 * more space.  -1 when the line is not that.
 */
static int
http_status(const char *line)
{
	const char	*p = line + 5;

	if (strncmp(line, "HTTP/", 5) != 0 || !isdigit((unsigned char)p[0]) ||
	    p[1] != '.' || !isdigit((unsigned char)p[2]) || p[3] != ' ')
		return -1;
	p += 4;
	if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]) || p[3] != ' ')
		return -1;
	return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* The proxy's line, escaped, as the reason of a failure. */
static int
fail_line(struct talk *t, const char *line, size_t len)
{
	char	shown[200 * 4 + 1], why[sizeof(shown) + 16];

	(void)escape_bytes(shown, sizeof(shown), line, len < 200 ? len : 200);
	(void)snprintf(why, sizeof(why), "proxy error \"%s\"", shown);
	return fail(t, why);
}

/* HTTP CONNECT: 2xx opens the tunnel; anything else is named. */
static int
http_connect(struct talk *t)
{
	char	req[1024], user[256], cred[600], auth[820], line[HTTP_LINE_MAX];
	bool	v6 = strchr(t->host, ':') != NULL;
	size_t	len = 0;
	int	n, sent, status, first = 1;

	auth[0] = '\0';
	if (t->opt->proxy_user != NULL) {
		if (password(t, user, sizeof(user)) == -1)
			return -1;
		n = snprintf(cred, sizeof(cred), "%s:%s", user, t->pass);
		base64((const unsigned char *)cred, (size_t)n, auth);
		wipe(cred, sizeof(cred));
	}
	n = snprintf(req, sizeof(req), "CONNECT %s%s%s:%ld HTTP/1.0\r\n"
	    "Host: %s%s%s:%ld\r\n%s%s%s\r\n",
	    v6 ? "[" : "", t->host, v6 ? "]" : "", t->port,
	    v6 ? "[" : "", t->host, v6 ? "]" : "", t->port,
	    auth[0] != '\0' ? "Proxy-Authorization: Basic " : "", auth,
	    auth[0] != '\0' ? "\r\n" : "");
	wipe(auth, sizeof(auth));
	sent = n >= 0 && (size_t)n < sizeof(req) ?
	    send_all(t, req, (size_t)n) : 0;
	wipe(req, sizeof(req));
	if (n < 0 || (size_t)n >= sizeof(req))
		return fail(t, "the host name is too long");
	if (sent == -1)
		return fail_errno(t);
	/* One byte at a time: the tunnel's data may follow the headers. */
	for (;;) {
		if (recv_exact(t, &line[len], 1) == -1)
			return fail_errno(t);
		if (line[len] != '\n') {
			if (++len == sizeof(line))
				return fail(t,
				    "the proxy's answer is too long");
			continue;
		}
		line[len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (first) {
			status = http_status(line);
			if (status < 200 || status > 299)
				return fail_line(t, line, len);
			first = 0;
		} else if (len == 0)
			return 0;	/* the empty line: tunnel open */
		len = 0;
	}
}

static const char *
socks5_reason(int code)
{
	static const char	*why[] = { "succeeded",
		"general SOCKS server failure",
		"connection not allowed by ruleset", "network unreachable",
		"host unreachable", "connection refused", "TTL expired",
		"command not supported", "address type not supported" };

	return code > 0 && code < (int)(sizeof(why) / sizeof(why[0])) ?
	    why[code] : "unknown SOCKS 5 error";
}

/* RFC 1929: user and password, when the proxy asked for them. */
static int
socks5_login(struct talk *t)
{
	unsigned char	buf[520], ans[2];
	char		user[256];
	size_t		n = 0, ulen, plen;
	int		r;

	if (password(t, user, sizeof(user)) == -1)
		return -1;
	if ((ulen = strlen(user)) > 255 || (plen = strlen(t->pass)) > 255)
		return fail(t, "the -P user or password is too long");
	buf[n++] = 1;
	buf[n++] = (unsigned char)ulen;
	memcpy(&buf[n], user, ulen);
	n += ulen;
	buf[n++] = (unsigned char)plen;
	memcpy(&buf[n], t->pass, plen);
	n += plen;
	r = send_all(t, buf, n);
	wipe(buf, sizeof(buf));
	if (r == -1 || recv_exact(t, ans, 2) == -1)
		return fail_errno(t);
	if (ans[1] != 0)
		return fail(t, "the proxy refused the user and password");
	return 0;
}

/* RFC 1928, with RFC 1929 when -P is given and the proxy asks for it. */
static int
socks5(struct talk *t)
{
	unsigned char	 buf[520], ans[4];
	struct in6_addr	 a6;
	struct in_addr	 a4;
	size_t		 n = 0, ulen, skip;

	buf[n++] = 5;
	buf[n++] = t->opt->proxy_user != NULL ? 2 : 1;
	buf[n++] = 0;			/* no authentication */
	if (t->opt->proxy_user != NULL)
		buf[n++] = 2;		/* user and password */
	if (send_all(t, buf, n) == -1 || recv_exact(t, ans, 2) == -1)
		return fail_errno(t);
	if (ans[0] != 5 || (ans[1] != 0 &&
	    (ans[1] != 2 || t->opt->proxy_user == NULL)))
		return fail(t, "no authentication method the proxy accepts");
	if (ans[1] == 2 && socks5_login(t) == -1)
		return -1;
	n = 0;
	buf[n++] = 5;
	buf[n++] = 1;			/* CONNECT */
	buf[n++] = 0;
	if (inet_pton(AF_INET, t->host, &a4) == 1) {
		buf[n++] = 1;
		memcpy(&buf[n], &a4, 4);
		n += 4;
	} else if (inet_pton(AF_INET6, t->host, &a6) == 1) {
		buf[n++] = 4;
		memcpy(&buf[n], &a6, 16);
		n += 16;
	} else {
		/* A name: the proxy resolves it. */
		if ((ulen = strlen(t->host)) > 255)
			return fail(t, "the host name is too long for SOCKS 5");
		buf[n++] = 3;
		buf[n++] = (unsigned char)ulen;
		memcpy(&buf[n], t->host, ulen);
		n += ulen;
	}
	buf[n++] = (unsigned char)(t->port >> 8);
	buf[n++] = (unsigned char)(t->port & 0xff);
	if (send_all(t, buf, n) == -1 || recv_exact(t, ans, 4) == -1)
		return fail_errno(t);
	if (ans[0] != 5)
		return fail(t, "the proxy does not speak SOCKS 5");
	if (ans[1] != 0)
		return fail(t, socks5_reason(ans[1]));
	/* The bound address and port, read and dropped. */
	if (ans[3] == 1)
		skip = 4 + 2;
	else if (ans[3] == 4)
		skip = 16 + 2;
	else if (ans[3] == 3) {
		if (recv_exact(t, buf, 1) == -1)
			return fail_errno(t);
		skip = (size_t)buf[0] + 2;
	} else
		return fail(t, "the proxy's answer has an unknown "
		    "address type");
	if (recv_exact(t, buf, skip) == -1)
		return fail_errno(t);
	return 0;
}

/* SOCKS 4 knows IPv4 only: HOST is resolved here, as nc.openbsd does. */
static int
socks4(struct talk *t)
{
	struct addr_hints	 hints = netopt_hints(t->opt);
	struct addrinfo		*res;
	unsigned char		 buf[8 + 256], ans[8];
	size_t			 n = 0, ulen = 0;
	int			 gai;

	hints.family = AF_INET;
	if ((gai = addr_resolve(&hints, t->host, NULL, &res)) != 0)
		return fail(t, gai_strerror(gai));
	buf[n++] = 4;
	buf[n++] = 1;			/* CONNECT */
	buf[n++] = (unsigned char)(t->port >> 8);
	buf[n++] = (unsigned char)(t->port & 0xff);
	memcpy(&buf[n], &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr,
	    4);
	n += 4;
	freeaddrinfo(res);
	if (t->opt->proxy_user != NULL &&
	    (ulen = strcspn(t->opt->proxy_user, ":")) > 255)
		return fail(t, "the -P user is too long");
	memcpy(&buf[n], t->opt->proxy_user != NULL ? t->opt->proxy_user : "",
	    ulen);
	n += ulen;
	buf[n++] = 0;
	if (send_all(t, buf, n) == -1 || recv_exact(t, ans, 8) == -1)
		return fail_errno(t);
	if (ans[1] != 90) {
		char	why[64];

		(void)snprintf(why, sizeof(why), "%s (SOCKS 4 code %d)",
		    ans[1] == 91 ? "rejected or failed" :
		    "the proxy could not check the user", ans[1]);
		return fail(t, why);
	}
	return 0;
}

int
proxy_handshake(const struct options *opt, int fd)
{
	struct talk	t;
	size_t		len;
	int		r;

	memset(&t, 0, sizeof(t));
	t.opt = opt;
	t.fd = fd;
	t.deadline = deadline_after(opt->wait_ms);
	t.port = addr_port_number(opt->port, "tcp");
	if (parse_unbracket(opt->host, &len))
		(void)snprintf(t.host, sizeof(t.host), "%.*s", (int)len,
		    opt->host + 1);
	else
		(void)snprintf(t.host, sizeof(t.host), "%s", opt->host);
	/* cmdline.c refuses such a HOST; a line break would forge headers. */
	if (strpbrk(t.host, "\r\n") != NULL)
		return fail(&t, "a line break in the host name");
	if (opt->proxy_type == PROXY_CONNECT)
		r = http_connect(&t);
	else if (opt->proxy_type == PROXY_SOCKS4)
		r = socks4(&t);
	else
		r = socks5(&t);
	wipe(t.pass, sizeof(t.pass));
	return r;
}
