/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-version differences, in one place.  The module targets Debian's 6.12
 * (primary); older and newer kernels get their shims here, never in the code.
 */
#ifndef UPCI_COMPAT_H
#define UPCI_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
#error "upci needs Linux 6.4 or newer (const struct class, class_register)"
#endif

#endif /* UPCI_COMPAT_H */
