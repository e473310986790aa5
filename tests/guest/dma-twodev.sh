# SPDX-License-Identifier: GPL-2.0
# Two devices in one address space reach the same mappings, including one
# made before they attached; detaching one leaves the other working.  Run
# twice: sharing one IOMMU domain, and with a domain per group (the path a
# machine with two IOMMU units takes: replay and mirrored mappings).
# vm: --profile two-edu
. /opt/upci/tests/lib.sh

set -- $(for d in /sys/bus/pci/devices/*; do
	[ "$(cat $d/vendor):$(cat $d/device)" = 0x1234:0x11e8 ] && basename $d; done)
[ $# = 2 ] || fail "expected two edu devices, found $#"
for b in "$@"; do
	check "bind $b" upci_bind "$b"
	chown user "/dev/upci/$b"
done
check "two devices, one space, one domain" \
	as-user upci-test-dma twodev "/dev/upci/$1" "/dev/upci/$2"
echo 1 > /sys/module/upci/parameters/domain_per_group
check "two devices, one space, a domain each" \
	as-user env UPCI_TEST_DOMAINS=2 upci-test-dma twodev "/dev/upci/$1" "/dev/upci/$2"
