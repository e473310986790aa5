# SPDX-License-Identifier: GPL-2.0
# vm: --profile shared-group
# edu and e1000e share an IOMMU group: edu cannot be opened while e1000e is
# bound to its kernel driver, and e1000e cannot bind while edu is open; with
# both bound to upci, only one user at a time may hold functions of the group.
. /opt/upci/tests/lib.sh

edu=$(upci_find $EDU) || fail "no edu device"
nic=$(upci_find $E1000E) || fail "no e1000e device"
node=/dev/upci/$edu
g1=$(readlink /sys/bus/pci/devices/$edu/iommu_group)
g2=$(readlink /sys/bus/pci/devices/$nic/iommu_group)
check "edu and e1000e share an IOMMU group" test "${g1##*/}" = "${g2##*/}"

modprobe e1000e
check "e1000e is bound to its driver" test "$(upci_driver $nic)" = e1000e
check "bind edu to upci" upci_bind "$edu"
chown user "$node"
check "open gets EBUSY while e1000e is bound" as-user upci-test-dev open "$node" EBUSY
check "the kernel names e1000e" sh -c "dmesg | grep 'open refused' | grep -q '$nic (bound to e1000e)'"

echo "$nic" > /sys/bus/pci/drivers/e1000e/unbind
check "after e1000e is unbound, edu opens" as-user upci-test-dev open "$node"

sleep 1000 <> "$node" &
holder=$!
sleep 0.5
echo "$nic" > /sys/bus/pci/drivers/e1000e/bind 2>/dev/null
check "e1000e cannot bind while edu is open" test -z "$(upci_driver $nic)"
kill $holder
wait $holder 2>/dev/null
echo "$nic" > /sys/bus/pci/drivers/e1000e/bind 2>/dev/null
check "e1000e binds after edu is closed" test "$(upci_driver $nic)" = e1000e

# Both functions bound to upci: one user may hold both, two users may not
# (one group is one DMA domain, so they could reach each other's memory).
echo "$nic" > /sys/bus/pci/drivers/e1000e/unbind
check "bind e1000e to upci too" upci_bind "$nic"
nicnode=/dev/upci/$nic
as-user sh -c "exec sleep 1000 <> $node" &
holder=$!
sleep 0.5
check "root cannot open the sibling while the user holds edu" \
	upci-test-dev open "$nicnode" EBUSY
check "the kernel says why" sh -c "dmesg | grep 'open refused' | grep -q \"another user's upci device\""
chown user "$nicnode"
check "the same user can open the sibling" as-user upci-test-dev open "$nicnode"
kill $holder
wait $holder 2>/dev/null
check "with edu closed, root opens the sibling" upci-test-dev open "$nicnode"
