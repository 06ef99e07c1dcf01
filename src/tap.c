/*
 * tap.c: the taps on the data path: the -o hex dump (direction mark,
 * offset within that direction, sixteen bytes as hex, their printable
 * text) and the --output raw copy; a file that cannot be written is said
 * once and dropped.  Knows nothing of sockets.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

static FILE *
open_trunc(const char *path)
{
	int	 fd;
	FILE	*fp;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd == -1)
		return NULL;
	if ((fp = fdopen(fd, "w")) == NULL)
		(void)close(fd);
	return fp;
}

int
tap_open(struct tap *t, const char *hex, const char *raw, const char **bad)
{
	memset(t, 0, sizeof(*t));
	t->hex_path = hex;
	t->raw_path = raw;
	if (hex != NULL && (t->hex = open_trunc(hex)) == NULL) {
		*bad = hex;
		return -1;
	}
	if (raw != NULL && (t->raw = open_trunc(raw)) == NULL) {
		*bad = raw;
		if (t->hex != NULL)
			(void)fclose(t->hex);
		t->hex = NULL;
		return -1;
	}
	return 0;
}

/* A tap file that failed (errno says why): one message, then no more. */
static void
tap_fail(struct tap *t, FILE **fp, const char *path)
{
	sc_warn("write to %s failed: %s", path, strerror(errno));
	(void)fclose(*fp);
	*fp = NULL;
	t->failed = true;
}

/* Returns false, with errno set, if a write failed. */
static bool
hex_lines(FILE *fp, int dir, unsigned long long off, const unsigned char *p,
    size_t len)
{
	char	line[128];
	size_t	i, n, at;

	while (len > 0) {
		n = len < 16 ? len : 16;
		at = (size_t)snprintf(line, sizeof(line), "%c %08llx ",
		    dir, off & 0xffffffffULL);
		for (i = 0; i < 16; i++) {
			if (i < n)
				at += (size_t)snprintf(line + at,
				    sizeof(line) - at, "%02x ", p[i]);
			else
				at += (size_t)snprintf(line + at,
				    sizeof(line) - at, "   ");
		}
		line[at++] = ' ';
		for (i = 0; i < n; i++)
			line[at++] = isprint(p[i]) ? (char)p[i] : '.';
		line[at++] = '\n';
		if (fwrite(line, 1, at, fp) != at)
			return false;
		p += n;
		len -= n;
		off += n;
	}
	return true;
}

void
tap_record(struct tap *t, int dir, const void *p, size_t len)
{
	unsigned long long	*off;

	if (t == NULL || len == 0)
		return;
	off = dir == TAP_SENT ? &t->sent_off : &t->recv_off;
	if (t->hex != NULL && (!hex_lines(t->hex, dir, *off, p, len) ||
	    fflush(t->hex) == EOF))
		tap_fail(t, &t->hex, t->hex_path);
	if (t->raw != NULL && (fwrite(p, 1, len, t->raw) != len ||
	    fflush(t->raw) == EOF))
		tap_fail(t, &t->raw, t->raw_path);
	*off += len;
}

int
tap_close(struct tap *t)
{
	if (t->hex != NULL && fclose(t->hex) == EOF) {
		sc_warn("write to %s failed: %s", t->hex_path,
		    strerror(errno));
		t->failed = true;
	}
	if (t->raw != NULL && fclose(t->raw) == EOF) {
		sc_warn("write to %s failed: %s", t->raw_path,
		    strerror(errno));
		t->failed = true;
	}
	t->hex = t->raw = NULL;
	return t->failed ? -1 : 0;
}
