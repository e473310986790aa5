# SPDX-License-Identifier: GPL-2.0
# vm: --memory 1536
# The benchmark's guest side: the same upci-bench binary (on libupci) on
# the edu device bound to upci, then bound to vfio-pci; then the NIC rows
# (bench-nic.sh: upci-msg on two igb VFs over upci and VFIO against the
# kernel's igbvf + UDP).
#   sh bench.sh ARGS... [--nic NIC_ARGS...]
#                         (make bench) prints the samples for
#                         bench/report.py; ARGS go to upci-bench, NIC_ARGS
#                         to bench-nic.sh (default: --runs 5 --iters 500
#                         --seconds 3; "--nic none" leaves the NIC out)
#   sh bench.sh           (make check) a short run, checking that every
#                         edu measure yields samples on both backends (the
#                         NIC's short check is the test bench-nic)
. /opt/upci/tests/lib.sh

run() {
	bdf=$(upci_find $EDU) || fail "no edu device"
	echo 160 > /proc/sys/vm/nr_hugepages
	echo "meta memory_mb $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)"
	echo "meta hugepages $(cat /proc/sys/vm/nr_hugepages)"
	echo "meta kernel $(uname -r)"
	for drv in upci vfio-pci; do
		upci bind "$bdf" --driver $drv >/dev/null || fail "bind to $drv"
		upci-bench "$bdf" "$@" || fail "upci-bench on $drv"
		upci unbind "$bdf" >/dev/null || fail "unbind from $drv"
	done
}

if [ $# -gt 0 ]; then
	edu=
	while [ $# -gt 0 ] && [ "$1" != --nic ]; do
		edu="$edu $1"
		shift
	done
	[ "$1" = --nic ] && shift
	nic=${*:---runs 5 --iters 500 --seconds 3}
	run $edu
	if [ "$nic" != none ]; then
		sh /opt/upci/tests/bench-nic.sh $nic || exit 1
	fi
	echo "meta done 1"
	exit 0
fi
run --runs 1 --max-mappings 70000 --irqs 100 > /tmp/raw 2>&1
rc=$?
cat /tmp/raw
check "the benchmark ran on both backends" test $rc = 0
for be in upci vfio; do
	for m in map_unmap_256M_4K map_unmap_256M_2M map_at_1k map_at_10k msi_median msi_p99 bringup; do
		check "$be: $m" grep -q "^sample $be $m " /tmp/raw
	done
done
check "upci: 70000 mappings" grep -q "^note upci scale 70000 mappings" /tmp/raw
check "vfio: stops at 65535" grep -q "^note vfio scale stopped at 65535 mappings" /tmp/raw
