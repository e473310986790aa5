/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel-version differences, in one place.  The module targets Debian's 6.12
 * (primary); shims for older and newer kernels go here, never in the code.
 * It needs at least 6.4 (class_register() of a const class, devnode taking a
 * const device); 6.12 needs none so far.
 */
#ifndef UPCI_COMPAT_H
#define UPCI_COMPAT_H

#endif /* UPCI_COMPAT_H */
