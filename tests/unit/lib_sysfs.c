// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libupci's PCI addresses and sysfs parsing, against a fake
 * sysfs tree: upci_parse_bdf() forms and rejects, upci_pci_lookup() and
 * upci_pci_scan() fields, upci_group_check() naming the blocking function.
 */
#include <errno.h>

#include "fake_sysfs.h"
#include "unit.h"

static void parse(void)
{
	static const struct { const char *in, *out; } good[] = {
		{ "0000:00:03.0", "0000:00:03.0" },
		{ "00:03.0", "0000:00:03.0" },
		{ "3:1f.7", "0000:03:1f.7" },
		{ "ABCD:Ef:01.2", "abcd:ef:01.2" },
	};
	static const char *const bad[] = {
		"", "00:03", "0000:00:20.0", "0000:00:03.8", "00000:00:03.0",
		"0000:100:03.0", "0000:00:03.0x", "0:0:0:03.0", "zz:03.0", ":03.0",
	};
	char bdf[UPCI_BDF_LEN];
	unsigned int i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		T(!upci_parse_bdf(good[i].in, bdf) && !strcmp(bdf, good[i].out),
		  "parse '%s' -> %s", good[i].in, good[i].out);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		T_EQ(upci_parse_bdf(bad[i], bdf), -EINVAL, bad[i]);
	T_EQ(upci_parse_bdf(NULL, bdf), -EINVAL, "NULL");
}

static void tree(void)
{
	char blocker[UPCI_BDF_LEN] = "", driver[UPCI_DRIVER_LEN] = "";
	struct upci_pci_func f, *list;
	size_t n;

	/* edu on upci alone; edu + e1000e + bridge sharing group 7 */
	fake_func("0000:00:03.0", 0x1234, 0x11e8, 0x00ff00, "upci", 3);
	fake_func("0000:01:00.0", 0x1234, 0x11e8, 0x00ff00, "upci", 7);
	fake_func("0000:01:01.0", 0x8086, 0x10d3, 0x020000, "e1000e", 7);
	fake_func("0000:00:1e.0", 0x8086, 0x244e, 0x060400, "", 7);
	fake_func("0000:00:00.0", 0x8086, 0x29c0, 0x060000, "", -1);

	T(!upci_pci_lookup("00:03.0", &f), "lookup 00:03.0");
	T(!strcmp(f.bdf, "0000:00:03.0") && f.vendor == 0x1234 &&
	  f.device == 0x11e8 && f.class_code == 0x00ff00 &&
	  f.subsystem_vendor == 0x1af4 && f.subsystem_device == 0x1100,
	  "IDs and class read back");
	T(!strcmp(f.driver, "upci") && f.iommu_group == 3, "driver upci, group 3");
	T(!upci_pci_lookup("0000:00:00.0", &f) && f.driver[0] == 0 &&
	  f.iommu_group == -1, "no driver, no group");
	T_EQ(upci_pci_lookup("0000:00:09.0", &f), -ENODEV, "missing function: ENODEV");
	T_EQ(upci_pci_lookup("junk", &f), -EINVAL, "bad address: EINVAL");

	T(!upci_pci_scan(&list, &n), "scan");
	T_EQ(n, 5, "five functions");
	T(n == 5 && !strcmp(list[0].bdf, "0000:00:00.0") &&
	  !strcmp(list[4].bdf, "0000:01:01.0"), "sorted by address");
	free(list);

	T_EQ(upci_group_check("0000:00:03.0", blocker, driver), 0, "group 3 is safe");
	T_EQ(upci_group_check("0000:01:00.0", blocker, driver), -EBUSY,
	     "group 7 is not");
	T(!strcmp(blocker, "0000:01:01.0") && !strcmp(driver, "e1000e"),
	  "blocked by 0000:01:01.0 (e1000e): got %s (%s)", blocker, driver);
	T_EQ(upci_group_check("0000:00:00.0", NULL, NULL), -ENOENT, "no group: ENOENT");
	T_EQ(upci_group_check("0000:07:00.0", NULL, NULL), -ENODEV, "no function: ENODEV");
}

int main(void)
{
	fake_setup();
	parse();
	tree();
	T_EQ(upci__sysfs_link("0000:00:03.0", "nothing", (char[8]){0}, 8), -ENOENT,
	     "a missing link: ENOENT");
	{
		char small[3];

		T_EQ(upci__sysfs_link("0000:00:03.0", "driver", small, sizeof(small)),
		     -ENAMETOOLONG, "a link name too long for the buffer");
	}
	fake_teardown();
	return unit_done();
}
