/*
 * fuzz/hexdump.c: the -o hex dump and the --output raw copy (src/tap.c)
 * against a model of CLI.md's format, written here: each record becomes
 * lines of at most 16 bytes, "> " or "< ", the 8-hex-digit offset within
 * that direction, 16 hex pairs (blanks where the line is short), a blank,
 * then the bytes' text, '.' for the unprintable.  The raw copy is every
 * byte in order.
 *
 * Input: a series of records, each a header byte (bit 7: received, bits
 * 0-5: length) and that many bytes (fewer at the end of the input).
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

#include "fuzz.h"

struct model {
	char			*text;
	size_t			 len, cap;
	unsigned long long	 off[2];
};

static void
put(struct model *m, const char *s, size_t n)
{
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->text = realloc(m->text, m->cap);
		FUZZ_CHECK(m->text != NULL, "out of memory");
	}
	memcpy(m->text + m->len, s, n);
	m->len += n;
}

static void
model_record(struct model *m, bool recv, const uint8_t *p, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned long long	*off = &m->off[recv];
	char			 line[2 + 8 + 1 + 16 * 3 + 1 + 16 + 1];
	size_t			 i, n, at, k;

	for (i = 0; i < len; i += 16) {
		n = len - i < 16 ? len - i : 16;
		at = 0;
		line[at++] = recv ? '<' : '>';
		line[at++] = ' ';
		for (k = 0; k < 8; k++)
			line[at++] = hex[(*off >> (28 - 4 * k)) & 15];
		line[at++] = ' ';
		for (k = 0; k < 16; k++) {
			line[at++] = k < n ? hex[p[i + k] >> 4] : ' ';
			line[at++] = k < n ? hex[p[i + k] & 15] : ' ';
			line[at++] = ' ';
		}
		line[at++] = ' ';
		for (k = 0; k < n; k++)
			line[at++] = p[i + k] >= 0x20 && p[i + k] < 0x7f ?
			    (char)p[i + k] : '.';
		line[at++] = '\n';
		put(m, line, at);
		*off += n;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model	 m;
	struct tap	 t;
	char		*hex = NULL, *raw = NULL;
	size_t		 hexlen = 0, rawlen = 0, i = 0, n, rawwant = 0;
	uint8_t		*rawmodel;
	bool		 recv;

	memset(&m, 0, sizeof(m));
	memset(&t, 0, sizeof(t));
	t.hex = open_memstream(&hex, &hexlen);
	t.raw = open_memstream(&raw, &rawlen);
	FUZZ_CHECK(t.hex != NULL && t.raw != NULL, "open_memstream failed");
	rawmodel = malloc(size + 1);
	while (i < size) {
		recv = (data[i] & 0x80) != 0;
		n = data[i] & 0x3f;
		i++;
		if (n > size - i)
			n = size - i;
		tap_record(&t, recv ? TAP_RECV : TAP_SENT, data + i, n);
		model_record(&m, recv, data + i, n);
		memcpy(rawmodel + rawwant, data + i, n);
		rawwant += n;
		i += n;
	}
	FUZZ_CHECK(t.sent_off == m.off[0] && t.recv_off == m.off[1],
	    "offsets %llu/%llu, not %llu/%llu", t.sent_off, t.recv_off,
	    m.off[0], m.off[1]);
	tap_close(&t);
	FUZZ_CHECK(hexlen == m.len, "hex dump of %zu bytes, not %zu", hexlen,
	    m.len);
	FUZZ_CHECK(m.len == 0 || memcmp(hex, m.text, m.len) == 0,
	    "hex dump differs:\n%.*s---- model:\n%.*s", (int)hexlen, hex,
	    (int)m.len, m.text);
	FUZZ_CHECK(rawlen == rawwant && (rawwant == 0 ||
	    memcmp(raw, rawmodel, rawwant) == 0), "raw copy differs");
	free(hex);
	free(raw);
	free(rawmodel);
	free(m.text);
	return 0;
}
