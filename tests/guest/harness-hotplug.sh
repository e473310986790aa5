# SPDX-License-Identifier: GPL-2.0
# The hotplug profile: the guest asks QEMU (vm-qmp) to unplug its edu
# device and plug it back, and sees both.
# vm: --profile hotplug
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "device_del edu1" vm-qmp '{"execute":"device_del","arguments":{"id":"edu1"}}'
check "DEVICE_DELETED arrives" vm-qmp --wait DEVICE_DELETED 20
check "$bdf is gone" upci_wait_node "/sys/bus/pci/devices/$bdf" absent
check "device_add edu2" vm-qmp '{"execute":"device_add","arguments":{"driver":"edu","id":"edu2","bus":"rp1"}}'
check "the new edu appears" upci_wait_node "/sys/bus/pci/devices/$bdf" present
if vm-qmp '{"execute":"no-such-command"}' > /dev/null; then
	fail "a bad QMP command did not fail"
fi
echo "ok - a bad QMP command fails"
