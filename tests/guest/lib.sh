# SPDX-License-Identifier: GPL-2.0
# lib.sh: helpers for guest tests, sourced as `. /opt/upci/tests/lib.sh`.
#
# A guest test is a shell script that exits 0 on success, 77 to skip (with
# the reason as its last output line) and anything else on failure.  `check`
# and `fail` keep that contract short to write.

# fail MESSAGE: report and exit non-zero.
fail() {
	echo "FAIL: $*"
	exit 1
}

# skip REASON: report and exit 77.
skip() {
	echo "$*"
	exit 77
}

# check DESCRIPTION COMMAND...: run COMMAND, fail the test if it fails.
check() {
	_what=$1
	shift
	if "$@"; then
		echo "ok - $_what"
	else
		fail "$_what (exit $?: $*)"
	fi
}

# upci_find VENDOR:DEVICE: print the BDF of the first such function.
upci_find() {
	for _d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$_d/vendor"):$(cat "$_d/device")" = "0x${1%%:*}:0x${1##*:}" ]; then
			basename "$_d"
			return 0
		fi
	done
	return 1
}

# upci_driver BDF: print the name of the driver BDF is bound to, if any.
upci_driver() {
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		basename "$(readlink "/sys/bus/pci/devices/$1/driver")"
}

# upci_wait_node PATH [present|absent]: wait up to 5 s for a device node.
upci_wait_node() {
	_i=0
	while [ $_i -lt 50 ]; do
		if [ "${2:-present}" = present ]; then
			[ -e "$1" ] && return 0
		else
			[ -e "$1" ] || return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# upci_bind BDF: unbind BDF from its driver and bind it to upci.
upci_bind() {
	echo upci > "/sys/bus/pci/devices/$1/driver_override" || return 1
	[ -e "/sys/bus/pci/devices/$1/driver" ] &&
		echo "$1" > "/sys/bus/pci/devices/$1/driver/unbind"
	echo "$1" > /sys/bus/pci/drivers_probe || return 1
	[ "$(upci_driver "$1")" = upci ] || return 1
	upci_wait_node "/dev/upci/$1"
}

# upci_unbind BDF: unbind BDF from upci and clear its driver override.
upci_unbind() {
	echo "$1" > "/sys/bus/pci/drivers/upci/unbind" || return 1
	echo > "/sys/bus/pci/devices/$1/driver_override"
	upci_wait_node "/dev/upci/$1" absent
}

# igb_vfs N: the igb PF on its kernel driver, its link up, and N VFs handed
# to user by `upci sriov` (listed in /tmp/vfs); sets pf, ifc (the PF's
# netdev), vf0 and vf1.  Skips when the kernel gives igb no SR-IOV.
igb_vfs() {
	pf=$(upci_find $IGB) || fail "no igb device"
	modprobe igb || fail "modprobe igb"
	_i=0
	while [ ! -d /sys/bus/pci/devices/$pf/net ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
	ifc=$(ls /sys/bus/pci/devices/$pf/net) || fail "igb has no interface"
	[ -e /sys/bus/pci/devices/$pf/sriov_numvfs ] || skip "igb has no SR-IOV here"
	upci sriov "$pf" "$1" --owner user > /tmp/vfs || fail "upci sriov $pf $1"
	vf0=$(sed -n 1p /tmp/vfs)
	vf1=$(sed -n 2p /tmp/vfs)
	# The PF's switch passes frames only once its link is up
	_i=0
	while [ "$(cat /sys/class/net/$ifc/carrier 2>/dev/null)" != 1 ] && [ $_i -lt 100 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
}

EDU=1234:11e8
NVME=1b36:0010
IGB=8086:10c9
E1000E=8086:10d3
