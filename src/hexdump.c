/*
 * hexdump.c: writes the -o hex dump (direction mark, offset within that
 * direction, sixteen bytes as hex, their printable text) and the
 * --output raw copy.  Knows nothing of sockets.
 */
#include "config.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hexdump.h"

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

static void
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
		(void)fwrite(line, 1, at, fp);
		p += n;
		len -= n;
		off += n;
	}
}

void
tap_record(struct tap *t, int dir, const void *p, size_t len)
{
	unsigned long long	*off;

	if (t == NULL || len == 0)
		return;
	off = dir == TAP_SENT ? &t->sent_off : &t->recv_off;
	if (t->hex != NULL) {
		hex_lines(t->hex, dir, *off, p, len);
		(void)fflush(t->hex);
	}
	if (t->raw != NULL) {
		(void)fwrite(p, 1, len, t->raw);
		(void)fflush(t->raw);
	}
	*off += len;
}

void
tap_close(struct tap *t)
{
	if (t->hex != NULL)
		(void)fclose(t->hex);
	if (t->raw != NULL)
		(void)fclose(t->raw);
	t->hex = t->raw = NULL;
}
