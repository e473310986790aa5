# SPDX-License-Identifier: GPL-2.0
# edu INTx as the unprivileged user: a raise makes the eventfd readable; a
# second raise without unmasking delivers nothing (nor does clearing
# INTx-disable in config space, which is virtual); unmasking while the
# device still asserts delivers it; the factorial-done interrupt; INTx off.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
chown user "/dev/upci/$bdf"
check "INTx" as-user upci-test-irq intx "/dev/upci/$bdf"
check "no IRQ disabled by the kernel" sh -c "! dmesg | grep -q 'nobody cared'"
