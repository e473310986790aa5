# SPDX-License-Identifier: GPL-2.0
# Fault injection on every allocation of the device and DMA paths, one at a
# time (fail-nth): each failure returns an error and leaves no leak (the
# debug kernel's kmemleak scan after the run) and no splat.  Skips on a
# kernel without fault injection (the Debian kernel).
. /opt/upci/tests/lib.sh

[ -e /proc/thread-self/fail-nth ] || skip "no fail-nth on this kernel (run make check-debug)"
bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
check "device open + ioctls under fail-nth" upci-failnth dev "/dev/upci/$bdf"
check "DMA attach/map/unmap/revoke under fail-nth" upci-failnth dma "/dev/upci/$bdf"
check "interrupts on, swapped and off under fail-nth" upci-failnth irq "/dev/upci/$bdf"
