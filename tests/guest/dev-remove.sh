# SPDX-License-Identifier: GPL-2.0
# Unbind while the device is open and mapped: the unbind returns at once,
# the holder's BAR access gets SIGBUS, its calls ENODEV, its close works;
# the device binds and opens again.  rmmod refuses while a file is open
# (the module's code is in use) and works after.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
node=/dev/upci/$bdf
check "bind $bdf to upci" upci_bind "$bdf"
chown user "$node"

fifo=/tmp/go
mkfifo $fifo && chmod 666 $fifo
as-user upci-test-dev hold "$node" $fifo > /tmp/hold.out 2>&1 &
holder=$!
i=0
while ! grep -q ready /tmp/hold.out && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the holder mapped BAR0" grep -q ready /tmp/hold.out

t0=$(cut -d' ' -f1 /proc/uptime | tr -d .)
echo "$bdf" > /sys/bus/pci/drivers/upci/unbind || fail "unbind"
t1=$(cut -d' ' -f1 /proc/uptime | tr -d .)
check "unbind took $((t1 - t0))0 ms, under a second" test $((t1 - t0)) -lt 100
check "$node is gone" upci_wait_node "$node" absent

echo go > $fifo
wait $holder
status=$?
cat /tmp/hold.out
check "the holder saw SIGBUS, ENODEV and a clean close" test $status -eq 0

check "bind again" upci_bind "$bdf"
chown user "$node"
check "reopen works" as-user upci-test-dev edu "$node"

# A file open across rmmod: the module is in use
sleep 1000 <> "$node" &
sleeper=$!
sleep 0.5
if rmmod upci 2>/dev/null; then
	fail "rmmod succeeded with a file open"
fi
echo "ok - rmmod refuses while a file is open"
kill $sleeper
wait $sleeper 2>/dev/null
check "rmmod after close" rmmod upci
