/*
 * telnet.c: -t's answers to a telnet peer: every option it offers or
 * asks for is refused, so that a telnet server talks plain text.  A
 * small state machine over the received bytes; it never writes.
 */
#include "config.h"

#include <stddef.h>

#include "buf.h"
#include "telnet.h"

/* Telnet commands (RFC 854). */
#define TEL_IAC		255
#define TEL_DONT	254
#define TEL_DO		253
#define TEL_WONT	252
#define TEL_WILL	251

void
telnet_init(struct telnet *t)
{
	buf_init(&t->replies, TELNET_BUF_SIZE);
	t->state = 0;
	t->cmd = 0;
}

void
telnet_free(struct telnet *t)
{
	buf_free(&t->replies);
}

void
telnet_scan(struct telnet *t, const unsigned char *s, size_t n)
{
	unsigned char	reply[3];
	size_t		i;

	for (i = 0; i < n; i++) {
		switch (t->state) {
		case 0:
			if (s[i] == TEL_IAC)
				t->state = 1;
			break;
		case 1:
			if (s[i] >= TEL_WILL && s[i] <= TEL_DONT) {
				t->cmd = s[i];
				t->state = 2;
			} else
				t->state = 0;
			break;
		default:
			reply[0] = TEL_IAC;
			reply[1] = t->cmd == TEL_DO ||
			    t->cmd == TEL_DONT ? TEL_WONT : TEL_DONT;
			reply[2] = s[i];
			if (buf_room(&t->replies) >= sizeof(reply))
				buf_append(&t->replies, reply, sizeof(reply));
			t->state = 0;
			break;
		}
	}
}
