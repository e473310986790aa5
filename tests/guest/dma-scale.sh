# SPDX-License-Identifier: GPL-2.0
# One million mappings (1,024 pages, each at 1,024 IOVAs) in one address
# space, as root: time per map at 1 k, 10 k, 100 k and 1 M mappings, the
# kernel memory each costs, and the unmap of them all.
# vm: --memory 2048
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
check "one million mappings" upci-test-dma scale "/dev/upci/$bdf" 1048576
