# SPDX-License-Identifier: GPL-2.0
# The device node of edu: access control, single open, fd passing, the ioctl
# frame, BAR0 through mmap and pread/pwrite, virtual config space, refused
# mmaps, memory-decode revocation, reset without a reset method, and rmmod.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
node=/dev/upci/$bdf
check "bind $bdf to upci" upci_bind "$bdf"

check "before access is granted, open gets EACCES" as-user upci-test-dev open "$node" EACCES
chown user "$node"
check "after chown, the user opens it" as-user upci-test-dev open "$node"
check "a second open gets EBUSY" as-user upci-test-dev busy "$node"
check "fd passing" as-user upci-test-dev sendfd "$node"
check "ioctl frame" as-user upci-test-dev abi "$node"
check "edu through BAR0" as-user upci-test-dev edu "$node"

hwbar() { od -An -tx4 -j16 -N4 "/sys/bus/pci/devices/$bdf/config" | tr -d ' '; }
before=$(hwbar)
check "config space" as-user upci-test-dev config "$node"
after=$(hwbar)
check "the hardware BAR0 is unchanged ($before -> $after)" test "$before" = "$after"

check "refused mmaps" as-user upci-test-dev mmap-bad "$node"
check "memory decode off revokes mappings" as-user upci-test-dev mem-off "$node"
check "reset on edu (no reset method)" as-user upci-test-dev reset "$node" EOPNOTSUPP
check "edu still works" as-user upci-test-dev edu "$node"

check "rmmod upci with $bdf bound" rmmod upci
check "$node is gone" upci_wait_node "$node" absent
