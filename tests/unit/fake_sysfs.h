/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fake_sysfs.h: builds a fake sysfs and /dev tree in a temporary directory
 * for libupci's unit tests, and points the library at it.
 */
#ifndef UPCI_FAKE_SYSFS_H
#define UPCI_FAKE_SYSFS_H

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static char fake_root[256], fake_sys[300], fake_dev[300];

static void fake_mkdirs(const char *path)
{
	char buf[512], *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0755);
			*p = '/';
		}
	}
	mkdir(buf, 0755);
}

static void fake_write(const char *rel, const char *fmt, ...)
{
	char path[512], *slash;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	slash = strrchr(path, '/');
	*slash = 0;
	fake_mkdirs(path);
	*slash = '/';
	f = fopen(path, "w");
	if (!f)
		abort();
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static void fake_link(const char *rel, const char *target)
{
	char path[512], *slash;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	slash = strrchr(path, '/');
	*slash = 0;
	fake_mkdirs(path);
	*slash = '/';
	unlink(path);
	if (symlink(target, path))
		abort();
}

/* A PCI function: IDs, class, driver ("" for none), IOMMU group (-1: none) */
static void fake_func(const char *bdf, unsigned int vendor, unsigned int device,
		      unsigned int class_code, const char *driver, int group)
{
	char rel[256], target[256];

	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/vendor", bdf);
	fake_write(rel, "0x%04x\n", vendor);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/device", bdf);
	fake_write(rel, "0x%04x\n", device);
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/subsystem_vendor", bdf);
	fake_write(rel, "0x1af4\n");
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/subsystem_device", bdf);
	fake_write(rel, "0x1100\n");
	snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/class", bdf);
	fake_write(rel, "0x%06x\n", class_code);
	if (driver[0]) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/driver", bdf);
		snprintf(target, sizeof(target), "../../../../bus/pci/drivers/%s", driver);
		fake_link(rel, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu_group", bdf);
		snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%d", group);
		fake_link(rel, target);
		snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%d/devices/%s", group, bdf);
		snprintf(target, sizeof(target), "../../../../bus/pci/devices/%s", bdf);
		fake_link(rel, target);
	}
}

static void fake_setup(void)
{
	snprintf(fake_root, sizeof(fake_root), "/tmp/upci-unit-XXXXXX");
	if (!mkdtemp(fake_root))
		abort();
	snprintf(fake_sys, sizeof(fake_sys), "%s/sys", fake_root);
	snprintf(fake_dev, sizeof(fake_dev), "%s/dev", fake_root);
	fake_mkdirs(fake_sys);
	fake_mkdirs(fake_dev);
	upci__sysfs_root = fake_sys;
	upci__dev_root = fake_dev;
}

static void fake_teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", fake_root);
}

#endif
