# SPDX-License-Identifier: GPL-2.0
# edu left asserting INTx: masked, the line stays quiet; a process that
# unmasks without servicing the device, as fast as it can, leaves the guest
# responsive and dies of kill -9; the kernel never disables the line.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
chown user "/dev/upci/$bdf"
check "INTx storm" as-user upci-test-irq storm "/dev/upci/$bdf"
check "no IRQ disabled by the kernel" sh -c "! dmesg | grep -q 'nobody cared'"
