# SPDX-License-Identifier: GPL-2.0
# No-IOMMU mode: only CAP_SYS_RAWIO opens the address space; root maps one
# 2 MiB huge page, gets its physical address, and edu DMA round-trips
# through it; memory that is not physically contiguous gets EINVAL.
# vm: --no-iommu --memory 256
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
echo 4 > /proc/sys/vm/nr_hugepages
check "huge pages reserved" test "$(cat /proc/sys/vm/nr_hugepages)" -ge 1
check "the user cannot open the address space" sh -c "! as-user sh -c 'exec 3</dev/upci/iommu' 2>/dev/null"
check "physical-address DMA as root" upci-test-dma noiommu "/dev/upci/$bdf"
check "the kernel is tainted" sh -c "test \$(cat /proc/sys/kernel/tainted) -ne 0"
