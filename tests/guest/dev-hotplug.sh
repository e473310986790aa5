# SPDX-License-Identifier: GPL-2.0
# vm: --profile hotplug
# Hot-unplug of edu while a user has it open and mapped: remove() does not
# wait for the user, the node goes, the mapping gets SIGBUS, calls get
# ENODEV, close works; a device plugged back in binds and opens.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
node=/dev/upci/$bdf
check "bind $bdf to upci" upci_bind "$bdf"
chown user "$node"

fifo=/tmp/go
mkfifo $fifo && chmod 666 $fifo
as-user upci-test-dev hold "$node" $fifo > /tmp/hold.out 2>&1 &
holder=$!
i=0
while ! grep -q ready /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the holder mapped BAR0" grep -q ready /tmp/hold.out

check "device_del edu1" vm-qmp '{"execute":"device_del","arguments":{"id":"edu1"}}'
check "DEVICE_DELETED arrives while the file is open" vm-qmp --wait DEVICE_DELETED 30
check "$bdf is gone" upci_wait_node "/sys/bus/pci/devices/$bdf" absent
check "$node is gone" upci_wait_node "$node" absent

echo go > $fifo
wait $holder
status=$?
cat /tmp/hold.out
check "the holder saw SIGBUS, ENODEV and a clean close" test $status -eq 0

check "device_add edu2" vm-qmp '{"execute":"device_add","arguments":{"driver":"edu","id":"edu2","bus":"rp1"}}'
check "the new edu appears" upci_wait_node "/sys/bus/pci/devices/$bdf" present
check "bind the new edu" upci_bind "$bdf"
chown user "$node"
check "the new edu opens and works" as-user upci-test-dev edu "$node"
check "rmmod" rmmod upci
