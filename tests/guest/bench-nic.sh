# SPDX-License-Identifier: GPL-2.0
# The NIC benchmark's guest side: two VFs of QEMU's igb (82576), whose PF
# stays with the kernel's igb, measured three ways one after the other in
# one boot (each round: kernel, upci, vfio), always VF0 -> VF1 across the
# igb's switch:
#   kernel  both VFs on the kernel's igbvf, each netdev in its own network
#           namespace (10.88.0.1 and 10.88.0.2), UDP sockets
#           (upci-udp-bench), blocking and busy-polling
#   upci    both VFs bound to upci, upci-msg (drivers/igbvf + msg/) as user,
#           poll-then-interrupt waits and busy-polling
#   vfio    both bound to vfio-pci, the same upci-msg runs
# Every sample names its mode; bench/report.py takes each backend's better
# mode for each measure.
# Measures: round trip (median, p99) at 64 B, 1 KiB and 65507 B (the
# largest UDP datagram, so both sides move the same bytes), one-way rate
# of 64-byte messages.
#   sh bench-nic.sh --runs R --iters N --seconds T [--backends LIST]
#                   (make bench, from bench.sh) "sample BACKEND NAME UNIT
#                   VALUE [MODE]" lines for bench/report.py; LIST: some
#                   of "kernel upci vfio" (default: all)
#   sh bench-nic.sh (make check) a short run, checking that every measure
#                   yields samples on every backend
. /opt/upci/tests/lib.sh

RUNS=1
ITERS=20
RATE_S=1
PORT=7000
BACKENDS="kernel upci vfio"
# The kernel peer puts each igbvf netdev in a network namespace of its
# own; a kernel without them (the debug kernel's config) cannot measure it.
if [ ! -e /proc/self/ns/net ]; then
	echo "note kernel this kernel has no network namespaces: the kernel peer is not measured"
	BACKENDS="upci vfio"
fi

# wait_for TRIES FILE PATTERN: wait up to TRIES/10 s for PATTERN in FILE
wait_for() {
	_i=0
	while ! grep -q "$3" "$2" 2>/dev/null; do
		[ $_i -ge "$1" ] && return 1
		sleep 0.1
		_i=$((_i + 1))
	done
}

# field NAME FILE: the value of a "NAME: value" line
field() {
	sed -n "s/^$1: *//p" "$2" | head -n 1
}

# size_tag BYTES: the name part of a size
size_tag() {
	case $1 in
	64) echo 64 ;;
	1024) echo 1k ;;
	65507) echo 64k ;;
	esac
}

# iters_for BYTES: round trips per run (the 64 KiB class costs more)
iters_for() {
	if [ "$1" -gt 4096 ]; then
		echo $(((ITERS + 4) / 5))
	else
		echo "$ITERS"
	fi
}

SIZES="64 1024 65507"

setup() {
	igb_vfs 2
	[ -n "$vf0" ] && [ -n "$vf1" ] || fail "upci sriov printed no two VFs: $(cat /tmp/vfs)"
	echo "meta nic_vfs $vf0 $vf1"
	echo "meta nic_rounds $RUNS"
	echo "meta nic_iters $ITERS $(iters_for 65507)"
	echo "meta nic_rate_seconds $RATE_S"
}

# ---------------------------------------------------------------- kernel

# to_igbvf VF: bind VF (on no driver) to the kernel's igbvf; prints its netdev
to_igbvf() {
	echo igbvf > /sys/bus/pci/devices/$1/driver_override
	echo "$1" > /sys/bus/pci/drivers_probe
	_i=0
	while [ ! -d /sys/bus/pci/devices/$1/net ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	ls /sys/bus/pci/devices/$1/net
}

# from_driver VF: unbind VF from whatever driver has it
from_driver() {
	[ -e /sys/bus/pci/devices/$1/driver ] && echo "$1" > /sys/bus/pci/devices/$1/driver/unbind
	echo > /sys/bus/pci/devices/$1/driver_override
}

kernel_up() {
	modprobe igbvf || fail "modprobe igbvf"
	from_driver "$vf0"
	from_driver "$vf1"
	if0=$(to_igbvf "$vf0") && [ -n "$if0" ] || fail "igbvf made no interface for $vf0"
	if1=$(to_igbvf "$vf1") && [ -n "$if1" ] || fail "igbvf made no interface for $vf1"
	# One network namespace per netdev, held by a sleeping process each,
	# so that 10.88.0.1 -> 10.88.0.2 is not short-cut by the local stack.
	unshare -n sleep 100000 &
	ns0=$!
	unshare -n sleep 100000 &
	ns1=$!
	sleep 0.2
	ip link set "$if0" netns "$ns0" || fail "moving $if0 into a network namespace"
	ip link set "$if1" netns "$ns1" || fail "moving $if1 into a network namespace"
	for n in "0 $ns0 $if0" "1 $ns1 $if1"; do
		set -- $n
		nsenter -t "$2" -n ip link set lo up
		nsenter -t "$2" -n ip addr add "10.88.0.$(($1 + 1))/24" dev "$3" || fail "address on $3"
		nsenter -t "$2" -n ip link set "$3" up || fail "$3 up"
		# igbvf's lowest interrupt throttling (ethtool -C rx-usecs 0)
		nsenter -t "$2" -n upci-udp-bench coalesce "$3" 0 > /dev/null ||
			echo "note kernel could not lower $3's interrupt throttling"
	done
	# igbvf's link comes up a moment after the interface
	_i=0
	until nsenter -t "$ns0" -n ping -c 1 -W 1 10.88.0.2 > /dev/null 2>&1; do
		[ $_i -ge 30 ] && fail "10.88.0.1 cannot reach 10.88.0.2 through igbvf"
		_i=$((_i + 1))
	done
}

kernel_down() {
	kill "$ns0" "$ns1" 2> /dev/null
	wait "$ns0" "$ns1" 2> /dev/null
	# the netdevs go back to the initial namespace with their holders
	sleep 0.5
	from_driver "$vf0"
	from_driver "$vf1"
}

# kernel_run MODE FLAG: one run of every measure, UDP, VF0 -> VF1
kernel_run() {
	nsenter -t "$ns1" -n upci-udp-bench echo --port $PORT $2 --timeout 60 > /tmp/kecho 2>&1 &
	_p=$!
	wait_for 100 /tmp/kecho listening || { cat /tmp/kecho; fail "kernel echo server"; }
	for s in $SIZES; do
		# as many warm-up round trips as upci-msg's pingpong makes
		n=$(iters_for "$s")
		nsenter -t "$ns0" -n upci-udp-bench ping 10.88.0.2 --port $PORT --size "$s" \
			--iters "$n" --warmup $((n / 10 + 1)) $2 > /tmp/kping 2>&1 ||
			{ cat /tmp/kping; kill $_p; fail "kernel ping-pong, $s bytes, $1"; }
		t=$(size_tag "$s")
		echo "sample kernel msg_rtt_${t}_median us $(field rtt_median_us /tmp/kping) $1"
		echo "sample kernel msg_rtt_${t}_p99 us $(field rtt_p99_us /tmp/kping) $1"
		l=$(field lost /tmp/kping)
		[ "$l" = 0 ] || echo "note kernel $1 $s-byte ping-pong: $l round trips lost (1 s time-out each, not counted)"
	done
	kill $_p 2> /dev/null
	wait $_p 2> /dev/null
	PORT=$((PORT + 1))

	nsenter -t "$ns1" -n upci-udp-bench sink --port $PORT $2 --timeout 60 > /tmp/ksink 2>&1 &
	_p=$!
	wait_for 100 /tmp/ksink listening || { cat /tmp/ksink; fail "kernel sink"; }
	nsenter -t "$ns0" -n upci-udp-bench blast 10.88.0.2 --port $PORT --size 64 \
		--seconds "$RATE_S" > /tmp/kblast 2>&1 || { cat /tmp/kblast; fail "kernel blast, $1"; }
	wait $_p || { cat /tmp/ksink; fail "kernel sink, $1"; }
	PORT=$((PORT + 1))
	echo "sample kernel msg_rate_64 msgs/s $(field msg_rate /tmp/ksink) $1"
	_s=$(field sent /tmp/kblast)
	_r=$(field received /tmp/ksink)
	[ "$_s" = "$_r" ] || echo "note kernel $1 64-byte rate: $_r of $_s datagrams received (UDP: the rest dropped)"
}

# ---------------------------------------------------------------- upci-msg

# msg_up DRIVER: both VFs to DRIVER (upci or vfio-pci), nodes to user
msg_up() {
	for v in "$vf0" "$vf1"; do
		upci bind "$v" --driver "$1" --owner user > /dev/null || fail "upci bind $v --driver $1"
	done
	as-user upci-msg "$vf1" info > /tmp/info1 || fail "upci-msg $vf1 info on $1"
	mac1=$(field mac /tmp/info1)
}

msg_down() {
	for v in "$vf0" "$vf1"; do
		upci unbind "$v" > /dev/null || fail "upci unbind $v"
	done
}

# lost_frames WHAT FILE: a note of upci-msg's retransmissions, if any
lost_frames() {
	_st=$(field stats "$2")
	_re=$(echo "$_st" | sed -n 's/.*retransmits=\([0-9]*\).*/\1/p')
	_to=$(echo "$_st" | sed -n 's/.*rto_expired=\([0-9]*\).*/\1/p')
	_fs=$(echo "$_st" | sed -n 's/.*frames_sent=\([0-9]*\).*/\1/p')
	[ "${_re:-0}" = 0 ] ||
		echo "note ${1%% *} ${1#* }: $_re of $_fs frames sent again after $_to retransmission time-outs (frames the switch dropped, or answers later than the time-out)"
}

# msg_run BACKEND MODE FLAG: one run of every measure, upci-msg, VF0 -> VF1;
# MODE poll-irq: upci-msg's default wait (spin 200 us, then sleep on the
# MSI-X interrupt), busy-poll: --poll (spin only, no interrupt).
# upci-msg's responders print no line when they are ready: the sender
# starts a moment later, and its first frames, if they come too early,
# are retransmitted (a generous --timeout covers a slow bring-up).  The
# echo side answers the warm-up round trips too (pingpong does iters/10+1).
msg_run() {
	for s in $SIZES; do
		n=$(iters_for "$s")
		as-user upci-msg "$vf1" echo --count $((n + n / 10 + 1)) --timeout 20000 $3 > /tmp/mecho 2>&1 &
		_p=$!
		sleep 1
		as-user upci-msg "$vf0" pingpong "$mac1" --size "$s" --iters "$n" --timeout 20000 $3 > /tmp/mping 2>&1 ||
			{ cat /tmp/mping; kill $_p; fail "upci-msg ping-pong, $s bytes, on $1, $2"; }
		wait $_p || { cat /tmp/mecho; fail "upci-msg echo, $s bytes, on $1, $2"; }
		t=$(size_tag "$s")
		echo "sample $1 msg_rtt_${t}_median us $(field rtt_median_us /tmp/mping) $2"
		echo "sample $1 msg_rtt_${t}_p99 us $(field rtt_p99_us /tmp/mping) $2"
		lost_frames "$1 $2 $s-byte ping-pong" /tmp/mping
	done
	as-user upci-msg "$vf1" recv --count 0 --timeout 20000 $3 > /tmp/mrecv 2>&1 &
	_p=$!
	sleep 1
	as-user upci-msg "$vf0" rate "$mac1" --size 64 --seconds "$RATE_S" --timeout 20000 $3 > /tmp/mrate 2>&1 ||
		{ cat /tmp/mrate; kill $_p; fail "upci-msg rate on $1, $2"; }
	wait $_p || { cat /tmp/mrecv; fail "upci-msg recv on $1, $2"; }
	echo "sample $1 msg_rate_64 msgs/s $(field msg_rate /tmp/mrate) $2"
	[ "$(field messages /tmp/mrate)" = "$(field received /tmp/mrecv)" ] ||
		fail "upci-msg on $1, $2: sent $(field messages /tmp/mrate) messages, received $(field received /tmp/mrecv)"
	lost_frames "$1 $2 64-byte rate" /tmp/mrate
}

# ---------------------------------------------------------------- all

run() {
	setup
	# Round after round, every backend in each: the host is shared, and
	# its load drifts over minutes; interleaving keeps it from favouring
	# whichever backend happened to run in a quiet stretch.
	r=0
	while [ $r -lt "$RUNS" ]; do
		case " $BACKENDS " in
		*" kernel "*)
			kernel_up
			kernel_run blocking ""
			kernel_run busy-poll --busy-poll
			kernel_down
			;;
		esac
		for drv in upci vfio-pci; do
			be=${drv%-pci}
			case " $BACKENDS " in *" $be "*) ;; *) continue ;; esac
			msg_up "$drv"
			msg_run "$be" poll-irq ""
			msg_run "$be" busy-poll --poll
			msg_down
		done
		r=$((r + 1))
	done
	upci sriov "$pf" 0 > /dev/null || fail "upci sriov $pf 0"
	echo "meta spinning_vcpus 2"
	echo "meta spinning in busy-poll modes both ends spin (kernel: SO_BUSY_POLL and non-blocking receives; upci-msg --poll); kernel blocking: none; upci-msg poll-irq: each wait spins 200 us, then sleeps on the MSI-X interrupt"
	echo "meta nic_done 1"
}

if [ $# -gt 0 ]; then
	while [ $# -gt 0 ]; do
		case $1 in
		--runs) RUNS=$2 ;;
		--iters) ITERS=$2 ;;
		--seconds) RATE_S=$2 ;;
		--backends) BACKENDS=$2 ;;
		*) fail "bench-nic.sh: unknown option $1 (--runs R --iters N --seconds T --backends LIST)" ;;
		esac
		shift 2
	done
	run
	exit $?
fi
(run) > /tmp/nraw 2>&1
rc=$?
cat /tmp/nraw
[ $rc = 77 ] && exit 77
check "the NIC benchmark ran on every backend" test $rc = 0
for be in $BACKENDS; do
	if [ $be = kernel ]; then modes="blocking busy-poll"; else modes="poll-irq busy-poll"; fi
	for mode in $modes; do
		for m in msg_rtt_64_median msg_rtt_64_p99 msg_rtt_1k_median msg_rtt_1k_p99 \
			msg_rtt_64k_median msg_rtt_64k_p99 msg_rate_64; do
			check "$be $mode: $m" grep -Eq "^sample $be $m [^ ]+ [0-9.]+ $mode\$" /tmp/nraw
		done
	done
done
