# SPDX-License-Identifier: GPL-2.0
# vm: --profile two-edu
# Two edu devices in one shared libupci DMA space, on both backends.
. /opt/upci/tests/lib.sh

set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x1234:0x11e8 ] && basename $d; done)
[ $# = 2 ] || fail "want two edu devices, found $#"
for drv in upci vfio-pci; do
	check "bind both to $drv" sh -c "upci bind $1 --driver $drv --owner user && upci bind $2 --driver $drv --owner user"
	check "shared space on $drv" as-user upci-test-lib shared "$1" "$2"
	check "unbind both" sh -c "upci unbind $1 && upci unbind $2"
done
