// SPDX-License-Identifier: GPL-2.0-only
/*
 * upci: virtual config space.
 */
#include "upci_private.h"

int upci_cfg_init(struct upci_device *udev)
{
	return 0;
}

void upci_cfg_free(struct upci_device *udev)
{
}
