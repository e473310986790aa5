// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: planted bugs that prove the debug guest kernel catches real ones.
 *
 * Built only with UPCI_SELFTEST=y (the harness sets it for the debug
 * kernel); never part of a normal build.  Writing a bug's name to the
 * module parameter "selftest_bug" commits it:
 *
 *   double_free       kfree() of the same object twice (KASAN)
 *   use_after_free    a read of a freed object (KASAN)
 *   leak              an allocation nobody frees (kmemleak)
 *
 * tests/harness/debug-selftest.sh checks that each one fails the run.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "upci_private.h"

static void *upci_selftest_leaked;

static noinline void upci_selftest_double_free(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	kfree(p);
}

static noinline void upci_selftest_use_after_free(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("upci: selftest read %d\n", READ_ONCE(p[8]));
}

static noinline void upci_selftest_leak(void)
{
	upci_selftest_leaked = kmalloc(128, GFP_KERNEL);
	/* Forget it: only kmemleak can still tell */
	upci_selftest_leaked = NULL;
}

static int upci_selftest_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "double_free"))
		upci_selftest_double_free();
	else if (sysfs_streq(val, "use_after_free"))
		upci_selftest_use_after_free();
	else if (sysfs_streq(val, "leak"))
		upci_selftest_leak();
	else
		return -EINVAL;
	return 0;
}

static const struct kernel_param_ops upci_selftest_ops = {
	.set = upci_selftest_set,
};

module_param_cb(selftest_bug, &upci_selftest_ops, NULL, 0200);
MODULE_PARM_DESC(selftest_bug,
		 "Testing only: commit a planted bug (double_free, use_after_free, leak)");
