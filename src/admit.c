/*
 * admit.c: the one door every client passes (see admit.h).  Turning a
 * client away is said under -v as "Connection from NAME refused WHY";
 * letting one in, as "Connection received on NAME".
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "acl.h"
#include "addr.h"
#include "admit.h"
#include "event.h"
#include "sock.h"
#include "util.h"

#define PAUSE_MS	100	/* out of descriptors: no accept this long */
#define REFUSE_BURST	64	/* refused at most, before that pause */

/*
 * How -v names a client: a Unix datagram sender by its own socket's path
 * (or "(unnamed)"); a Unix stream client, mostly unnamed, by the
 * listener's path; any other by its address and port.
 */
static void
client_name(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len, char *name)
{
	addr_peer_name((const struct sockaddr *)peer, len, opt->unixsock &&
	    opt->socktype != SOCK_DGRAM ? opt->path : NULL, name,
	    ADMIT_NAMELEN);
}

/* Why this client is kept out, or NULL: the lists, then (a connection
 * on fd, with active others) select()'s reach and --max-conns. */
static const char *
keep_out(const struct options *opt, const struct sockaddr_storage *peer,
    int fd, int active)
{
	if (!acl_allows(&opt->acl, (const struct sockaddr *)peer))
		return "by --allow/--deny";
	if (fd >= 0 && !fd_selectable(fd))
		return "(beyond select()'s FD_SETSIZE)";
	if (fd >= 0 && opt->max_conns > 0 && active >= opt->max_conns)
		return "(--max-conns reached)";
	return NULL;
}

static void
say_refused(const char *name, const char *why)
{
	sc_status("Connection from %s refused %s", name, why);
}

bool
admit_sender(const struct options *opt, const struct sockaddr_storage *peer,
    socklen_t len, bool quiet)
{
	static bool		 noreply_said;
	struct sockaddr_storage	 unnamed;
	const char		*why;
	char			 name[ADMIT_NAMELEN];

	/* A sender Linux gives no address at all: an unbound Unix socket. */
	if (len < offsetof(struct sockaddr_un, sun_path)) {
		memset(&unnamed, 0, sizeof(unnamed));
		unnamed.ss_family = AF_UNIX;
		peer = &unnamed;
		len = offsetof(struct sockaddr_un, sun_path);
	}
	why = keep_out(opt, peer, -1, 0);
	event_admit(opt, peer, len, why, quiet);
	if (verbose == 0)
		return why == NULL;
	client_name(opt, peer, len, name);
	if (why != NULL) {
		say_refused(name, why);
		return false;
	}
	if (!quiet)
		sc_status("Connection received on %s", name);
	if (!noreply_said && !sock_answerable(peer, len)) {
		sc_warn("%s cannot be answered: replies are dropped", name);
		noreply_said = true;
	}
	return true;
}

void
door_open(struct door *d, const struct options *opt, int lfd,
    bool refuse_when_starved)
{
	memset(d, 0, sizeof(*d));
	d->opt = opt;
	d->lfd = lfd;
	d->give_up_at = deadline_after(opt->accept_timeout_ms);
	d->spare_fd = refuse_when_starved ?
	    open("/dev/null", O_RDONLY | O_CLOEXEC) : -1;
}

void
door_close(struct door *d)
{
	if (d->spare_fd != -1)
		(void)close(d->spare_fd);
	d->spare_fd = -1;
}

/*
 * Out of descriptors (or memory): with a spare descriptor, give it back
 * for a moment so that the clients waiting now can be accepted and
 * refused; in any case accept nothing for a while, so that clients
 * knocking again and again cost next to nothing, and say it once a spell.
 */
static void
starved(struct door *d, long long now, int err)
{
	struct sockaddr_storage	peer;
	socklen_t		len;
	char			name[ADMIT_NAMELEN];
	int			fd, n = 0;

	if (d->spare_fd != -1 && (err == EMFILE || err == ENFILE)) {
		(void)close(d->spare_fd);
		/* Only those already waiting: a deadline in the past. */
		while (n < REFUSE_BURST && fd_wait(d->lfd, false, now) == 0 &&
		    (fd = sock_accept(d->lfd, &peer, &len, false, true)) !=
		    -1) {
			client_name(d->opt, &peer, len, name);
			say_refused(name, "(out of descriptors)");
			event_admit(d->opt, &peer, len, "(out of descriptors)",
			    false);
			(void)close(fd);
			n++;
		}
		d->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (n == 0 && d->starved != err)
		sc_warn("accept failed: %s (waiting)", strerror(err));
	d->starved = err;
	d->paused_until = now + PAUSE_MS;
}

int
door_accept(struct door *d, int active, long long now,
    struct sockaddr_storage *peer, socklen_t *len, char *name)
{
	const char	*why;
	int		 fd;

	if (now < d->paused_until) {
		errno = EAGAIN;
		return -1;
	}
	fd = sock_accept(d->lfd, peer, len, false, !d->blocking);
	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
		    errno == ENOMEM) {
			starved(d, now, errno);
			errno = EAGAIN;
		}
		return -1;
	}
	d->starved = 0;
	client_name(d->opt, peer, *len, name);
	why = keep_out(d->opt, peer, fd, active);
	event_admit(d->opt, peer, *len, why, false);
	if (why != NULL) {
		say_refused(name, why);
		(void)close(fd);
		/* Every lower number taken: as good as out of descriptors. */
		if (!fd_selectable(fd))
			d->paused_until = now + PAUSE_MS;
		errno = EAGAIN;
		return -1;
	}
	sc_status("Connection received on %s", name);
	d->give_up_at = -1;
	return fd;
}
