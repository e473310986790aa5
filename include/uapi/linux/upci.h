/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * upci: user-level PCI drivers, safely.  The ABI between upci.ko and user space.
 */
#ifndef _UAPI_LINUX_UPCI_H
#define _UAPI_LINUX_UPCI_H

#include <linux/types.h>
#include <linux/ioctl.h>

#endif /* _UAPI_LINUX_UPCI_H */
