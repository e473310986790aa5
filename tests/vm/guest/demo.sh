# SPDX-License-Identifier: GPL-2.0
# The upci demo, run in the default guest by `make demo`.  It grows with
# every capability until it shows a user-level driver at work.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device in this guest"
echo "== the guest: $(uname -sr), IOMMU group of the edu device $bdf:" \
	"$(basename "$(readlink /sys/bus/pci/devices/$bdf/iommu_group)")"
echo "== binding $bdf (QEMU edu, $EDU) to upci"
upci_bind "$bdf" || fail "bind"
echo "   driver: $(upci_driver "$bdf")"
ls -l /dev/upci/
echo "== granting it to the unprivileged user"
chown user:user "/dev/upci/$bdf"
ls -l "/dev/upci/$bdf"
echo "== unbinding $bdf"
upci_unbind "$bdf" || fail "unbind"
ls -l /dev/upci/ 2>/dev/null || echo "   /dev/upci is empty"
