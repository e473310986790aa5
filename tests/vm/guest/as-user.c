// SPDX-License-Identifier: GPL-2.0
/*
 * as-user: run a command as the guest's unprivileged user (uid and gid
 * 1000, no supplementary groups, no capabilities).  A tiny static program
 * rather than su(1), so that arguments pass through unchanged.
 *
 * "as-user host CMD..." is the one exception: host must chroot into the
 * host's root before it drops to the user, so as-user hands it over, still
 * as root, as "host --as-user CMD..." (see host.c for why).
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USER_ID 1000

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: as-user COMMAND [ARG]...\n");
		return 2;
	}
	if (strcmp(argv[1], "host") == 0) {
		argv[0] = "host";
		argv[1] = "--as-user";
		execvp(argv[0], argv);
		fprintf(stderr, "as-user: host: %s\n", strerror(errno));
		return errno == ENOENT ? 127 : 126;
	}
	if (setgroups(0, NULL) || setgid(USER_ID) || setuid(USER_ID)) {
		fprintf(stderr, "as-user: cannot drop to uid %d: %s\n", USER_ID,
			strerror(errno));
		return 126;
	}
	setenv("HOME", "/home/user", 1);
	setenv("USER", "user", 1);
	setenv("LOGNAME", "user", 1);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "as-user: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
