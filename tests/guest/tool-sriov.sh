# SPDX-License-Identifier: GPL-2.0
# upci sriov: VFs on igb's PF, which keeps its driver and gets its interface
# up; each VF bound to upci (then vfio-pci) for user, as sysfs shows; list
# and info name PFs, VFs and devices (PCI ID database); removal refused while
# a VF is open, done once it is closed; bad inputs leave sriov_numvfs alone.
. /opt/upci/tests/lib.sh

pf=$(upci_find $IGB) || fail "no igb device"
edu=$(upci_find $EDU) || fail "no edu device"
sys=/sys/bus/pci/devices/$pf
[ -e "$sys/sriov_numvfs" ] || skip "igb has no SR-IOV on this kernel (no extended config space?)"
numvfs() { cat "$sys/sriov_numvfs"; }
vf_of() { basename "$(readlink "$sys/virtfn$1")"; }
is_up() { [ $(($(cat "/sys/class/net/$ifc/flags") & 1)) = 1 ]; }

# fails EXIT PATTERN COMMAND...: COMMAND exits EXIT, says PATTERN, and
# sriov_numvfs is what it was
fails() {
	_rc=$1 _pat=$2 _before=$(numvfs)
	shift 2
	"$@" >/tmp/out 2>&1
	_got=$?
	cat /tmp/out
	[ $_got = "$_rc" ] && grep -q -- "$_pat" /tmp/out && [ "$(numvfs)" = "$_before" ]
}

check "a PF with no driver: refused, says so" \
	fails 1 "bound to no driver" upci sriov "$pf" 2
modprobe igb || fail "modprobe igb"
i=0
while [ ! -d "$sys/net" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ifc=$(ls "$sys/net") || fail "igb has no interface"
ip link set "$ifc" down
total=$(cat "$sys/sriov_totalvfs")	# igb lowers it to 7 (8 before)
check "more VFs than sriov_totalvfs ($total)" \
	fails 1 "at most $total" upci sriov "$pf" $((total + 1))
check "not a PF (edu)" fails 1 "not an SR-IOV PF" upci sriov "$edu" 1
check "not root" fails 4 "needs root" as-user upci sriov "$pf" 2
check "not a number" fails 2 "number of VFs" upci sriov "$pf" two

# Two VFs for user, on upci
check "sriov $pf 2 --owner user" sh -c "upci sriov $pf 2 --owner user > /tmp/vfs"
cat /tmp/vfs
vf0=$(vf_of 0) vf1=$(vf_of 1)
check "sriov_numvfs is 2" test "$(numvfs)" = 2
check "it printed virtfn0 and virtfn1, one per line" \
	test "$(cat /tmp/vfs)" = "$(printf '%s\n%s' "$vf0" "$vf1")"
for vf in $vf0 $vf1; do
	check "$vf bound to upci" test "$(upci_driver "$vf")" = upci
	check "/dev/upci/$vf owned by user" test "$(stat -c %U "/dev/upci/$vf")" = user
done
check "igb keeps the PF" test "$(upci_driver "$pf")" = igb
check "the PF's interface is up" is_up
check "autoprobe is as it was (on)" test "$(cat "$sys/sriov_drivers_autoprobe")" = 1
check "again with the same count: the same VFs" \
	sh -c "upci sriov $pf 2 --owner user | cmp -s - /tmp/vfs"

# list and info
upci list > /tmp/list
cat /tmp/list
check "list: $vf0 is VF0 of $pf" sh -c "grep '^$vf0 ' /tmp/list | grep -q 'VF0 of $pf'"
check "list: $vf1 is VF1 of $pf" sh -c "grep '^$vf1 ' /tmp/list | grep -q 'VF1 of $pf'"
check "list: the PF has 2 of $total VFs" sh -c "grep '^$pf ' /tmp/list | grep -q 'PF, 2/$total VFs'"
check "list: names from the ID database" \
	sh -c "grep '^$vf0 ' /tmp/list | grep -q 'Intel Corporation 82576 Virtual Function'"
check "list --json parses and matches sysfs" sh -c "upci list --json | upci-test-json"
upci list --json > /tmp/json
check "list --json: VF fields" sh -c "grep '\"bdf\": \"$vf1\"' /tmp/json |
	grep '\"device_name\": \"82576 Virtual Function\"' | grep -q '\"physfn\": \"$pf\", \"vf_index\": 1'"
check "list --json: PF fields" sh -c "grep '\"bdf\": \"$pf\"' /tmp/json |
	grep -q '\"sriov_totalvfs\": $total, \"sriov_numvfs\": 2, \"vfs\": \[\"$vf0\", \"$vf1\"\]'"
check "info (as user): the VF, its PF and that it opens" sh -c "as-user upci info $vf0 > /tmp/info &&
	grep -q 'SR-IOV:      VF 0 of PF $pf (igb)' /tmp/info &&
	grep -q 'name:        Intel Corporation 82576 Virtual Function' /tmp/info &&
	grep -q 'backend:     upci' /tmp/info"
check "info: the PF lists its VFs" \
	sh -c "upci info $pf | grep -q 'SR-IOV:      PF, 2 of $total VFs: $vf0 $vf1'"
check "info without the ID database says so, with hex IDs" \
	sh -c "UPCI_PCI_IDS=/nonexistent upci info $vf0 | grep -q '(no ID database)'"

# A VF held open by the user: removal and recount refused, naming it
mkfifo /tmp/go
as-user sh -c "exec 3<>/dev/upci/$vf1 && echo held > /tmp/held && read x < /tmp/go" &
holder=$!
i=0
while [ ! -s /tmp/held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "the user holds $vf1 open" test -s /tmp/held
check "removal refused while $vf1 is open, naming it and the process" \
	fails 5 "VF $vf1 is open: /dev/upci/$vf1 by pid [0-9]* (sh)" upci sriov "$pf" 0
check "a new count is refused too" fails 5 "$vf1 is open" upci sriov "$pf" 3
check "$vf1 still bound to upci" test "$(upci_driver "$vf1")" = upci
echo go > /tmp/go
wait $holder
check "a new count once closed: 3 VFs" sh -c "upci sriov $pf 3 --owner user | wc -l | grep -qx 3"
check "sriov_numvfs is 3" test "$(numvfs)" = 3
check "removal once closed" upci sriov "$pf" 0
check "sriov_numvfs is 0" test "$(numvfs)" = 0
check "the VFs are gone" sh -c "! test -e $sys/virtfn0 && ! test -e /sys/bus/pci/devices/$vf0"
check "their nodes are gone" sh -c "! test -e /dev/upci/$vf0 && ! test -e /dev/upci/$vf1"

# A failure after the VFs appeared (here: vfio-pci cannot be loaded) puts
# back what sriov changed: no VFs, the interface down, autoprobe on
ip link set "$ifc" down
mod=$(find /lib/modules -name 'vfio-pci.ko*' | head -n1)
[ -n "$mod" ] || fail "no vfio-pci module in the guest"
mv "$mod" /tmp/
check "a failed bind: exit 1, says why" \
	fails 1 "vfio-pci driver is not loaded" upci sriov "$pf" 2 --driver vfio-pci
mv "/tmp/${mod##*/}" "$mod"
check "... the VFs it created are gone" test ! -e "$sys/virtfn0"
check "... the interface is down again" test -z "$(is_up && echo up)"
check "... autoprobe is on again" test "$(cat "$sys/sriov_drivers_autoprobe")" = 1

# The same through vfio-pci, with --json
check "sriov --driver vfio-pci --json" \
	sh -c "upci sriov $pf 2 --owner user --driver vfio-pci --json > /tmp/json"
cat /tmp/json
vf0=$(vf_of 0) vf1=$(vf_of 1)
grp0=$(basename "$(readlink "/sys/bus/pci/devices/$vf0/iommu_group")")
for vf in $vf0 $vf1; do
	check "$vf bound to vfio-pci" test "$(upci_driver "$vf")" = vfio-pci
done
check "/dev/vfio/$grp0 owned by user" test "$(stat -c %U "/dev/vfio/$grp0")" = user
check "the JSON names the PF, its driver and the VFs" sh -c "grep -q '^{\"pf\": \"$pf\", \"driver\": \"igb\", \"totalvfs\": $total, \"numvfs\": 2, \"vfs\": \[{\"bdf\": \"$vf0\", \"driver\": \"vfio-pci\", \"node\": \"/dev/vfio/$grp0\", \"owner\": \"user\"}, {\"bdf\": \"$vf1\", .*}\]}$' /tmp/json"
rm -f /tmp/held
as-user sh -c "exec 3<>/dev/vfio/$grp0 && echo held > /tmp/held && read x < /tmp/go" &
holder=$!
i=0
while [ ! -s /tmp/held ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "removal refused while the VFIO group is open" \
	fails 5 "VF $vf0 is open: /dev/vfio/$grp0" upci sriov "$pf" 0
echo go > /tmp/go
wait $holder
check "removal once closed" upci sriov "$pf" 0 --json
check "sriov_numvfs is 0" test "$(numvfs)" = 0
