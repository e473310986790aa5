# SPDX-License-Identifier: GPL-2.0
# vm: --profile hotplug
# Hot-unplug of edu while a user holds it with interrupts armed (INTx, then
# MSI on a device plugged back in): remove() frees them without waiting for
# the user, whose calls then get ENODEV and whose close works; the new
# device's interrupts work.
. /opt/upci/tests/lib.sh

fifo=/tmp/go
mkfifo $fifo && chmod 666 $fifo
n=1
for t in intx msi; do
	bdf=$(upci_find $EDU) || fail "no edu device"
	node=/dev/upci/$bdf
	check "bind $bdf to upci" upci_bind "$bdf"
	chown user "$node"
	as-user upci-test-irq hold "$node" $t $fifo > /tmp/hold.out 2>&1 &
	holder=$!
	i=0
	while ! grep -q armed /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	check "the holder armed $t" grep -q armed /tmp/hold.out

	check "device_del edu$n" vm-qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"edu$n\"}}"
	check "DEVICE_DELETED arrives while interrupts are armed" vm-qmp --wait DEVICE_DELETED 30
	check "$node is gone" upci_wait_node "$node" absent
	echo go > $fifo
	wait $holder
	status=$?
	cat /tmp/hold.out
	check "the holder saw ENODEV and a clean close ($t)" test $status -eq 0

	n=$((n + 1))
	check "device_add edu$n" vm-qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"edu\",\"id\":\"edu$n\",\"bus\":\"rp1\"}}"
	check "the new edu appears" upci_wait_node "/sys/bus/pci/devices/$bdf" present
done
check "bind the last edu" upci_bind "$bdf"
chown user "$node"
check "its MSI works" as-user upci-test-irq msi "$node" 20
check "its INTx works" as-user upci-test-irq intx "$node"
check "rmmod" rmmod upci
