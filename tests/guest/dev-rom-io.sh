# SPDX-License-Identifier: GPL-2.0
# The expansion ROM and an I/O BAR, on e1000e: the ROM reads as sysfs shows
# it and refuses writes; I/O space reaches the registers BAR0 shows.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $E1000E) || skip "no e1000e device"
rom=/sys/bus/pci/devices/$bdf/rom
echo 1 > "$rom"
want=$(od -An -tx1 -N16 "$rom" | tr -d ' \n')
echo 0 > "$rom"
check "sysfs shows a ROM ($want)" test ${#want} = 32
node=/dev/upci/$bdf
check "bind $bdf to upci" upci_bind "$bdf"
chown user "$node"
check "ROM and I/O BAR" as-user upci-test-dev rom-io "$node" "$want"
check "unbind" upci_unbind "$bdf"
