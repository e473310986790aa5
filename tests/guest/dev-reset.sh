# SPDX-License-Identifier: GPL-2.0
# Reset of the nvme function (FLR) works and leaves the device working.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $NVME) || skip "no nvme device"
node=/dev/upci/$bdf
check "bind $bdf to upci" upci_bind "$bdf"
chown user "$node"
check "nvme reset" as-user upci-test-dev reset "$node"
check "nvme works across a reset" as-user upci-test-dev nvme "$node"
check "ioctl frame on nvme" as-user upci-test-dev abi "$node"
check "unbind" upci_unbind "$bdf"
