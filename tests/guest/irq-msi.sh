# SPDX-License-Identifier: GPL-2.0
# edu MSI as the unprivileged user: each raise gives exactly one eventfd
# count, 1000 raise/acknowledge cycles give 1000 counts; disconnecting and
# replacing the eventfd; then the MSI-to-wake-up latency over 1000 MSIs
# (printed, not asserted).
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
chown user "/dev/upci/$bdf"
check "MSI, 1000 cycles" as-user upci-test-irq msi "/dev/upci/$bdf" 1000
check "MSI latency" as-user upci-test-irq latency "/dev/upci/$bdf" 2000
