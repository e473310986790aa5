# SPDX-License-Identifier: GPL-2.0
# upci binds only through driver_override, creates /dev/upci/<BDF> (root,
# 0600) for a bound function, removes it on unbind, and unloads cleanly with
# a device still bound.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "upci.ko is loaded" grep -q '^upci ' /proc/modules
check "upci registered its PCI driver" test -d /sys/bus/pci/drivers/upci
check "upci did not grab the edu device by itself" test -z "$(upci_driver "$bdf")"
if echo "$bdf" > /sys/bus/pci/drivers/upci/bind 2>/dev/null; then
	fail "upci bound $bdf without a driver_override"
fi
echo "ok - bind without driver_override is refused"

check "bind $bdf to upci" upci_bind "$bdf"
node=/dev/upci/$bdf
check "$node is a character device" test -c "$node"
perm=$(stat -c '%U:%G %a' "$node")
check "$node is root:root 0600 (got $perm)" test "$perm" = "root:root 600"
check "the unprivileged user cannot open $node" sh -c "! as-user cat $node 2>/dev/null"

check "unbind $bdf" upci_unbind "$bdf"
check "$node is gone" test ! -e "$node"

check "bind again" upci_bind "$bdf"
check "rmmod upci with $bdf bound" rmmod upci
check "$node is gone after rmmod" upci_wait_node "$node" absent
check "$bdf has no driver after rmmod" test -z "$(upci_driver "$bdf")"
check "insmod again" insmod /lib/modules/upci.ko
check "bind after reload" upci_bind "$bdf"
