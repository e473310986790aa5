# SPDX-License-Identifier: GPL-2.0
# vm: --timeout 900
# Reliable messages between two igb VFs (libupci-msg on the VF driver), as
# the unprivileged user: every size class and random sizes arrive byte-exact
# and in order; 100,000 messages to a slow receiver whose small ring makes
# the PF's switch drop frames arrive all, and the counters show the drops
# and the retransmissions that recovered them; kill -9 of the receiver and
# unbinding the sender's VF end in errors, not hangs; the same over VFIO;
# bad inputs get clear errors.
. /opt/upci/tests/lib.sh

igb_vfs 2
mac1=$(as-user upci-msg "$vf1" info | sed -n 's/^mac: //p')
[ -n "$mac1" ] || fail "no MAC for $vf1"

# transfer "RX-ARGS" "TX-ARGS": VF1 receives (--verify) while VF0 sends
transfer() {
	as-user upci-msg "$vf1" recv --verify $1 > /tmp/rx 2>&1 &
	_p=$!
	as-user upci-msg "$vf0" send "$mac1" $2 > /tmp/tx 2>&1
	_s=$?
	wait $_p
	_r=$?
	[ $_s = 0 ] && [ $_r = 0 ] && return 0
	echo "sender exit $_s:"; cat /tmp/tx
	echo "receiver exit $_r:"; cat /tmp/rx
	return 1
}
# stat NAME FILE: a counter from the stats: line
stat() {
	sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$2"
}

check "every size class, 0 B to 1 MiB, byte-exact" \
	transfer "--count 9" "--count 9 --sizes 0,1,59,60,61,1500,9000,65536,1048576"
grep -qx "bytes: 1124793" /tmp/rx || fail "receiver byte count: $(grep bytes /tmp/rx)"
check "300 messages of random sizes up to 200 KiB" \
	transfer "--count 300" "--count 300 --random-sizes 7 --max-size 204800"
check "9000-byte MTU (large frames through the PF)" \
	transfer "--count 20 --mtu 9000 --ring 64" "--count 20 --size 100000 --mtu 9000 --ring 64"

# A slow receiver with a 32-descriptor ring and a 64-frame window: the
# switch drops what the ring cannot take, retransmission recovers it.
# (20,000 on the debug kernel, where KASAN slows every frame; make check
# runs the 100,000 on Debian's kernel)
n=100000
grep -q kasan /proc/cmdline && n=20000
check "$n messages to a slow receiver" \
	transfer "--count $n --ring 32 --window 64 --slow 5" \
		 "--count $n --size 64 --window 64"
tail -n 1 /tmp/tx
drops=$(stat drops_seen /tmp/rx)
rexmit=$(stat retransmits /tmp/tx)
[ "${drops:-0}" -gt 0 ] || fail "the receiver saw no lost frame"
[ "${rexmit:-0}" -gt 0 ] || fail "the sender retransmitted nothing"
echo "ok - the switch dropped frames ($drops gaps seen) and $rexmit retransmissions recovered them"

# kill -9 of the receiver: the sender fails with its time-out
as-user upci-msg "$vf1" recv > /tmp/rx 2>&1 &
p=$!
as-user upci-msg "$vf0" send "$mac1" --count 10000000 --size 1000 --timeout 1500 > /tmp/tx 2>&1 &
s=$!
i=0
while [ "$(stat msgs_received /tmp/rx)" = "" ] && ! grep -q . /tmp/rx && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
sleep 1
kill -9 $p
wait $s && fail "the sender did not notice the receiver's death"
grep -q "timed out" /tmp/tx || fail "sender's error: $(cat /tmp/tx)"
echo "ok - kill -9 of the receiver: the sender says $(grep -m1 'timed out' /tmp/tx)"

# Unbinding the sender's VF under it: the sender stops (SIGBUS on its
# revoked registers), the receiver times out, the kernel stays clean.
as-user upci-msg "$vf1" recv --timeout 1500 > /tmp/rx 2>&1 &
p=$!
as-user upci-msg "$vf0" send "$mac1" --count 10000000 --size 1000 > /tmp/tx 2>&1 &
s=$!
sleep 2
check "unbind $vf0 under its sender" upci unbind "$vf0"
wait $s
st=$?
[ $st != 0 ] || fail "the sender went on without its VF"
echo "ok - the sender ended with status $st"
wait $p && fail "the receiver did not notice"
grep -q "nothing arrived\|timed out" /tmp/rx || fail "receiver's error: $(cat /tmp/rx)"
echo "ok - the receiver says: $(grep -m1 'nothing arrived\|timed out' /tmp/rx)"
check "rebind $vf0" upci bind "$vf0" --owner user

# Bad inputs
as-user upci-msg "$vf0" send 06:00:00:00:77:77 --count 1 --size 100 --timeout 1000 > /tmp/tx 2>&1 &&
	fail "a send to nobody succeeded"
grep -q "timed out" /tmp/tx || fail "unknown peer: $(cat /tmp/tx)"
echo "ok - unknown peer: $(grep -m1 'timed out' /tmp/tx)"
as-user upci-msg "$vf1" recv --ep 1 --count 1 --timeout 3000 > /tmp/rx 2>&1 &
p=$!
as-user upci-msg "$vf0" send "$mac1:9" --count 1 --size 100 --timeout 1000 > /tmp/tx 2>&1 &&
	fail "a send to a closed endpoint succeeded"
grep -q "timed out" /tmp/tx || fail "closed endpoint: $(cat /tmp/tx)"
echo "ok - closed endpoint: $(grep -m1 'timed out' /tmp/tx)"
wait $p
as-user upci-msg "$vf0" send "$mac1" --count 1 --size 5000000 --max-msg 1048576 > /tmp/tx 2>&1 &&
	fail "a message over max_msg_len was sent"
cat /tmp/tx
as-user upci-msg "$vf0" send ff:ff:ff:ff:ff:ff --count 1 --size 100 > /tmp/tx 2>&1 &&
	fail "a send to a broadcast address succeeded"
echo "ok - bad sends refused: $(head -n1 /tmp/tx)"

# The same library over VFIO
check "unbind $vf0" upci unbind "$vf0"
check "unbind $vf1" upci unbind "$vf1"
check "VF0 to vfio-pci" upci bind "$vf0" --driver vfio-pci --owner user
check "VF1 to vfio-pci" upci bind "$vf1" --driver vfio-pci --owner user
check "every size class over VFIO" \
	transfer "--count 9" "--count 9 --sizes 0,1,59,60,61,1500,9000,65536,1048576"
check "10,000 messages over VFIO" transfer "--count 10000" "--count 10000 --size 64"

# A VF whose PF is down: its driver cannot come up, and says why
ip link set "$ifc" down
as-user upci-msg "$vf0" info > /tmp/tx 2>&1 && fail "a VF came up with its PF down"
grep -q "PF did not answer" /tmp/tx || fail "PF down: $(cat /tmp/tx)"
echo "ok - PF down: $(grep -m1 'PF did not answer' /tmp/tx)"
ip link set "$ifc" up
check "remove the VFs" upci sriov "$pf" 0
