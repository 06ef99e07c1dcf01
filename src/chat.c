/*
 * chat.c: --chat's framing, kept apart from the broker's descriptors so
 * that it can be called (and fuzzed against a model) on its own.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "chat.h"

size_t
chat_prefix(char *pre, int n)
{
	int	len;

	len = snprintf(pre, CHAT_PREFIX_MAX, "<user%d> ", n);
	return len > 0 ? (size_t)len : 0;
}

size_t
chat_frame(const char *in, size_t len, const char *pre, size_t plen,
    bool flush, char *out, size_t cap, size_t *used)
{
	const char	*nl;
	size_t		 done = 0, wrote = 0, n, scan;

	while (done < len) {
		scan = len - done;
		if (scan > CHAT_LINE_MAX)
			scan = CHAT_LINE_MAX;
		if ((nl = memchr(in + done, '\n', scan)) != NULL)
			n = (size_t)(nl - (in + done)) + 1;
		else if (scan == CHAT_LINE_MAX || flush)
			n = scan;
		else
			break;		/* unfinished: wait for the rest */
		if (cap - wrote < plen || cap - wrote - plen < n)
			break;
		memcpy(out + wrote, pre, plen);
		memcpy(out + wrote + plen, in + done, n);
		wrote += plen + n;
		done += n;
	}
	*used = done;
	return wrote;
}
