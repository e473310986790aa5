// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
/*
 * libupci: PCI addresses and what sysfs says about functions.
 *
 * Everything reads below upci__sysfs_root (normally "/sys"), so that the
 * unit tests run it against a fake tree.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

const char *upci__sysfs_root = "/sys";
const char *upci__dev_root = "/dev";

/* Parses 1..@max hex digits at *@s; advances *@s */
static int hex_field(const char **s, unsigned int max, unsigned long *val)
{
	unsigned int n = 0;

	*val = 0;
	while (isxdigit((unsigned char)**s) && n < max) {
		char c = (char)tolower((unsigned char)**s);

		*val = *val * 16 + (unsigned long)(isdigit((unsigned char)c) ?
						    c - '0' : c - 'a' + 10);
		(*s)++;
		n++;
	}
	return n ? 0 : -EINVAL;
}

int upci_parse_bdf(const char *str, char bdf[UPCI_BDF_LEN])
{
	unsigned long f[4], domain = 0;
	const char *s = str;
	int i, n = 0;

	if (!str || !bdf)
		return -EINVAL;
	/* Up to three colon-separated fields, the last one "dd.f" */
	for (i = 0; i < 3; i++) {
		if (hex_field(&s, 4, &f[n++]))
			return -EINVAL;
		if (*s != ':')
			break;
		s++;
	}
	if (*s != '.' || n < 2 || n > 3)
		return -EINVAL;
	s++;
	if (hex_field(&s, 1, &f[n]) || *s)
		return -EINVAL;
	if (n == 3)
		domain = f[0];
	if (f[n - 2] > 0xff || f[n - 1] > 0x1f || f[n] > 7)
		return -EINVAL;
	snprintf(bdf, UPCI_BDF_LEN, "%04lx:%02lx:%02lx.%lx", domain & 0xffff,
		 f[n - 2], f[n - 1], f[n]);
	return 0;
}

static int func_path(char *buf, size_t len, const char *bdf, const char *name)
{
	int n = snprintf(buf, len, "%s/bus/pci/devices/%s%s%s", upci__sysfs_root,
			 bdf, name ? "/" : "", name ? name : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int upci__sysfs_read(const char *bdf, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, ret;

	ret = func_path(path, sizeof(path), bdf, name);
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = 0;
	return 0;
}

int upci__sysfs_read_ulong(const char *bdf, const char *name,
			   unsigned long *val)
{
	char buf[64], *end;
	int ret = upci__sysfs_read(bdf, name, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*val = strtoul(buf, &end, 0);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int upci__sysfs_link(const char *bdf, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int ret;

	ret = func_path(path, sizeof(path), bdf, name);
	if (ret)
		return ret;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int upci_pci_lookup(const char *str, struct upci_pci_func *func)
{
	char bdf[UPCI_BDF_LEN], group[32];
	unsigned long v;
	int ret;

	ret = upci_parse_bdf(str, bdf);
	if (ret)
		return ret;
	memset(func, 0, sizeof(*func));
	strcpy(func->bdf, bdf);
	ret = upci__sysfs_read_ulong(bdf, "vendor", &v);
	if (ret)
		return ret == -ENOENT ? -ENODEV : ret;
	func->vendor = (uint16_t)v;
	if (!upci__sysfs_read_ulong(bdf, "device", &v))
		func->device = (uint16_t)v;
	if (!upci__sysfs_read_ulong(bdf, "subsystem_vendor", &v))
		func->subsystem_vendor = (uint16_t)v;
	if (!upci__sysfs_read_ulong(bdf, "subsystem_device", &v))
		func->subsystem_device = (uint16_t)v;
	if (!upci__sysfs_read_ulong(bdf, "class", &v))
		func->class_code = (uint32_t)v;
	func->iommu_group = -1;
	if (!upci__sysfs_link(bdf, "iommu_group", group, sizeof(group)))
		func->iommu_group = atoi(group);
	if (upci__sysfs_link(bdf, "driver", func->driver, sizeof(func->driver)))
		func->driver[0] = 0;
	return 0;
}

static int cmp_func(const void *a, const void *b)
{
	return strcmp(((const struct upci_pci_func *)a)->bdf,
		      ((const struct upci_pci_func *)b)->bdf);
}

int upci_pci_scan(struct upci_pci_func **funcs, size_t *count)
{
	struct upci_pci_func *list = NULL, *grown;
	size_t n = 0, room = 0;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret = 0;

	*funcs = NULL;
	*count = 0;
	snprintf(path, sizeof(path), "%s/bus/pci/devices", upci__sysfs_root);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == room) {
			room = room ? room * 2 : 32;
			grown = realloc(list, room * sizeof(*list));
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			list = grown;
		}
		/* Functions that vanish meanwhile are skipped */
		if (!upci_pci_lookup(de->d_name, &list[n]))
			n++;
	}
	closedir(d);
	if (ret) {
		free(list);
		return ret;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_func);
	*funcs = list;
	*count = n;
	return 0;
}

/* Drivers that leave a group safe to hand out */
static int driver_is_safe(const char *driver)
{
	static const char *const safe[] = {
		"", "upci", "vfio-pci", "pci-stub", "pcieport",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(safe); i++)
		if (!strcmp(driver, safe[i]))
			return 1;
	return 0;
}

int upci_group_check(const char *str, char *blocker, char *driver)
{
	struct upci_pci_func func, member;
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ret;

	ret = upci_pci_lookup(str, &func);
	if (ret)
		return ret;
	if (func.iommu_group < 0)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices",
		 upci__sysfs_root, func.iommu_group);
	d = opendir(path);
	if (!d)
		return -errno;
	ret = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || upci_pci_lookup(de->d_name, &member))
			continue;
		if (!driver_is_safe(member.driver)) {
			if (blocker)
				strcpy(blocker, member.bdf);
			if (driver)
				strcpy(driver, member.driver);
			ret = -EBUSY;
			/* The function itself is the clearest culprit */
			if (!strcmp(member.bdf, func.bdf))
				break;
		}
	}
	closedir(d);
	return ret;
}
