// SPDX-License-Identifier: GPL-2.0
/*
 * upci-test-json: checks `upci list --json` (on stdin) against sysfs: the
 * text must be valid JSON, an array of objects, one per PCI function, whose
 * "bdf", "vendor", "device" and "driver" match /sys/bus/pci/devices.
 * The guest has no JSON tool, hence this small recursive-descent parser.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *p;
static int bad;

/* The current object's string fields of interest */
static char bdf[64], vendor[16], device[16], driver[64];
static int objects, mismatches;

static void ws(void)
{
	while (isspace((unsigned char)*p))
		p++;
}

static void value(char *out, size_t len, int depth);

static void string(char *out, size_t len)
{
	size_t n = 0;

	if (*p != '"') {
		bad = 1;
		return;
	}
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\')
			p++;
		if (out && n + 1 < len)
			out[n++] = *p;
	}
	if (*p != '"')
		bad = 1;
	else
		p++;
	if (out)
		out[n] = 0;
}

static void sysfs_check(void)
{
	char path[PATH_MAX], buf[64] = "", link[PATH_MAX];
	FILE *f;
	ssize_t n;
	char *base;

	objects++;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", bdf);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f) || strtoul(buf, NULL, 16) != strtoul(vendor, NULL, 16)) {
		printf("# %s: vendor %s does not match sysfs\n", bdf, vendor);
		mismatches++;
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device", bdf);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f) || strtoul(buf, NULL, 16) != strtoul(device, NULL, 16)) {
		printf("# %s: device %s does not match sysfs\n", bdf, device);
		mismatches++;
	}
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	base = strrchr(link, '/');
	if (strcmp(base ? base + 1 : "", driver)) {
		printf("# %s: driver '%s' does not match sysfs '%s'\n", bdf, driver,
		       base ? base + 1 : "");
		mismatches++;
	}
}

static void object(int depth)
{
	char key[64];

	p++;
	ws();
	bdf[0] = vendor[0] = device[0] = driver[0] = 0;
	if (*p == '}') {
		p++;
		return;
	}
	for (;;) {
		ws();
		string(key, sizeof(key));
		ws();
		if (*p++ != ':') {
			bad = 1;
			return;
		}
		ws();
		if (depth == 1 && !strcmp(key, "bdf"))
			value(bdf, sizeof(bdf), depth);
		else if (depth == 1 && !strcmp(key, "vendor"))
			value(vendor, sizeof(vendor), depth);
		else if (depth == 1 && !strcmp(key, "device"))
			value(device, sizeof(device), depth);
		else if (depth == 1 && !strcmp(key, "driver"))
			value(driver, sizeof(driver), depth);
		else
			value(NULL, 0, depth);
		ws();
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}') {
			p++;
			break;
		}
		bad = 1;
		return;
	}
	if (depth == 1)
		sysfs_check();
}

static void value(char *out, size_t len, int depth)
{
	ws();
	if (bad)
		return;
	if (*p == '{') {
		object(depth + 1);
	} else if (*p == '[') {
		p++;
		ws();
		if (*p == ']') {
			p++;
			return;
		}
		for (;;) {
			value(NULL, 0, depth);
			ws();
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p++ != ']')
				bad = 1;
			break;
		}
	} else if (*p == '"') {
		string(out, len);
	} else if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4)) {
		p += 4;
	} else if (!strncmp(p, "false", 5)) {
		p += 5;
	} else if (*p == '-' || isdigit((unsigned char)*p)) {
		strtod(p, (char **)&p);
	} else {
		bad = 1;
	}
}

int main(void)
{
	static char text[1 << 20];
	size_t n = fread(text, 1, sizeof(text) - 1, stdin);
	struct dirent *de;
	int functions = 0;
	DIR *d;

	text[n] = 0;
	p = text;
	ws();
	if (*p != '[') {
		printf("not ok - not a JSON array\n");
		return 1;
	}
	value(NULL, 0, 0);
	ws();
	if (bad || *p) {
		printf("not ok - invalid JSON near offset %ld\n", (long)(p - text));
		return 1;
	}
	d = opendir("/sys/bus/pci/devices");
	while (d && (de = readdir(d)))
		functions += de->d_name[0] != '.';
	if (d)
		closedir(d);
	printf("%s - valid JSON, %d objects for %d functions, %d mismatches\n",
	       objects == functions && !mismatches ? "ok" : "not ok", objects,
	       functions, mismatches);
	return objects == functions && !mismatches ? 0 : 1;
}
