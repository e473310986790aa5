# SPDX-License-Identifier: GPL-2.0
# Two guests whose igb PFs share one wire (--link-listen / --link-connect):
# the kernel's own igb driver in each, 10.99.0.1 and 10.99.0.2, and the
# second pings the first.  No sleep decides an order: the second guest's
# ping retries for up to two minutes (its boot and the first one's race),
# and the first guest stays up until the host creates a marker file after
# the second guest has finished, which it sees through --host-root.
. "$(dirname "$0")/lib.sh"

# Option errors, found before any boot.
tmp=$(mktemp -d "$(pwd -P)/build/two-guests.XXXXXX") || fail "mktemp under build/"
trap 'touch "$tmp/done"; wait; rm -rf "$tmp"' EXIT
expect_status 2 "--link-listen with --link-connect is refused" -- \
	$VM --no-build --link-listen "$tmp/p" --link-connect "$tmp/p" -- true
expect_status 2 "--link-listen needs the default profile" -- \
	$VM --no-build --profile edu --link-listen "$tmp/p" -- true
touch "$tmp/stale"
expect_status 2 "--link-listen refuses a port file that exists" -- \
	$VM --no-build --link-listen "$tmp/stale" -- true
echo 70000 > "$tmp/bad"
expect_status 2 "--link-connect refuses a file without a port" -- \
	$VM --no-build --link-connect "$tmp/bad" -- true

# In the guest: igb up with address $1; prints the interface's name.
setup='modprobe igb || exit 1
ifc=
for n in /sys/bus/pci/drivers/igb/*/net/*; do [ -e "$n" ] && ifc=${n##*/}; done
[ -n "$ifc" ] || { echo "no igb netdev"; exit 1; }
ip addr add "$1/24" dev "$ifc" && ip link set "$ifc" up || exit 1
echo "igb $ifc: $1"'

first="$setup"'
end=$(($(date +%s) + 300))
until [ -e "/host$2" ]; do
	[ "$(date +%s)" -lt "$end" ] || { echo "no marker $2 after 300 s"; exit 1; }
	sleep 0.2
done
rx=$(cat "/sys/class/net/$ifc/statistics/rx_packets")
echo "rx_packets $rx"
[ "$rx" -gt 0 ]'

second="$setup"'
# busybox ping -c 1 gives up after its first echo (-W, 10 s), whatever -w
# says: retry single pings until the deadline instead
end=$(($(date +%s) + 120))
until ping -c 1 -W 2 "$2" >/dev/null; do
	[ "$(date +%s)" -lt "$end" ] || { echo "no answer from $2 within 120 s"; exit 1; }
done
out=$(ping -c 5 -w 30 "$2")
echo "$out" | tail -n 2
case "$out" in *" 5 packets received"*) ;; *) exit 1 ;; esac'

$VM --no-build --timeout 420 --host-root --link-listen "$tmp/port" -- \
	sh -c "$first" first 10.99.0.1 "$tmp/done" > "$tmp/first.out" 2>&1 &
first_pid=$!
$VM --no-build --timeout 300 --link-connect "$tmp/port" -- \
	sh -c "$second" second 10.99.0.2 10.99.0.1 > "$tmp/second.out" 2>&1
second_rc=$?
touch "$tmp/done"
wait $first_pid
first_rc=$?
[ $second_rc = 0 ] || { cat "$tmp/second.out"; fail "the second guest did not reach the first (exit $second_rc)"; }
[ $first_rc = 0 ] || { cat "$tmp/first.out"; fail "the first guest failed (exit $first_rc)"; }
[ ! -e "$tmp/port" ] || fail "the port file outlived the listening run"
pass "two linked guests: $(grep -h 'packets received' "$tmp/second.out")"

# The control: without a wire to the other guest, the same ping fails.
out=$($VM --no-build --timeout 120 -- sh -c "$setup"'
ping -c 1 -w 5 "$2" && exit 1; exit 0' alone 10.99.0.2 10.99.0.1 2>&1) ||
	{ echo "$out"; fail "an unlinked guest got an answer from 10.99.0.1"; }
pass "an unlinked guest gets no answer"
