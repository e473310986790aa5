# SPDX-License-Identifier: GPL-2.0
# Reliable messages between two guests whose igb PFs share one wire
# (--link-listen / --link-connect): in each guest `upci sriov` gives one VF
# to user; the second guest's VF sends 200 messages of random sizes to the
# first's, which checks every byte and their order, then answers a
# ping-pong.  Frames leave one guest's switch through its PF, cross the
# socket link and enter the other's (the echo answers the ping-pong's 100
# round trips and its 11 warm-up ones).  No sleep orders the guests: the
# sender's peer time-out (120 s) covers the other guest's boot.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d "$(pwd -P)/build/msg-two-guests.XXXXXX") || fail "mktemp under build/"
trap 'wait; rm -rf "$tmp"' EXIT

# In the guest: one VF for user; prints its address.  The first guest's PF
# has the default profile's MAC 52:54:00:00:00:01, so its VF 1 has the
# stable MAC 06:00:00:00:01:01 (drivers/igbvf: 06, the PF's last four
# bytes, the VF's number); the second guest's PF is 52:54:00:00:01:01.
setup='. /opt/upci/tests/lib.sh
igb_vfs 1
vf=$vf0
as-user upci-msg "$vf" info'

first="$setup"'
as-user upci-msg "$vf" recv --verify --count 200 --timeout 120000 || fail "receive"
as-user upci-msg "$vf" echo --count 111 --timeout 120000 --linger 10000 || fail "echo"'

second="$setup"'
as-user upci-msg "$vf" send 06:00:00:00:01:01 --count 200 --random-sizes 11 \
	--max-size 100000 --timeout 120000 || fail "send"
as-user upci-msg "$vf" pingpong 06:00:00:00:01:01 --size 64 --iters 100 \
	--timeout 120000 || fail "ping-pong"'

$VM --no-build --timeout 600 --link-listen "$tmp/port" -- \
	sh -c "$first" > "$tmp/first.out" 2>&1 &
first_pid=$!
$VM --no-build --timeout 600 --link-connect "$tmp/port" -- \
	sh -c "$second" > "$tmp/second.out" 2>&1
second_rc=$?
wait $first_pid
first_rc=$?
[ $first_rc = 0 ] || { cat "$tmp/first.out"; fail "the receiving guest failed (exit $first_rc)"; }
[ $second_rc = 0 ] || { cat "$tmp/second.out"; fail "the sending guest failed (exit $second_rc)"; }
grep -qx "received: 200" "$tmp/first.out" || { cat "$tmp/first.out"; fail "not 200 messages"; }
pass "200 messages of random sizes from one guest to the other, in order and byte-exact"
grep -q "^rtt_median_us:" "$tmp/second.out" || { cat "$tmp/second.out"; fail "no ping-pong result"; }
pass "ping-pong across guests: $(grep -h '^rtt_median_us:' "$tmp/second.out")"
