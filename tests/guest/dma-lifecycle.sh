# SPDX-License-Identifier: GPL-2.0
# Nothing leaks on any release path: kill -9 in the middle of mapping,
# unbind of an attached device with mappings, close, and rmmod afterwards;
# the user's locked pages come back to where they started each time.  And
# an unbind while a map waits for user space (a userfaultfd fault) returns
# at once.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
node=/dev/upci/$bdf
check "bind $bdf" upci_bind "$bdf"
chown user "$node"
base=$(as-user upci-test-dma locked)
echo "user's locked pages at the start: $base"

for i in 1 2 3; do
	as-user upci-test-dma spin "$node" 4 > /tmp/spin.out &
	pid=$!
	sleep 1.$i
	grep -q spinning /tmp/spin.out || fail "spin did not start"
	kill -9 $pid
	wait $pid
	check "killed while mapping ($i): locked pages back to $base" \
		test "$(as-user upci-test-dma locked)" = "$base"
done

mkfifo /tmp/fifo
chmod 666 /tmp/fifo
as-user upci-test-dma hold "$node" /tmp/fifo > /tmp/hold.out 2>&1 &
pid=$!
i=0
while ! grep -q holding /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the holder mapped and attached" grep -q holding /tmp/hold.out
check "unbind with an attached, mapped device" upci_unbind "$bdf"
echo go > /tmp/fifo
wait $pid
rc=$?
cat /tmp/hold.out
check "the holder saw ENODEV and a working address space" test $rc = 0
check "locked pages back to $base" test "$(as-user upci-test-dma locked)" = "$base"
check "bind $bdf again" upci_bind "$bdf"
upci-test-dma stuck-map "$node" "$bdf"
rc=$?
if [ $rc = 77 ]; then
	echo "# no userfaultfd: the unbind under a waiting map is not tested"
else
	check "unbind while a map waits for user space" test $rc = 0
fi
check "rmmod upci" rmmod upci
