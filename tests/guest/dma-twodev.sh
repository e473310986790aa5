# SPDX-License-Identifier: GPL-2.0
# Two devices in one address space reach the same mappings, including one
# made before they attached; detaching one leaves the other working.
# vm: --profile two-edu
. /opt/upci/tests/lib.sh

set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x1234:0x11e8 ] && basename $d; done)
[ $# = 2 ] || fail "expected two edu devices, found $#"
for b in "$@"; do
	check "bind $b" upci_bind "$b"
	chown user "/dev/upci/$b"
done
check "two devices, one space" as-user upci-test-dma twodev "/dev/upci/$1" "/dev/upci/$2"
