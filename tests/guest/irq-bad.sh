# SPDX-License-Identifier: GPL-2.0
# Bad interrupt requests as the unprivileged user: unknown type, vectors
# past the count, descriptors that are not eventfds or not open, switching
# types without turning the first off, INTx on a device that cannot mask it
# (the nointxmask module parameter makes every device such a device); each
# gets its documented errno and changes nothing.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
chown user "/dev/upci/$bdf"
check "bad inputs" as-user upci-test-irq bad "/dev/upci/$bdf"
echo Y > /sys/module/upci/parameters/nointxmask || fail "nointxmask"
check "INTx without masking" as-user upci-test-irq nomask "/dev/upci/$bdf"
echo N > /sys/module/upci/parameters/nointxmask
check "INTx again" as-user upci-test-irq intx "/dev/upci/$bdf"
