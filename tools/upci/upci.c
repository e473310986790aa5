// SPDX-License-Identifier: GPL-2.0
/*
 * upci: hand PCI functions to user-level drivers, and take them back.
 *
 *   upci list [--json]
 *   upci info BDF [--json]
 *   upci bind BDF [--owner USER] [--group GROUP] [--mode MODE]
 *                 [--driver upci|vfio-pci] [--persist]
 *   upci unbind BDF
 *
 * bind remembers the driver it replaces (in $UPCI_STATE_DIR, default
 * /run/upci) and unbind gives the function back to it.  --persist writes a
 * udev rule (in $UPCI_UDEV_DIR, default /etc/udev/rules.d) that binds the
 * function the same way whenever it appears; unbind removes it.
 *
 * Exit status: 0 success; 1 the operation failed; 2 bad usage (or not a
 * PCI address); 3 no such
 * PCI function; 4 permission denied (bind and unbind need root); 5 the
 * function or its IOMMU group is busy (info: it cannot be opened).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <upci.h>

#define EXIT_FAIL	1
#define EXIT_USAGE	2
#define EXIT_NODEV	3
#define EXIT_PERM	4
#define EXIT_BUSY	5

extern char **environ;

static const char *sysfs = "/sys";
static const char *devdir = "/dev";

static char *env_or(const char *name, const char *def)
{
	char *v = getenv(name);

	return v && *v ? v : (char *)def;
}

static int errno_exit(int err)
{
	err = err < 0 ? -err : err;
	return err == ENODEV || err == ENOENT ? EXIT_NODEV :
	       err == EACCES || err == EPERM ? EXIT_PERM :
	       err == EBUSY ? EXIT_BUSY : EXIT_FAIL;
}

static int die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "upci: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

/* Writes @val to sysfs file @path; 0 or -errno */
static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

static void run_quietly(const char *prog, const char *arg)
{
	char *argv[] = { (char *)prog, (char *)"-q", (char *)arg, NULL };
	pid_t pid;
	int st;

	if (!posix_spawnp(&pid, prog, NULL, NULL, argv, environ))
		waitpid(pid, &st, 0);
}

/* Looks @name up in an /etc/passwd-like file; numeric names pass through */
static int lookup_id(const char *file, const char *name, long *id)
{
	char line[512], *end;
	FILE *f;
	size_t n = strlen(name);

	*id = strtol(name, &end, 10);
	if (*name && !*end)
		return 0;
	f = fopen(file, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, name, n) || line[n] != ':')
			continue;
		p = strchr(line + n + 1, ':');	/* past the password */
		if (p) {
			*id = strtol(p + 1, NULL, 10);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -ENOENT;
}

static void name_of(const char *file, long id, char *buf, size_t len)
{
	char line[512];
	FILE *f = fopen(file, "re");

	snprintf(buf, len, "%ld", id);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (c2 && strtol(c2 + 1, NULL, 10) == id) {
			size_t l = (size_t)(c1 - line);

			if (l >= len)
				l = len - 1;
			memcpy(buf, line, l);
			buf[l] = 0;
			break;
		}
	}
	fclose(f);
}

/* The node through which a function is driven: /dev/upci/BDF or /dev/vfio/N */
static int node_of(const struct upci_pci_func *f, char *path, size_t len)
{
	if (!strcmp(f->driver, "upci"))
		snprintf(path, len, "%s/upci/%s", devdir, f->bdf);
	else if (!strcmp(f->driver, "vfio-pci") && f->iommu_group >= 0)
		snprintf(path, len, "%s/vfio/%d", devdir, f->iommu_group);
	else
		return -ENOENT;
	return 0;
}

static void json_str(const char *key, const char *val, int comma)
{
	const char *p;

	printf("\"%s\": \"", key);
	for (p = val; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	printf("\"%s", comma ? ", " : "");
}

/* The facts `list` and `info` share about a function */
struct facts {
	struct upci_pci_func f;
	int safe;			/* 1, 0, or -1: no IOMMU group */
	char blocker[UPCI_BDF_LEN];
	char blocker_driver[UPCI_DRIVER_LEN];
	char node[PATH_MAX];
	char owner[64];
	char group[64];
	unsigned int mode;
	int has_node;
};

static void gather(struct facts *x)
{
	struct stat st;
	int ret;

	x->blocker[0] = x->blocker_driver[0] = 0;
	ret = upci_group_check(x->f.bdf, x->blocker, x->blocker_driver);
	x->safe = ret == -ENOENT ? -1 : ret == 0;
	x->has_node = !node_of(&x->f, x->node, sizeof(x->node)) &&
		      !stat(x->node, &st);
	if (x->has_node) {
		name_of("/etc/passwd", (long)st.st_uid, x->owner, sizeof(x->owner));
		name_of("/etc/group", (long)st.st_gid, x->group, sizeof(x->group));
		x->mode = st.st_mode & 07777;
	}
}

static void print_facts_json(const struct facts *x, int comma)
{
	char buf[32];

	printf("{");
	json_str("bdf", x->f.bdf, 1);
	snprintf(buf, sizeof(buf), "%04x", x->f.vendor);
	json_str("vendor", buf, 1);
	snprintf(buf, sizeof(buf), "%04x", x->f.device);
	json_str("device", buf, 1);
	snprintf(buf, sizeof(buf), "%06x", x->f.class_code);
	json_str("class", buf, 1);
	json_str("driver", x->f.driver, 1);
	printf("\"iommu_group\": %d, ", x->f.iommu_group);
	printf("\"group_safe\": %s, ", x->safe > 0 ? "true" : "false");
	if (x->blocker[0]) {
		json_str("blocked_by", x->blocker, 1);
		json_str("blocked_by_driver", x->blocker_driver, 1);
	} else {
		printf("\"blocked_by\": null, ");
	}
	if (x->has_node) {
		json_str("node", x->node, 1);
		json_str("owner", x->owner, 1);
		json_str("group", x->group, 1);
		snprintf(buf, sizeof(buf), "%04o", x->mode);
		json_str("mode", buf, 0);
	} else {
		printf("\"node\": null");
	}
	printf("}%s", comma ? "," : "");
}

static int cmd_list(int json)
{
	struct upci_pci_func *funcs;
	struct facts x;
	size_t n, i;
	int ret = upci_pci_scan(&funcs, &n);

	if (ret)
		return die(errno_exit(ret), "cannot read %s/bus/pci: %s", sysfs,
			   strerror(-ret));
	if (json)
		printf("[\n");
	else
		printf("%-12s  %-9s  %-6s  %-10s  %5s  %-28s  %s\n", "BDF", "ID",
		       "CLASS", "DRIVER", "GROUP", "HAND OUT", "NODE");
	for (i = 0; i < n; i++) {
		char safe[UPCI_BDF_LEN + UPCI_DRIVER_LEN + 16], node[PATH_MAX + 160];

		x.f = funcs[i];
		gather(&x);
		if (json) {
			printf("  ");
			print_facts_json(&x, i + 1 < n);
			printf("\n");
			continue;
		}
		if (x.safe < 0)
			snprintf(safe, sizeof(safe), "no: no IOMMU");
		else if (x.safe)
			snprintf(safe, sizeof(safe), "yes");
		else
			snprintf(safe, sizeof(safe), "no: %s (%s)", x.blocker,
				 x.blocker_driver);
		if (x.has_node)
			snprintf(node, sizeof(node), "%s %s:%s %04o", x.node,
				 x.owner, x.group, x.mode);
		else
			snprintf(node, sizeof(node), "-");
		printf("%-12s  %04x:%04x  %06x  %-10s  %5d  %-28s  %s\n", x.f.bdf,
		       x.f.vendor, x.f.device, x.f.class_code,
		       x.f.driver[0] ? x.f.driver : "-", x.f.iommu_group, safe, node);
	}
	if (json)
		printf("]\n");
	free(funcs);
	return 0;
}

static char open_error[512];

static void keep_error(void *arg, int level, const char *msg)
{
	(void)arg;
	if (level <= UPCI_LOG_ERR)
		snprintf(open_error, sizeof(open_error), "%s", msg);
}

static const char *region_name(unsigned int i)
{
	static const char *const names[] = {
		"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "config",
	};
	return names[i];
}

static int cmd_info(const char *bdf, int json)
{
	struct upci_dev_info di;
	struct upci_dev *dev = NULL;
	struct upci_region r;
	struct facts x;
	unsigned int i, first = 1;
	int ret, code = 0;

	ret = upci_pci_lookup(bdf, &x.f);
	if (ret)
		return die(ret == -EINVAL ? EXIT_USAGE : errno_exit(ret), "%s: %s", bdf, ret == -EINVAL ?
			   "not a PCI address (like 0000:00:03.0)" : "no such PCI function");
	gather(&x);
	open_error[0] = 0;
	if (!strcmp(x.f.driver, "upci") || !strcmp(x.f.driver, "vfio-pci")) {
		upci_set_log(keep_error, NULL, UPCI_LOG_ERR);
		ret = upci_dev_open(x.f.bdf, NULL, 0, &dev);
		upci_set_log(NULL, NULL, 0);
		if (ret && !open_error[0])
			snprintf(open_error, sizeof(open_error), "%s", strerror(-ret));
		if (ret)
			code = errno_exit(ret);
	} else {
		snprintf(open_error, sizeof(open_error),
			 "bound to %s, not to upci or vfio-pci: run `upci bind %s`",
			 x.f.driver[0] ? x.f.driver : "no driver", x.f.bdf);
		code = EXIT_BUSY;
	}
	if (!dev && x.safe == 0 && strcmp(x.blocker, x.f.bdf))
		snprintf(open_error + strlen(open_error),
			 sizeof(open_error) - strlen(open_error),
			 "%sits IOMMU group %d is not safe to hand out: %s is bound to %s; bind that function too (upci bind %s) or unbind its driver",
			 open_error[0] ? "; " : "", x.f.iommu_group, x.blocker,
			 x.blocker_driver, x.blocker);
	if (dev)
		upci_dev_info(dev, &di);

	if (json) {
		printf("{\"function\": ");
		print_facts_json(&x, 1);
		printf(" \"openable\": %s, ", dev ? "true" : "false");
		json_str("error", open_error, 1);
		printf("\"regions\": [");
		for (i = 0; dev && i < 8; i++) {
			if (upci_region_info(dev, i, &r) || !r.size)
				continue;
			printf("%s{\"index\": %u, \"name\": \"%s\", \"size\": %llu, \"mappable\": %s}",
			       first ? "" : ", ", i, region_name(i),
			       (unsigned long long)r.size,
			       r.flags & UPCI_REGION_MAPPABLE ? "true" : "false");
			first = 0;
		}
		printf("], \"interrupts\": ");
		if (dev)
			printf("{\"intx\": %s, \"msi\": %u, \"msix\": %u}, ",
			       di.irq_types & UPCI_INTX ? "true" : "false",
			       di.num_msi, di.num_msix);
		else
			printf("null, ");
		printf("\"reset\": %s, \"pcie\": %s}\n",
		       dev && di.flags & UPCI_DEV_RESET ? "true" : "false",
		       dev && di.flags & UPCI_DEV_PCIE ? "true" : "false");
	} else {
		printf("%s  %04x:%04x (subsystem %04x:%04x)  class %06x\n", x.f.bdf,
		       x.f.vendor, x.f.device, x.f.subsystem_vendor,
		       x.f.subsystem_device, x.f.class_code);
		printf("  driver:      %s\n", x.f.driver[0] ? x.f.driver : "(none)");
		printf("  IOMMU group: %d, %s\n", x.f.iommu_group,
		       x.safe < 0 ? "no IOMMU: only CAP_SYS_RAWIO may open it" :
		       x.safe ? "safe to hand out" : "NOT safe to hand out");
		if (x.has_node)
			printf("  node:        %s, owner %s, group %s, mode %04o\n",
			       x.node, x.owner, x.group, x.mode);
		if (dev) {
			printf("  backend:     %s%s%s\n",
			       di.backend == UPCI_BACKEND_UPCI ? "upci" : "vfio",
			       di.flags & UPCI_DEV_RESET ? ", reset" : "",
			       di.flags & UPCI_DEV_PCIE ? ", PCI Express" : "");
			for (i = 0; i < 8; i++) {
				if (upci_region_info(dev, i, &r) || !r.size)
					continue;
				printf("  %-7s      %llu bytes%s%s\n", region_name(i),
				       (unsigned long long)r.size,
				       r.flags & UPCI_REGION_MAPPABLE ? ", mappable" : "",
				       r.flags & UPCI_REGION_IO_PORT ? ", I/O ports" : "");
			}
			printf("  interrupts:  INTx %s, MSI %u, MSI-X %u\n",
			       di.irq_types & UPCI_INTX ? "yes" : "no", di.num_msi,
			       di.num_msix);
		} else {
			printf("  cannot be opened: %s\n", open_error);
		}
	}
	upci_dev_close(dev);
	return code;
}

static void state_path(char *buf, size_t len, const char *bdf)
{
	snprintf(buf, len, "%s/%s.driver", env_or("UPCI_STATE_DIR", "/run/upci"), bdf);
}

static void rule_path(char *buf, size_t len, const char *bdf)
{
	snprintf(buf, len, "%s/70-upci-%s.rules",
		 env_or("UPCI_UDEV_DIR", "/etc/udev/rules.d"), bdf);
}

static int wait_for(const char *path)
{
	struct timespec pause = { 0, 50000000 };
	int i;

	for (i = 0; i < 100; i++) {
		if (!access(path, F_OK))
			return 0;
		nanosleep(&pause, NULL);
	}
	return -ETIMEDOUT;
}

struct bind_opts {
	const char *owner, *group, *mode, *driver;
	int persist;
};

static int write_rule(const char *bdf, const struct bind_opts *o)
{
	char path[PATH_MAX], self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *f;

	if (n <= 0)
		snprintf(self, sizeof(self), "/usr/bin/upci");
	else
		self[n] = 0;
	rule_path(path, sizeof(path), bdf);
	mkdir(env_or("UPCI_UDEV_DIR", "/etc/udev/rules.d"), 0755);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fprintf(f, "# Written by `upci bind --persist`: hand %s to %s whenever it appears.\n"
		"ACTION==\"add\", SUBSYSTEM==\"pci\", KERNEL==\"%s\", RUN+=\"%s bind %s --driver %s",
		bdf, o->driver, bdf, self, bdf, o->driver);
	if (o->owner)
		fprintf(f, " --owner %s", o->owner);
	if (o->group)
		fprintf(f, " --group %s", o->group);
	if (o->mode)
		fprintf(f, " --mode %s", o->mode);
	fprintf(f, "\"\n");
	return fclose(f) ? -errno : 0;
}

static int cmd_bind(const char *arg, const struct bind_opts *o)
{
	char path[PATH_MAX], node[PATH_MAX], prev[UPCI_DRIVER_LEN];
	struct upci_pci_func f;
	long uid = -1, gid = -1, mode = -1;
	char *end;
	FILE *st;
	int ret;

	if (strcmp(o->driver, "upci") && strcmp(o->driver, "vfio-pci"))
		return die(EXIT_USAGE, "--driver must be upci or vfio-pci");
	if (o->owner && lookup_id("/etc/passwd", o->owner, &uid))
		return die(EXIT_USAGE, "no such user: %s", o->owner);
	if (o->group && lookup_id("/etc/group", o->group, &gid))
		return die(EXIT_USAGE, "no such group: %s", o->group);
	if (o->mode) {
		mode = strtol(o->mode, &end, 8);
		if (*end || mode < 0 || mode > 0777)
			return die(EXIT_USAGE, "--mode wants an octal mode like 0660");
	}
	ret = upci_pci_lookup(arg, &f);
	if (ret)
		return die(ret == -EINVAL ? EXIT_USAGE : errno_exit(ret), "%s: %s", arg, ret == -EINVAL ?
			   "not a PCI address (like 0000:00:03.0)" : "no such PCI function");
	if (geteuid())
		return die(EXIT_PERM, "bind needs root (it rebinds drivers and changes the node's owner)");

	if (strcmp(f.driver, o->driver)) {
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", sysfs, o->driver);
		if (access(path, F_OK)) {
			run_quietly("modprobe", o->driver);
			if (!strcmp(o->driver, "vfio-pci"))
				run_quietly("modprobe", "vfio_iommu_type1");
			if (access(path, F_OK))
				return die(EXIT_FAIL, "the %s driver is not loaded (modprobe %s)",
					   o->driver, o->driver);
		}
		/* Remember the driver being replaced, unless bind already did */
		mkdir(env_or("UPCI_STATE_DIR", "/run/upci"), 0755);
		state_path(path, sizeof(path), f.bdf);
		if (access(path, F_OK)) {
			st = fopen(path, "we");
			if (st) {
				fprintf(st, "%s\n", f.driver);
				fclose(st);
			}
		}
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override",
			 sysfs, f.bdf);
		ret = write_file(path, o->driver);
		if (!ret && f.driver[0]) {
			snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver/unbind",
				 sysfs, f.bdf);
			ret = write_file(path, f.bdf);
		}
		if (!ret) {
			snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", sysfs);
			ret = write_file(path, f.bdf);
		}
		if (ret)
			return die(errno_exit(ret), "%s: rebinding from %s to %s: %s",
				   f.bdf, f.driver[0] ? f.driver : "no driver",
				   o->driver, strerror(-ret));
		strcpy(prev, f.driver);
		upci_pci_lookup(f.bdf, &f);
		if (strcmp(f.driver, o->driver))
			return die(EXIT_BUSY, "%s: %s did not take it (see dmesg: its IOMMU group may not be safe, `upci info %s`)",
				   f.bdf, o->driver, f.bdf);
		printf("%s: bound to %s (was: %s)\n", f.bdf, o->driver,
		       prev[0] ? prev : "no driver");
	}
	if (node_of(&f, node, sizeof(node)) || wait_for(node))
		return die(EXIT_FAIL, "%s: its device node did not appear", f.bdf);
	if ((uid >= 0 || gid >= 0) && chown(node, (uid_t)uid, (gid_t)gid))
		return die(errno_exit(errno), "chown %s: %s", node, strerror(errno));
	if (mode >= 0 && chmod(node, (mode_t)mode))
		return die(errno_exit(errno), "chmod %s: %s", node, strerror(errno));
	if (o->persist) {
		ret = write_rule(f.bdf, o);
		if (ret)
			return die(EXIT_FAIL, "writing the udev rule: %s", strerror(-ret));
		rule_path(path, sizeof(path), f.bdf);
		printf("%s: persistent: %s\n", f.bdf, path);
	}
	{
		struct facts x = { .f = f };

		gather(&x);
		printf("%s: %s, owner %s, group %s, mode %04o\n", f.bdf, x.node,
		       x.owner, x.group, x.mode);
	}
	return 0;
}

static int cmd_unbind(const char *arg)
{
	char path[PATH_MAX], prev[UPCI_DRIVER_LEN] = "";
	struct upci_pci_func f;
	int ret;

	ret = upci_pci_lookup(arg, &f);
	if (ret)
		return die(ret == -EINVAL ? EXIT_USAGE : errno_exit(ret), "%s: %s", arg, ret == -EINVAL ?
			   "not a PCI address (like 0000:00:03.0)" : "no such PCI function");
	if (geteuid())
		return die(EXIT_PERM, "unbind needs root");
	if (strcmp(f.driver, "upci") && strcmp(f.driver, "vfio-pci"))
		return die(EXIT_FAIL, "%s is bound to %s, not to upci or vfio-pci",
			   f.bdf, f.driver[0] ? f.driver : "no driver");
	state_path(path, sizeof(path), f.bdf);
	read_file(path, prev, sizeof(prev));
	unlink(path);
	rule_path(path, sizeof(path), f.bdf);
	unlink(path);
	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/unbind", sysfs, f.driver);
	ret = write_file(path, f.bdf);
	if (ret)
		return die(errno_exit(ret), "%s: unbind from %s: %s", f.bdf,
			   f.driver, strerror(-ret));
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override",
		 sysfs, f.bdf);
	write_file(path, "\n");
	if (prev[0]) {
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/bind", sysfs, prev);
		ret = write_file(path, f.bdf);
		if (ret) {
			snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", sysfs);
			write_file(path, f.bdf);
		}
	}
	upci_pci_lookup(f.bdf, &f);
	printf("%s: unbound; now %s\n", f.bdf, f.driver[0] ? f.driver : "no driver");
	if (prev[0] && strcmp(prev, f.driver))
		return die(EXIT_FAIL, "%s: could not give it back to %s", f.bdf, prev);
	return 0;
}

static int usage(FILE *out, int code)
{
	fprintf(out,
		"usage: upci list [--json]\n"
		"       upci info BDF [--json]\n"
		"       upci bind BDF [--owner USER] [--group GROUP] [--mode MODE]\n"
		"                     [--driver upci|vfio-pci] [--persist]\n"
		"       upci unbind BDF\n"
		"exit status: 0 ok, 1 failed, 2 usage, 3 no such function,\n"
		"             4 permission denied, 5 busy or not safe to hand out\n"
		"see upci(8)\n");
	return code;
}

int main(int argc, char **argv)
{
	struct bind_opts o = { .driver = "upci" };
	const char *cmd, *bdf = NULL;
	int i, json = 0;

	if (argc < 2)
		return usage(stderr, EXIT_USAGE);
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help"))
		return usage(stdout, 0);
	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **opt = !strcmp(a, "--owner") ? &o.owner :
				   !strcmp(a, "--group") ? &o.group :
				   !strcmp(a, "--mode") ? &o.mode :
				   !strcmp(a, "--driver") ? &o.driver : NULL;

		if (opt) {
			if (++i == argc)
				return die(EXIT_USAGE, "%s needs a value", a);
			*opt = argv[i];
		} else if (!strcmp(a, "--json")) {
			json = 1;
		} else if (!strcmp(a, "--persist")) {
			o.persist = 1;
		} else if (a[0] != '-' && !bdf) {
			bdf = a;
		} else {
			return usage(stderr, EXIT_USAGE);
		}
	}
	if (!strcmp(cmd, "list") && !bdf)
		return cmd_list(json);
	if (!bdf)
		return usage(stderr, EXIT_USAGE);
	if (!strcmp(cmd, "info"))
		return cmd_info(bdf, json);
	if (!strcmp(cmd, "bind") && !json)
		return cmd_bind(bdf, &o);
	if (!strcmp(cmd, "unbind") && !json)
		return cmd_unbind(bdf);
	return usage(stderr, EXIT_USAGE);
}
