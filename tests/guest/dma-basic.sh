# SPDX-License-Identifier: GPL-2.0
# DMA through an address space, as the unprivileged user: edu round trips at
# kernel-chosen IOVAs below 2^28 and at fixed IOVAs, with anonymous, memfd
# and hugetlbfs memory; DMA to and from IOVAs
# never mapped is blocked (with a DMAR fault) and changes nothing; bad inputs.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
chown user "/dev/upci/$bdf"
echo 2 > /proc/sys/vm/nr_hugepages
check "round trips" as-user upci-test-dma roundtrip "/dev/upci/$bdf"
check "unmapped IOVAs" as-user upci-test-dma unmapped "/dev/upci/$bdf"
check "the blocked DMA faulted in the IOMMU" sh -c "dmesg | grep -q 'DMAR: \[DMA \(Read\|Write\)'"
check "bad inputs" as-user upci-test-dma bad "/dev/upci/$bdf"
