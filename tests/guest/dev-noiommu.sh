# SPDX-License-Identifier: GPL-2.0
# vm: --no-iommu
# Without an IOMMU, only CAP_SYS_RAWIO opens: the user gets EPERM, root
# opens, and the kernel warns once and taints.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
node=/dev/upci/$bdf
check "bind $bdf to upci" upci_bind "$bdf"
chown user "$node"
check "no IOMMU group" test ! -e /sys/bus/pci/devices/$bdf/iommu_group
check "the user gets EPERM" as-user upci-test-dev open "$node" EPERM
check "the kernel is not tainted yet" test $(( $(cat /proc/sys/kernel/tainted) & 64 )) -eq 0
check "root opens" upci-test-dev open "$node"
check "root opens again" upci-test-dev edu "$node"
n=$(dmesg | grep -c 'UNSAFE: opened without an IOMMU')
check "the kernel warned once ($n)" test "$n" -eq 1
check "the kernel is tainted (TAINT_USER)" test $(( $(cat /proc/sys/kernel/tainted) & 64 )) -ne 0
