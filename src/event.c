/*
 * event.c: --format's lines.  A small JSON writer (strings escaped so that
 * any host name or Unix path reads back as it was), the scan's result
 * lines on stdout (CSV or JSON), and under --format json the events of a
 * connection on stderr, one object a line written whole, so that lines
 * from --fork's children never mix.  The -v text lines are printed
 * elsewhere, as before, and only under -v.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "event.h"
#include "options.h"
#include "util.h"

/* A line being built: grows as needed. */
struct jw {
	char	*buf;
	size_t	 len, cap;
	int	 fields;	/* written so far in the object */
};

/* Append n bytes of s. */
static void
jw_put(struct jw *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		w->cap = (w->len + n + 1) * 2;
		w->buf = xreallocarray(w->buf, w->cap, 1);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t		len, i;
	unsigned int	cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/*
 * A JSON string: quote and backslash escaped, control bytes as \n, \t
 * ... or \u00XX, UTF-8 as is; a byte that is not UTF-8 becomes the code
 * point of its value (\u0080 to \u00ff), so the line is always valid.
 */
static void
jw_string(struct jw *w, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n = strlen(str), u;
	char			 esc[8];

	jw_put(w, "\"", 1);
	while (n > 0) {
		if (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') {
			jw_put(w, (const char *)s, 1);
			u = 1;
		} else if (*s >= 0x80 && (u = utf8_len(s, n)) > 0)
			jw_put(w, (const char *)s, u);
		else {
			u = 1;
			if (*s == '"' || *s == '\\')
				(void)snprintf(esc, sizeof(esc), "\\%c", *s);
			else if (*s == '\n' || *s == '\t' || *s == '\r')
				(void)snprintf(esc, sizeof(esc), "\\%c",
				    *s == '\n' ? 'n' : *s == '\t' ? 't' : 'r');
			else
				(void)snprintf(esc, sizeof(esc), "\\u%04x",
				    (unsigned int)*s);
			jw_put(w, esc, strlen(esc));
		}
		s += u;
		n -= u;
	}
	jw_put(w, "\"", 1);
}

/* The next key of the object, with its colon. */
static void
jw_key(struct jw *w, const char *key)
{
	jw_put(w, w->fields++ == 0 ? "{" : ",", 1);
	jw_string(w, key);
	jw_put(w, ":", 1);
}

/* A string field. */
static void
jw_str(struct jw *w, const char *key, const char *val)
{
	jw_key(w, key);
	jw_string(w, val);
}

/* A number already written as JSON reads it. */
static void
jw_raw(struct jw *w, const char *key, const char *num)
{
	jw_key(w, key);
	jw_put(w, num, strlen(num));
}

/* A whole-number field. */
static void
jw_num(struct jw *w, const char *key, long long v)
{
	char	num[32];

	(void)snprintf(num, sizeof(num), "%lld", v);
	jw_raw(w, key, num);
}

/* Close the object and the line; the text is w->buf, to be freed. */
static void
jw_end(struct jw *w)
{
	jw_put(w, w->fields == 0 ? "{}\n" : "}\n", w->fields == 0 ? 3 : 2);
}

/*
 * An address as "addr" (numeric; a Unix path, "" for an unnamed one) and,
 * for IP, "port"; with the keys' prefix ("local_" or "").
 */
static void
jw_sockaddr(struct jw *w, const char *prefix, const struct sockaddr *sa,
    socklen_t len)
{
	char	host[ADDR_HOSTLEN], port[ADDR_PORTLEN], key[32];

	if (sa->sa_family == AF_UNIX &&
	    len <= offsetof(struct sockaddr_un, sun_path))
		host[0] = port[0] = '\0';
	else
		addr_text(sa, len, host, port);
	(void)snprintf(key, sizeof(key), "%saddr", prefix);
	jw_str(w, key, host);
	if (sa->sa_family == AF_UNIX || port[0] == '\0' ||
	    port[strspn(port, "0123456789")] != '\0')
		return;		/* no port, or none to tell */
	(void)snprintf(key, sizeof(key), "%sport", prefix);
	jw_raw(w, key, port);
}

/* Start an event's object: its name and the protocol. */
static void
jw_event(struct jw *w, const struct options *opt, const char *event)
{
	memset(w, 0, sizeof(*w));
	jw_str(w, "event", event);
	jw_str(w, "proto", opt->proto);
}

/* Close an event's object and write it to stderr in one write(2). */
static void
jw_emit(struct jw *w)
{
	jw_end(w);
	(void)writeall(STDERR_FILENO, w->buf, w->len);
	free(w->buf);
}

/* A scan's state word for CSV (as --scan-format has always said). */
static const char *
csv_state(int err)
{
	switch (err) {
	case 0:
		return "open";
	case ECONNREFUSED:
		return "closed";
	case ETIMEDOUT:
		return "filtered";
	case EHOSTUNREACH:
	case ENETUNREACH:
		return "unreachable";
	default:
		return "error";
	}
}

/* The JSON state: every failure that is not a refusal or a timeout
 * (ICMP unreachable and the like) is "unreachable". */
static const char *
json_state(int err)
{
	if (err == 0)
		return "open";
	if (err == ECONNREFUSED)
		return "closed";
	return err == ETIMEDOUT ? "timeout" : "unreachable";
}

int
event_scan(const struct options *opt, const struct sockaddr *sa,
    socklen_t len, int port, int err, long long ms)
{
	struct jw	w;
	char		host[ADDR_HOSTLEN], num[ADDR_PORTLEN];
	int		r;

	if (opt->format == FORMAT_CSV)
		return printf("%s,%d,%s,%s\n", opt->host, port,
		    opt->port_proto, csv_state(err)) < 0 ? -1 : 0;
	if (opt->format != FORMAT_JSON)
		return 0;
	memset(&w, 0, sizeof(w));
	jw_str(&w, "host", opt->host);
	addr_text(sa, len, host, num);
	jw_str(&w, "addr", host);
	jw_num(&w, "port", port);
	jw_str(&w, "proto", opt->port_proto);
	jw_str(&w, "state", json_state(err));
	jw_num(&w, "ms", ms < 0 ? 0 : ms);
	jw_end(&w);
	r = fputs(w.buf, stdout) == EOF ? -1 : 0;
	free(w.buf);
	return r;
}

void
event_connected(const struct options *opt, int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	struct jw		w;

	if (opt->format != FORMAT_JSON)
		return;
	jw_event(&w, opt, "connected");
	jw_str(&w, "host", opt->unixsock ? opt->path : opt->host);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		jw_sockaddr(&w, "", (struct sockaddr *)&ss, len);
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		jw_sockaddr(&w, "local_", (struct sockaddr *)&ss, len);
	jw_emit(&w);
}

/* The -v line's reason for turning a client away, as a JSON word. */
static const char *
reason_word(const char *why)
{
	static const struct {
		const char	*text, *word;
	} words[] = {
		{ "by --allow/--deny", "denied" },
		{ "(--max-conns reached)", "max-conns" },
		{ "(beyond select()'s FD_SETSIZE)", "fd-setsize" },
		{ "(out of descriptors)", "no-descriptors" }
	};
	size_t	i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(why, words[i].text) == 0)
			return words[i].word;
	return why;
}

void
event_admit(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len, const char *why, bool quiet)
{
	struct jw	w;

	if (opt->format != FORMAT_JSON || (why == NULL && quiet))
		return;
	jw_event(&w, opt, why != NULL ? "refused" : "accepted");
	/* A Unix stream client mostly has no name: the listener's path. */
	if (peer->ss_family == AF_UNIX && opt->socktype != SOCK_DGRAM)
		jw_str(&w, "addr", opt->path);
	else
		jw_sockaddr(&w, "", (const struct sockaddr *)peer, len);
	if (why != NULL)
		jw_str(&w, "reason", reason_word(why));
	jw_emit(&w);
}

void
event_closed(const struct options *opt, unsigned long long sent,
    unsigned long long received, long long ms)
{
	struct jw	w;
	char		num[32];

	if (opt->format != FORMAT_JSON)
		return;
	jw_event(&w, opt, "closed");
	(void)snprintf(num, sizeof(num), "%llu", sent);
	jw_raw(&w, "sent", num);
	(void)snprintf(num, sizeof(num), "%llu", received);
	jw_raw(&w, "received", num);
	if (ms < 0)
		ms = 0;
	(void)snprintf(num, sizeof(num), "%lld.%03lld", ms / 1000, ms % 1000);
	jw_raw(&w, "seconds", num);
	jw_emit(&w);
}
