# SPDX-License-Identifier: GPL-2.0
# MSI-X on an igb virtual function as the unprivileged user: the PF's igb
# driver creates the VF; each of its 3 vectors, fired through the VF's
# extended interrupt cause set register, reaches its own eventfd and no
# other; vectors are added and removed while the others stay live, without
# a missed interrupt; a disconnected vector holds its interrupt pending.
. /opt/upci/tests/lib.sh

pf=$(upci_find $IGB) || fail "no igb device"
modprobe igb || fail "modprobe igb"
i=0
while [ ! -d /sys/bus/pci/devices/$pf/net ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ifc=$(ls /sys/bus/pci/devices/$pf/net) || fail "igb has no interface"
[ -e /sys/bus/pci/devices/$pf/sriov_numvfs ] ||
	skip "igb has no SR-IOV on this kernel (no extended config space?)"
ip link set "$ifc" up
# The VF must not be taken by igbvf
echo 0 > /sys/bus/pci/devices/$pf/sriov_drivers_autoprobe
echo 1 > /sys/bus/pci/devices/$pf/sriov_numvfs || fail "sriov_numvfs"
vf=$(basename "$(readlink /sys/bus/pci/devices/$pf/virtfn0)") || fail "no VF"
echo "VF $vf"
check "bind $vf" upci_bind "$vf"
chown user "/dev/upci/$vf"
check "MSI-X" as-user upci-test-irq msix "/dev/upci/$vf"
check "unbind the VF" upci_unbind "$vf"
check "disable the VFs" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
