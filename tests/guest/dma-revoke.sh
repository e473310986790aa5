# SPDX-License-Identifier: GPL-2.0
# The MMU notifier: munmap, MADV_DONTNEED and mremap of mapped memory revoke
# the mapping at once (eventfd, GET_REVOKED, unpinned, uncharged, the old
# IOVA faults); fork plus a child write and mprotect revoke nothing; unread
# revocations are bounded (max_revoked); memory compaction, which tries and
# fails to migrate pinned shmem pages, revokes nothing.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
chown user "/dev/upci/$bdf"
for how in munmap dontneed mremap; do
	out=$(as-user upci-test-dma revoke "/dev/upci/$bdf" $how)
	rc=$?
	echo "$out"
	check "revoke by $how" test $rc = 0
	iova=$(echo "$out" | sed -n 's/^# revoked-iova //p')
	check "DMA to the revoked IOVA $iova faulted" sh -c \
		"dmesg | grep -q 'fault addr $iova'"
done
check "fork and mprotect" as-user upci-test-dma fork "/dev/upci/$bdf"
p=/sys/module/upci/parameters/max_revoked
old=$(cat $p)
echo 16 > $p
check "unread revocations are bounded" as-user upci-test-dma revoke-queue 16
echo "$old" > $p
check "compaction revokes nothing, a discard does" upci-test-dma compact 256
