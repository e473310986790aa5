// SPDX-License-Identifier: GPL-2.0
/*
 * host: run a command on the host's root file system, from inside the guest.
 *
 *   host CMD [ARG]...              as root
 *   as-user host CMD [ARG]...      as the guest's user (uid and gid 1000)
 *
 * With tests/vm/run --host-root, the guest's /init mounts the host's root
 * read-only (virtio 9p) at /host and binds the guest's /dev, /proc, /sys,
 * /tmp, /run and /home over their places in it, and the guest's passwd and
 * group files (the host's entries, with "user" as uid 1000) over the host's.
 * host chroots into /host, sets the environment listed in /etc/upci/host.env
 * (written by tests/vm/run: PATH and LD_LIBRARY_PATH with the checkout's
 * build/bin and build/lib first, and whatever else every host command needs)
 * and executes CMD.
 *
 * Design: chroot needs root, and as-user drops root before it executes its
 * command.  Rather than make host set-uid root (glibc would then strip
 * LD_PRELOAD and friends from the caller's environment, and every user
 * program could chroot), as-user hands a command that is "host" over to
 * host, still as root, with the internal option --as-user; host chroots and
 * then drops to uid 1000 itself, the same way as-user does.  So "as-user
 * host CMD" works, and host started by the user any other way (say from a
 * shell run by as-user) fails with a message that says so.
 *
 * The working directory stays the same path inside the host root when that
 * path exists there (true for /tmp and everything under it), else it is /.
 * HOME is kept when the directory exists inside, else it becomes /tmp.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOST_ROOT "/host"
#define HOST_ENV "/etc/upci/host.env"
#define USER_ID 1000

static int is_dir(const char *path)
{
	struct stat st;

	return path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Reads HOST_ENV: lines NAME=VALUE, taken literally; # starts a comment. */
static int load_env(void)
{
	char line[8192];
	FILE *f = fopen(HOST_ENV, "r");
	int lineno = 0;

	if (!f) {
		fprintf(stderr, "host: %s: %s\n", HOST_ENV, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *eq;

		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			fprintf(stderr, "host: %s:%d: not NAME=VALUE: %s\n",
				HOST_ENV, lineno, line);
			fclose(f);
			return -1;
		}
		*eq = '\0';
		if (setenv(line, eq + 1, 1)) {
			fprintf(stderr, "host: setenv %s: %s\n", line, strerror(errno));
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	struct stat root_st, host_st;
	char cwd[PATH_MAX];
	int as_user = 0;
	int i = 1;

	if (argc > 1 && strcmp(argv[1], "--as-user") == 0) {
		as_user = 1;
		i++;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: host CMD [ARG]...        (as root)\n"
				"       as-user host CMD [ARG]... (as the user)\n");
		return 2;
	}
	if (access(HOST_ENV, F_OK)) {
		fprintf(stderr, "host: this guest was booted without the host's root; "
				"pass --host-root to tests/vm/run\n");
		return 2;
	}
	if (stat("/", &root_st) || stat(HOST_ROOT, &host_st) ||
	    root_st.st_dev == host_st.st_dev) {
		fprintf(stderr, "host: the host's root is not mounted at %s "
				"(the guest kernel log says why)\n", HOST_ROOT);
		return 1;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "host: must start as root (it chroots); as the user, "
				"run it as: as-user host CMD...\n");
		return 126;
	}
	/* The file is the guest's: read it before the chroot. */
	if (load_env())
		return 126;
	if (!getcwd(cwd, sizeof(cwd)))
		strcpy(cwd, "/");
	if (chroot(HOST_ROOT) || chdir("/")) {
		fprintf(stderr, "host: chroot %s: %s\n", HOST_ROOT, strerror(errno));
		return 126;
	}
	if (is_dir(cwd) && chdir(cwd))
		fprintf(stderr, "host: chdir %s: %s\n", cwd, strerror(errno));
	if (as_user) {
		if (setgroups(0, NULL) || setgid(USER_ID) || setuid(USER_ID)) {
			fprintf(stderr, "host: cannot drop to uid %d: %s\n", USER_ID,
				strerror(errno));
			return 126;
		}
		setenv("HOME", "/home/user", 1);
		setenv("USER", "user", 1);
		setenv("LOGNAME", "user", 1);
	}
	if (!is_dir(getenv("HOME")))
		setenv("HOME", "/tmp", 1);
	execvp(argv[i], argv + i);
	fprintf(stderr, "host: %s: %s\n", argv[i], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
