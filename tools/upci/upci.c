// SPDX-License-Identifier: GPL-2.0
/*
 * upci: hand PCI functions to user-level drivers, and take them back.
 *
 *   upci list [--json]
 *   upci info BDF [--json]
 *   upci bind BDF [--owner USER] [--group GROUP] [--mode MODE]
 *                 [--driver upci|vfio-pci] [--persist]
 *   upci unbind BDF
 *   upci sriov PF_BDF N [--owner USER] [--group GROUP] [--mode MODE]
 *                       [--driver upci|vfio-pci] [--json]
 *
 * bind remembers the driver it replaces (in $UPCI_STATE_DIR, default
 * /run/upci) and unbind gives the function back to it.  --persist writes a
 * udev rule (in $UPCI_UDEV_DIR, default /etc/udev/rules.d) that binds the
 * function the same way whenever it appears; unbind removes it.  sriov
 * creates N virtual functions on a PF that stays with its kernel driver and
 * binds each the way bind does; N = 0 removes them.  list and info name
 * vendors and devices from the PCI ID database through pciutils' libpci.
 *
 * Exit status: 0 success; 1 the operation failed; 2 bad usage (or not a
 * PCI address); 3 no such
 * PCI function; 4 permission denied (bind, unbind and sriov need root);
 * 5 the function or its IOMMU group is busy (info: it cannot be opened;
 * sriov: a VF is open).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pci/pci.h>
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

/*
 * Vendor and device names come from the PCI ID database through pciutils'
 * libpci, as lspci shows them.  The database ($UPCI_PCI_IDS, else libpci's
 * own path) is loaded once, on first use; without it names stay empty and
 * the hexadecimal IDs stand alone.  Neither udev's hwdb nor libpci's DNS
 * cache is consulted, so the names only depend on that one file.
 */
static struct pci_access *ids;
static int ids_state;			/* 0: not tried, 1: loaded, -1: missing */

static void ids_error(char *msg, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static void ids_error(char *msg, ...)
{
	va_list ap;

	fprintf(stderr, "upci: libpci: ");
	va_start(ap, msg);
	vfprintf(stderr, msg, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAIL);
}

static void ids_warning(char *msg, ...)
{
	(void)msg;
}

static int ids_load(void)
{
	char *path = getenv("UPCI_PCI_IDS");

	if (ids_state)
		return ids_state > 0;
	ids_state = -1;
	ids = pci_alloc();
	ids->error = ids_error;
	ids->warning = ids_warning;
	ids->id_lookup_mode = 0;
	if (path && *path)
		pci_set_name_list_path(ids, path, 0);
	pci_init(ids);
	if (pci_load_name_list(ids))
		ids_state = 1;
	return ids_state > 0;
}

static void ids_close(void)
{
	if (ids)
		pci_cleanup(ids);
	ids = NULL;
	ids_state = 0;
}

static void lookup(char *out, size_t len, int what, unsigned int vendor,
		   unsigned int device)
{
	char buf[256];
	const char *s = pci_lookup_name(ids, buf, sizeof(buf), what |
					PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB,
					vendor, device);

	snprintf(out, len, "%s", s ? s : "");
}

/* sysfs attribute @attr of function @bdf as a number; 0 or -errno */
static int read_long(const char *bdf, const char *attr, long *val)
{
	char path[PATH_MAX], buf[32], *end;
	int ret;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", sysfs, bdf, attr);
	ret = read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	*val = strtol(buf, &end, 0);
	return *buf && !*end ? 0 : -EINVAL;
}

/* The function a sysfs link of @bdf (physfn, virtfnN) points to; 0 or -errno */
static int read_link_bdf(const char *bdf, const char *link, char *out)
{
	char path[PATH_MAX], target[PATH_MAX], *base;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", sysfs, bdf, link);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= UPCI_BDF_LEN)
		return -EINVAL;
	strcpy(out, base);
	return 0;
}

static int vf_bdf(const char *pf, long i, char *out)
{
	char link[32];

	snprintf(link, sizeof(link), "virtfn%ld", i);
	return read_link_bdf(pf, link, out);
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
	char vendor_name[128];		/* "" if not in the ID database */
	char device_name[128];
	char physfn[UPCI_BDF_LEN];	/* a VF's PF, "" for other functions */
	long vf_index;			/* a VF's number under its PF, or -1 */
	long totalvfs, numvfs;		/* a PF's; -1 without SR-IOV */
};

/* @names: look the vendor and device names up too */
static void gather(struct facts *x, int names)
{
	char vf[UPCI_BDF_LEN];
	struct stat st;
	long i, pf_vfs;
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
	x->vendor_name[0] = x->device_name[0] = 0;
	if (names && ids_load()) {
		lookup(x->vendor_name, sizeof(x->vendor_name), PCI_LOOKUP_VENDOR,
		       x->f.vendor, 0);
		lookup(x->device_name, sizeof(x->device_name), PCI_LOOKUP_DEVICE,
		       x->f.vendor, x->f.device);
	}
	if (read_long(x->f.bdf, "sriov_totalvfs", &x->totalvfs) ||
	    read_long(x->f.bdf, "sriov_numvfs", &x->numvfs))
		x->totalvfs = x->numvfs = -1;
	x->vf_index = -1;
	if (read_link_bdf(x->f.bdf, "physfn", x->physfn)) {
		x->physfn[0] = 0;
		return;
	}
	if (read_long(x->physfn, "sriov_numvfs", &pf_vfs))
		return;
	for (i = 0; i < pf_vfs; i++)
		if (!vf_bdf(x->physfn, i, vf) && !strcmp(vf, x->f.bdf))
			x->vf_index = i;
}

static void print_facts_json(const struct facts *x, int comma)
{
	char buf[32], vf[UPCI_BDF_LEN];
	long i;

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
	if (x->vendor_name[0])
		json_str("vendor_name", x->vendor_name, 1);
	else
		printf("\"vendor_name\": null, ");
	if (x->device_name[0])
		json_str("device_name", x->device_name, 1);
	else
		printf("\"device_name\": null, ");
	if (x->physfn[0]) {
		json_str("physfn", x->physfn, 1);
		printf("\"vf_index\": %ld, ", x->vf_index);
	} else {
		printf("\"physfn\": null, \"vf_index\": null, ");
	}
	if (x->totalvfs >= 0) {
		printf("\"sriov_totalvfs\": %ld, \"sriov_numvfs\": %ld, \"vfs\": [",
		       x->totalvfs, x->numvfs);
		for (i = 0; i < x->numvfs; i++)
			if (!vf_bdf(x->f.bdf, i, vf))
				printf("%s\"%s\"", i ? ", " : "", vf);
		printf("], ");
	} else {
		printf("\"sriov_totalvfs\": null, \"sriov_numvfs\": null, \"vfs\": null, ");
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

/* "Intel Corporation 82576 Virtual Function", or "-" */
static const char *full_name(const struct facts *x, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", x->vendor_name,
		 x->vendor_name[0] && x->device_name[0] ? " " : "",
		 x->device_name);
	if (!buf[0])
		snprintf(buf, len, "-");
	return buf;
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
		printf("%-12s  %-9s  %-6s  %-10s  %5s  %-28s  %-40s  %-20s  %s\n",
		       "BDF", "ID", "CLASS", "DRIVER", "GROUP", "HAND OUT", "NODE",
		       "SR-IOV", "NAME");
	for (i = 0; i < n; i++) {
		char safe[UPCI_BDF_LEN + UPCI_DRIVER_LEN + 16], node[PATH_MAX + 160];
		char sriov[UPCI_BDF_LEN + 32], name[260];

		x.f = funcs[i];
		gather(&x, 1);
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
		if (x.physfn[0])
			snprintf(sriov, sizeof(sriov), "VF%ld of %s", x.vf_index,
				 x.physfn);
		else if (x.totalvfs >= 0)
			snprintf(sriov, sizeof(sriov), "PF, %ld/%ld VFs", x.numvfs,
				 x.totalvfs);
		else
			snprintf(sriov, sizeof(sriov), "-");
		full_name(&x, name, sizeof(name));
		printf("%-12s  %04x:%04x  %06x  %-10s  %5d  %-28s  %-40s  %-20s  %s\n",
		       x.f.bdf, x.f.vendor, x.f.device, x.f.class_code,
		       x.f.driver[0] ? x.f.driver : "-", x.f.iommu_group, safe, node,
		       sriov, name);
	}
	if (json)
		printf("]\n");
	else if (ids_state < 0)
		printf("(no ID database)\n");
	free(funcs);
	ids_close();
	return 0;
}

/* info's SR-IOV line: a PF's VFs, or a VF's PF */
static void print_sriov(const struct facts *x)
{
	char vf[UPCI_BDF_LEN], pf_driver[PATH_MAX], *base;
	char path[PATH_MAX];
	ssize_t n;
	long i;

	if (x->physfn[0]) {
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver",
			 sysfs, x->physfn);
		n = readlink(path, pf_driver, sizeof(pf_driver) - 1);
		pf_driver[n > 0 ? n : 0] = 0;
		base = strrchr(pf_driver, '/');
		printf("  SR-IOV:      VF %ld of PF %s (%s)\n", x->vf_index,
		       x->physfn, base ? base + 1 : "no driver");
	} else if (x->totalvfs >= 0) {
		printf("  SR-IOV:      PF, %ld of %ld VFs%s", x->numvfs, x->totalvfs,
		       x->numvfs > 0 ? ":" : "");
		for (i = 0; i < x->numvfs; i++)
			if (!vf_bdf(x->f.bdf, i, vf))
				printf(" %s", vf);
		printf("\n");
	}
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
	char name[260];

	ret = upci_pci_lookup(bdf, &x.f);
	if (ret)
		return die(ret == -EINVAL ? EXIT_USAGE : errno_exit(ret), "%s: %s", bdf, ret == -EINVAL ?
			   "not a PCI address (like 0000:00:03.0)" : "no such PCI function");
	gather(&x, 1);
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
		if (ids_state < 0)
			printf("  name:        (no ID database)\n");
		else
			printf("  name:        %s\n", full_name(&x, name, sizeof(name)));
		printf("  driver:      %s\n", x.f.driver[0] ? x.f.driver : "(none)");
		print_sriov(&x);
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
	ids_close();
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
	long uid, gid, mode_bits;	/* resolved by check_bind_opts(), -1: keep */
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

/* Validates bind's and sriov's options and resolves names; 0 or an exit code */
static int check_bind_opts(struct bind_opts *o)
{
	char *end;

	o->uid = o->gid = o->mode_bits = -1;
	if (strcmp(o->driver, "upci") && strcmp(o->driver, "vfio-pci"))
		return die(EXIT_USAGE, "--driver must be upci or vfio-pci");
	if (o->owner && lookup_id("/etc/passwd", o->owner, &o->uid))
		return die(EXIT_USAGE, "no such user: %s", o->owner);
	if (o->group && lookup_id("/etc/group", o->group, &o->gid))
		return die(EXIT_USAGE, "no such group: %s", o->group);
	if (o->mode) {
		o->mode_bits = strtol(o->mode, &end, 8);
		if (*end || o->mode_bits < 0 || o->mode_bits > 0777)
			return die(EXIT_USAGE, "--mode wants an octal mode like 0660");
	}
	return 0;
}

static int lookup_or_die(const char *arg, struct upci_pci_func *f)
{
	int ret = upci_pci_lookup(arg, f);

	if (ret)
		return die(ret == -EINVAL ? EXIT_USAGE : errno_exit(ret), "%s: %s", arg, ret == -EINVAL ?
			   "not a PCI address (like 0000:00:03.0)" : "no such PCI function");
	return 0;
}

/*
 * The one way a function is handed out, for bind and for sriov's VFs:
 * driver_override, unbind from the current driver (remembered for unbind),
 * drivers_probe, then the node's owner, group and mode.  @f is updated to
 * the new binding.  @verbose prints what changed.  0 or an exit code, with
 * the message printed.
 */
static int bind_func(struct upci_pci_func *f, const struct bind_opts *o, int verbose)
{
	char path[PATH_MAX], node[PATH_MAX], prev[UPCI_DRIVER_LEN];
	FILE *st;
	int ret;

	if (strcmp(f->driver, o->driver)) {
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
		state_path(path, sizeof(path), f->bdf);
		if (access(path, F_OK)) {
			st = fopen(path, "we");
			if (st) {
				fprintf(st, "%s\n", f->driver);
				fclose(st);
			}
		}
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override",
			 sysfs, f->bdf);
		ret = write_file(path, o->driver);
		if (!ret && f->driver[0]) {
			snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver/unbind",
				 sysfs, f->bdf);
			ret = write_file(path, f->bdf);
		}
		if (!ret) {
			snprintf(path, sizeof(path), "%s/bus/pci/drivers_probe", sysfs);
			ret = write_file(path, f->bdf);
		}
		if (ret)
			return die(errno_exit(ret), "%s: rebinding from %s to %s: %s",
				   f->bdf, f->driver[0] ? f->driver : "no driver",
				   o->driver, strerror(-ret));
		strcpy(prev, f->driver);
		upci_pci_lookup(f->bdf, f);
		if (strcmp(f->driver, o->driver))
			return die(EXIT_BUSY, "%s: %s did not take it (see dmesg: its IOMMU group may not be safe, `upci info %s`)",
				   f->bdf, o->driver, f->bdf);
		if (verbose)
			printf("%s: bound to %s (was: %s)\n", f->bdf, o->driver,
			       prev[0] ? prev : "no driver");
	}
	if (node_of(f, node, sizeof(node)) || wait_for(node))
		return die(EXIT_FAIL, "%s: its device node did not appear", f->bdf);
	if ((o->uid >= 0 || o->gid >= 0) &&
	    chown(node, (uid_t)o->uid, (gid_t)o->gid))
		return die(errno_exit(errno), "chown %s: %s", node, strerror(errno));
	if (o->mode_bits >= 0 && chmod(node, (mode_t)o->mode_bits))
		return die(errno_exit(errno), "chmod %s: %s", node, strerror(errno));
	if (o->persist) {
		ret = write_rule(f->bdf, o);
		if (ret)
			return die(EXIT_FAIL, "writing the udev rule: %s", strerror(-ret));
		rule_path(path, sizeof(path), f->bdf);
		if (verbose)
			printf("%s: persistent: %s\n", f->bdf, path);
	}
	return 0;
}

static int cmd_bind(const char *arg, struct bind_opts *o)
{
	struct upci_pci_func f;
	struct facts x;
	int ret;

	ret = check_bind_opts(o);
	if (!ret)
		ret = lookup_or_die(arg, &f);
	if (ret)
		return ret;
	if (geteuid())
		return die(EXIT_PERM, "bind needs root (it rebinds drivers and changes the node's owner)");
	ret = bind_func(&f, o, 1);
	if (ret)
		return ret;
	x.f = f;
	gather(&x, 0);
	printf("%s: %s, owner %s, group %s, mode %04o\n", f.bdf, x.node,
	       x.owner, x.group, x.mode);
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

/*
 * SR-IOV provisioning.  The PF stays with its kernel driver (igb, ...): its
 * sriov_configure is what creates VFs.  sriov brings the PF's network
 * interface up (QEMU's igb, like the 82576, only switches frames between
 * its functions once igb has enabled its receiver and transmitter, which it
 * does when the interface goes up), creates the VFs with the kernel's VF
 * driver kept away (sriov_drivers_autoprobe 0 while they appear), and hands
 * each out with bind_func(), as `upci bind` would.  A failure puts back
 * what it changed: the VFs' bindings, sriov_numvfs, autoprobe and the link.
 */
struct sriov {
	struct upci_pci_func pf;
	long total, was;		/* sriov_totalvfs, sriov_numvfs found */
	long autoprobe;			/* sriov_drivers_autoprobe found, -1: untouched */
	char raised[IFNAMSIZ];		/* the interface sriov brought up, or "" */
};

static int pf_write(const char *pf, const char *attr, long val)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/%s", sysfs, pf, attr);
	snprintf(buf, sizeof(buf), "%ld", val);
	return write_file(path, buf);
}

/* Sets or clears IFF_UP on interface @name; 0 or -errno */
static int link_set(int sock, const char *name, int up)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (strlen(name) >= sizeof(ifr.ifr_name))
		return -EINVAL;
	strcpy(ifr.ifr_name, name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		return -errno;
	if (!(ifr.ifr_flags & IFF_UP) == !up)
		return 1;		/* already so */
	ifr.ifr_flags = up ? ifr.ifr_flags | IFF_UP : ifr.ifr_flags & ~IFF_UP;
	return ioctl(sock, SIOCSIFFLAGS, &ifr) ? -errno : 0;
}

/*
 * Brings the PF's interface up (a PF without one is fine) and notes it in
 * s->raised unless it was up already; 0, or -errno with the interface that
 * failed in @failed.
 */
static int pf_link_up(struct sriov *s, char *failed, size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	int sock, ret = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/net", sysfs, s->pf.bdf);
	d = opendir(path);
	if (!d)
		return 0;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		ret = -errno;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ret = link_set(sock, de->d_name, 1);
		if (ret < 0)
			snprintf(failed, len, "%s", de->d_name);
		else if (!ret && strlen(de->d_name) < sizeof(s->raised))
			strcpy(s->raised, de->d_name);
		ret = ret > 0 ? 0 : ret;
	}
	if (sock >= 0)
		close(sock);
	closedir(d);
	return ret;
}

static void pf_link_restore(struct sriov *s)
{
	int sock;

	if (!s->raised[0])
		return;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock >= 0) {
		link_set(sock, s->raised, 0);
		close(sock);
	}
	s->raised[0] = 0;
}

/*
 * Who holds @node: a file descriptor or a mapping of it in any process
 * (root sees them all).  Returns 1 with "pid N (comm)" in @who, 0 if
 * nobody.  The answer may be stale at once: it serves to refuse politely,
 * not to lock (upci's remove() never waits for a holder anyway).
 */
static int node_holder(const char *node, char *who, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX], line[PATH_MAX + 128], comm[64];
	size_t nl = strlen(node), l;
	struct dirent *p, *fd;
	DIR *proc, *fds;
	int found = 0;
	FILE *maps;
	ssize_t n;

	proc = opendir("/proc");
	while (proc && !found && (p = readdir(proc))) {
		if (p->d_name[0] < '1' || p->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
		fds = opendir(path);
		while (fds && !found && (fd = readdir(fds))) {
			snprintf(path, sizeof(path), "/proc/%s/fd/%s", p->d_name,
				 fd->d_name);
			n = readlink(path, target, sizeof(target) - 1);
			if (n > 0) {
				target[n] = 0;
				found = !strcmp(target, node);
			}
		}
		if (fds)
			closedir(fds);
		snprintf(path, sizeof(path), "/proc/%s/maps", p->d_name);
		maps = found ? NULL : fopen(path, "re");
		while (maps && !found && fgets(line, sizeof(line), maps)) {
			l = strcspn(line, "\n");
			line[l] = 0;
			found = l > nl && line[l - nl - 1] == ' ' &&
				!strcmp(line + l - nl, node);
		}
		if (maps)
			fclose(maps);
		if (found) {
			snprintf(path, sizeof(path), "/proc/%s/comm", p->d_name);
			if (read_file(path, comm, sizeof(comm)))
				strcpy(comm, "?");
			snprintf(who, len, "pid %ld (%s)",
				 strtol(p->d_name, NULL, 10), comm);
		}
	}
	if (proc)
		closedir(proc);
	return found;
}

/*
 * Is VF @bdf open?  Its upci node, or for vfio-pci its group node and its
 * VFIO device node (/dev/vfio/devices/vfioN).  1 with a message, or 0.
 */
static int vf_busy(const char *bdf, char *msg, size_t len)
{
	char node[PATH_MAX], who[128], path[PATH_MAX];
	struct upci_pci_func f;
	struct dirent *de;
	int busy = 0;
	DIR *d;

	if (upci_pci_lookup(bdf, &f))
		return 0;
	if (!node_of(&f, node, sizeof(node)) && node_holder(node, who, sizeof(who)))
		busy = 1;
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/vfio-dev", sysfs, bdf);
	d = opendir(path);
	while (d && !busy && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(node, sizeof(node), "%s/vfio/devices/%s", devdir, de->d_name);
		busy = node_holder(node, who, sizeof(who));
	}
	if (d)
		closedir(d);
	if (busy)
		snprintf(msg, len, "VF %s is open: %s by %s", bdf, node, who);
	return busy;
}

/* Takes a VF from its driver before it disappears, and forgets bind's notes */
static void release_vf(const char *bdf)
{
	struct upci_pci_func f;
	char path[PATH_MAX];

	if (upci_pci_lookup(bdf, &f))
		return;
	if (f.driver[0]) {
		snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s/unbind", sysfs,
			 f.driver);
		write_file(path, f.bdf);
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver_override",
		 sysfs, f.bdf);
	write_file(path, "\n");
	state_path(path, sizeof(path), f.bdf);
	unlink(path);
	rule_path(path, sizeof(path), f.bdf);
	unlink(path);
}

/* Removes the PF's VFs, unless one is open; 0 or an exit code */
static int sriov_remove(struct sriov *s)
{
	char vf[UPCI_BDF_LEN], msg[PATH_MAX + 256];
	long i;
	int ret;

	for (i = 0; i < s->was; i++)
		if (!vf_bdf(s->pf.bdf, i, vf) && vf_busy(vf, msg, sizeof(msg)))
			return die(EXIT_BUSY, "%s: its VFs stay: %s; close it first",
				   s->pf.bdf, msg);
	for (i = 0; i < s->was; i++)
		if (!vf_bdf(s->pf.bdf, i, vf))
			release_vf(vf);
	ret = pf_write(s->pf.bdf, "sriov_numvfs", 0);
	if (ret)
		return die(errno_exit(ret), "%s: writing 0 to sriov_numvfs: %s",
			   s->pf.bdf, strerror(-ret));
	return 0;
}

/* Puts back what a failed sriov changed; VFs in @fresh were bound by it */
static void sriov_undo(struct sriov *s, char (*vfs)[UPCI_BDF_LEN],
		       const char *fresh, long n, int created)
{
	long i;

	for (i = 0; vfs && i < n; i++)
		if (fresh[i])
			release_vf(vfs[i]);
	if (created) {
		pf_write(s->pf.bdf, "sriov_numvfs", 0);
		if (s->was)
			pf_write(s->pf.bdf, "sriov_numvfs", s->was);
	}
	if (s->autoprobe > 0)
		pf_write(s->pf.bdf, "sriov_drivers_autoprobe", s->autoprobe);
	s->autoprobe = -1;
	pf_link_restore(s);
}

static void sriov_print(const struct sriov *s, char (*vfs)[UPCI_BDF_LEN],
			long n, int json)
{
	struct facts x;
	long i;

	if (json) {
		printf("{");
		json_str("pf", s->pf.bdf, 1);
		json_str("driver", s->pf.driver, 1);
		printf("\"totalvfs\": %ld, \"numvfs\": %ld, \"vfs\": [", s->total, n);
	}
	for (i = 0; i < n; i++) {
		if (!json) {
			printf("%s\n", vfs[i]);
			continue;
		}
		memset(&x, 0, sizeof(x));
		upci_pci_lookup(vfs[i], &x.f);
		gather(&x, 0);
		printf("%s{", i ? ", " : "");
		json_str("bdf", vfs[i], 1);
		json_str("driver", x.f.driver, 1);
		if (x.has_node) {
			json_str("node", x.node, 1);
			json_str("owner", x.owner, 0);
		} else {
			printf("\"node\": null, \"owner\": null");
		}
		printf("}");
	}
	if (json)
		printf("]}\n");
}

static int cmd_sriov(const char *arg, const char *count, struct bind_opts *o,
		     int json)
{
	struct sriov s = { .autoprobe = -1 };
	char (*vfs)[UPCI_BDF_LEN] = NULL;
	char physfn[UPCI_BDF_LEN], ifname[256] = "", *fresh = NULL, *end;
	struct upci_pci_func f;
	int ret, created = 0;
	long n, i;

	n = strtol(count, &end, 10);
	if (!*count || *end || n < 0 || n > 65535)
		return die(EXIT_USAGE, "sriov wants a number of VFs, not '%s'", count);
	if (o->persist)
		return die(EXIT_USAGE, "sriov has no --persist: VFs come and go with their PF");
	ret = check_bind_opts(o);
	if (!ret)
		ret = lookup_or_die(arg, &s.pf);
	if (ret)
		return ret;
	if (!read_link_bdf(s.pf.bdf, "physfn", physfn))
		return die(EXIT_FAIL, "%s is a virtual function (of %s), not an SR-IOV PF",
			   s.pf.bdf, physfn);
	if (read_long(s.pf.bdf, "sriov_totalvfs", &s.total) ||
	    read_long(s.pf.bdf, "sriov_numvfs", &s.was))
		return die(EXIT_FAIL, "%s is not an SR-IOV PF (it has no SR-IOV capability)",
			   s.pf.bdf);
	if (geteuid())
		return die(EXIT_PERM, "sriov needs root (it creates functions, rebinds drivers and changes the nodes' owners): %s",
			   strerror(EPERM));
	if (n > s.total)
		return die(EXIT_FAIL, "%s: %ld VFs asked, but it has at most %ld (sriov_totalvfs)",
			   s.pf.bdf, n, s.total);
	if (!s.pf.driver[0])
		return die(EXIT_FAIL, "%s is bound to no driver: its kernel driver creates the VFs (load it, e.g. modprobe igb, then run sriov again)",
			   s.pf.bdf);
	if (!strcmp(s.pf.driver, "upci") || !strcmp(s.pf.driver, "vfio-pci"))
		return die(EXIT_FAIL, "%s is bound to %s: sriov leaves a PF with its kernel driver (`upci unbind %s` first)",
			   s.pf.bdf, s.pf.driver, s.pf.bdf);

	if (n == 0 || (s.was && s.was != n)) {
		ret = sriov_remove(&s);
		if (ret || n == 0) {
			if (!ret)
				sriov_print(&s, NULL, 0, json);
			return ret;
		}
	}
	ret = pf_link_up(&s, ifname, sizeof(ifname));
	if (ret) {
		ret = die(errno_exit(ret), "%s: bringing its interface %s up: %s",
			  s.pf.bdf, ifname, strerror(-ret));
		goto undo;
	}
	if (s.was != n) {
		if (!read_long(s.pf.bdf, "sriov_drivers_autoprobe", &s.autoprobe) &&
		    s.autoprobe > 0) {
			ret = pf_write(s.pf.bdf, "sriov_drivers_autoprobe", 0);
			if (ret) {
				s.autoprobe = -1;
				ret = die(errno_exit(ret), "%s: turning sriov_drivers_autoprobe off: %s",
					  s.pf.bdf, strerror(-ret));
				goto undo;
			}
		}
		ret = pf_write(s.pf.bdf, "sriov_numvfs", n);
		if (ret) {
			ret = die(errno_exit(ret), "%s: %s did not create %ld VFs: %s (see dmesg)",
				  s.pf.bdf, s.pf.driver, n, strerror(-ret));
			goto undo;
		}
		created = 1;
	}
	vfs = calloc((size_t)n, sizeof(*vfs));
	fresh = calloc((size_t)n, 1);
	if (!vfs || !fresh) {
		ret = die(EXIT_FAIL, "out of memory");
		goto undo;
	}
	for (i = 0; i < n; i++) {
		ret = vf_bdf(s.pf.bdf, i, vfs[i]);
		if (ret) {
			ret = die(EXIT_FAIL, "%s: VF %ld did not appear (virtfn%ld: %s)",
				  s.pf.bdf, i, i, strerror(-ret));
			goto undo;
		}
	}
	for (i = 0; i < n; i++) {
		ret = upci_pci_lookup(vfs[i], &f);
		if (ret) {
			ret = die(errno_exit(ret), "%s: VF %s: %s", s.pf.bdf, vfs[i],
				  strerror(-ret));
			goto undo;
		}
		fresh[i] = strcmp(f.driver, o->driver) != 0;
		ret = bind_func(&f, o, 0);
		if (ret)
			goto undo;
	}
	if (s.autoprobe > 0)
		pf_write(s.pf.bdf, "sriov_drivers_autoprobe", s.autoprobe);
	sriov_print(&s, vfs, n, json);
	free(vfs);
	free(fresh);
	return 0;
undo:
	sriov_undo(&s, vfs, fresh, n, created);
	free(vfs);
	free(fresh);
	return ret;
}

static int usage(FILE *out, int code)
{
	fprintf(out,
		"usage: upci list [--json]\n"
		"       upci info BDF [--json]\n"
		"       upci bind BDF [--owner USER] [--group GROUP] [--mode MODE]\n"
		"                     [--driver upci|vfio-pci] [--persist]\n"
		"       upci unbind BDF\n"
		"       upci sriov PF_BDF N [--owner USER] [--group GROUP] [--mode MODE]\n"
		"                           [--driver upci|vfio-pci] [--json]\n"
		"exit status: 0 ok, 1 failed, 2 usage, 3 no such function,\n"
		"             4 permission denied, 5 busy or not safe to hand out\n"
		"see upci(8)\n");
	return code;
}

int main(int argc, char **argv)
{
	struct bind_opts o = { .driver = "upci" };
	const char *cmd, *bdf = NULL, *count = NULL;
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
		} else if (a[0] != '-' && !count && !strcmp(cmd, "sriov")) {
			count = a;
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
	if (!strcmp(cmd, "sriov") && count)
		return cmd_sriov(bdf, count, &o, json);
	return usage(stderr, EXIT_USAGE);
}
