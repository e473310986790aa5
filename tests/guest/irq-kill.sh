# SPDX-License-Identifier: GPL-2.0
# Interrupts armed (and an interrupt pending) when the process dies of
# kill -9, and when the device is unbound under it: everything is freed,
# the device opens and works again, the holder's calls get ENODEV.  INTx and
# MSI on edu, MSI-X on an igb VF.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
node=/dev/upci/$bdf
check "bind $bdf" upci_bind "$bdf"
chown user "$node"

# hold NODE TYPE [FIFO] in the background; waits until it is armed
hold() {
	as-user upci-test-irq hold "$@" > /tmp/hold.out 2>&1 &
	holder=$!
	i=0
	while ! grep -q armed /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q armed /tmp/hold.out || { cat /tmp/hold.out; fail "hold $*"; }
}

for t in intx msi; do
	hold "$node" $t
	kill -9 $holder
	wait $holder
	echo "ok - kill -9 with $t armed"
	check "reopen after kill -9 ($t): INTx" as-user upci-test-irq intx "$node"
	check "reopen after kill -9 ($t): MSI" as-user upci-test-irq msi "$node" 20
done

fifo=/tmp/go
mkfifo $fifo && chmod 666 $fifo
for t in intx msi; do
	hold "$node" $t $fifo
	check "unbind with $t armed" upci_unbind "$bdf"
	echo go > $fifo
	wait $holder
	status=$?
	cat /tmp/hold.out
	check "the holder saw ENODEV and closed ($t)" test $status -eq 0
	check "bind again" upci_bind "$bdf"
	chown user "$node"
	check "works after unbind ($t)" as-user upci-test-irq msi "$node" 20
done

# MSI-X on an igb VF
pf=$(upci_find $IGB) || fail "no igb device"
modprobe igb || fail "modprobe igb"
i=0
while [ ! -d /sys/bus/pci/devices/$pf/net ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ip link set "$(ls /sys/bus/pci/devices/$pf/net)" up
if [ ! -e /sys/bus/pci/devices/$pf/sriov_numvfs ]; then
	echo "# skipping MSI-X: igb has no SR-IOV on this kernel"
	exit 0
fi
echo 0 > /sys/bus/pci/devices/$pf/sriov_drivers_autoprobe
echo 1 > /sys/bus/pci/devices/$pf/sriov_numvfs || fail "sriov_numvfs"
vf=$(basename "$(readlink /sys/bus/pci/devices/$pf/virtfn0)") || fail "no VF"
check "bind $vf" upci_bind "$vf"
chown user "/dev/upci/$vf"
hold "/dev/upci/$vf" msix
kill -9 $holder
wait $holder
echo "ok - kill -9 with MSI-X armed"
check "MSI-X after kill -9" as-user upci-test-irq msix "/dev/upci/$vf"
hold "/dev/upci/$vf" msix $fifo
check "unbind with MSI-X armed" upci_unbind "$vf"
echo go > $fifo
wait $holder
status=$?
cat /tmp/hold.out
check "the holder saw ENODEV and closed (MSI-X)" test $status -eq 0
check "disable the VFs" sh -c "echo 0 > /sys/bus/pci/devices/$pf/sriov_numvfs"
