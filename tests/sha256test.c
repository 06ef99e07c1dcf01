/*
 * sha256test: src/sha256.c on its own, for tests/digest.bats.
 *
 *	sha256test [-s SEED]	hash stdin, print the digest in hex as
 *				sha256sum prints it (without the name)
 *	sha256test [-s SEED] LEN...
 *				read all of stdin, and print the digest of
 *				its first LEN bytes, a line for each LEN
 *	sha256test -i		print which block function runs
 *
 * stdin goes to sha256_update() in pieces of random sizes (0 bytes to a
 * few KiB, SEED or the process id seeding the choice), so that every way
 * a message can be split across calls is tried.  SOCKCAT_SHA256=portable
 * forces the portable block function.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sha256.h"

/* The size of the next piece: mostly small, sometimes a few blocks. */
static size_t
piece(void)
{
	return (size_t)rand() % ((size_t)1 << (rand() % 13));
}

/* Hash len bytes at p in random pieces. */
static void
hash_pieces(struct sha256 *s, const unsigned char *p, size_t len)
{
	size_t	off, k;

	for (off = 0; off < len; off += k) {
		k = piece();
		if (k > len - off)
			k = len - off;
		sha256_update(s, p + off, k);
	}
}

/* Hash all of stdin in random pieces; -1 on a read error. */
static int
hash_stdin(struct sha256 *s)
{
	static unsigned char	 buf[65536];
	ssize_t			 n;

	for (;;) {
		n = read(STDIN_FILENO, buf, 1 + (size_t)rand() % sizeof(buf));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? 0 : -1;
		hash_pieces(s, buf, (size_t)n);
	}
}

/* All of stdin in memory (*len bytes), or NULL on a failure. */
static unsigned char *
slurp(size_t *len)
{
	unsigned char	*all = NULL, *more;
	size_t		 cap = 0;
	ssize_t		 n;

	*len = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap == 0 ? 65536 : 2 * cap;
			if ((more = realloc(all, cap)) == NULL) {
				free(all);
				return NULL;
			}
			all = more;
		}
		n = read(STDIN_FILENO, all + *len, cap - *len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			free(all);
			return NULL;
		}
		if (n == 0)
			return all;
		*len += (size_t)n;
	}
}

/* The digest of the first LEN bytes of stdin, for each LEN in argv. */
static int
prefixes(char *argv[])
{
	struct sha256	 s;
	unsigned char	 out[SHA256_LEN], *all;
	char		 hex[SHA256_HEX_LEN + 1];
	size_t		 len, want;

	if ((all = slurp(&len)) == NULL) {
		fprintf(stderr, "sha256test: read: %s\n", strerror(errno));
		return 1;
	}
	for (; *argv != NULL; argv++) {
		want = (size_t)strtoull(*argv, NULL, 10);
		if (want > len) {
			fprintf(stderr, "sha256test: %s: past the end\n",
			    *argv);
			free(all);
			return 1;
		}
		sha256_init(&s);
		hash_pieces(&s, all, want);
		sha256_final(&s, out, hex);
		puts(hex);
	}
	free(all);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct sha256	s;
	unsigned char	out[SHA256_LEN];
	char		hex[SHA256_HEX_LEN + 1];
	unsigned int	seed = (unsigned int)getpid();
	int		c;

	while ((c = getopt(argc, argv, "is:")) != -1) {
		switch (c) {
		case 'i':
			puts(sha256_impl());
			return 0;
		case 's':
			seed = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: sha256test [-i] [-s SEED]\n");
			return 2;
		}
	}
	srand(seed);
	if (optind < argc)
		return prefixes(argv + optind);
	sha256_init(&s);
	if (hash_stdin(&s) == -1) {
		fprintf(stderr, "sha256test: read: %s\n", strerror(errno));
		return 1;
	}
	sha256_final(&s, out, hex);
	puts(hex);
	return 0;
}
