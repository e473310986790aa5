# SPDX-License-Identifier: GPL-2.0
# vm: --profile shared-group
# `upci info` on a function that cannot be opened because a kernel driver
# holds another function of its IOMMU group names that function; `list`
# says the group is not safe, and why.
. /opt/upci/tests/lib.sh

edu=$(upci_find $EDU) || fail "no edu device"
nic=$(upci_find $E1000E) || fail "no e1000e device"
modprobe e1000e
check "bind edu to upci" upci bind "$edu" --owner user
as-user upci info "$edu" >/tmp/out 2>&1; rc=$?
cat /tmp/out
check "info: exit 5 (busy)" test $rc = 5
check "info names the blocking function and its driver" \
	grep -q "$nic is bound to e1000e" /tmp/out
check "list: not safe, blocked by e1000e" \
	sh -c "upci list | grep '^$edu' | grep -q 'no: $nic (e1000e)'"
check "list --json names the blocker" \
	sh -c "upci list --json | grep '\"bdf\": \"$edu\"' | grep -q '\"blocked_by\": \"$nic\"'"
echo "$nic" > /sys/bus/pci/drivers/e1000e/unbind
check "with e1000e unbound, info opens it" sh -c "as-user upci info $edu | grep -q 'backend:     upci'"
check "unbind" upci unbind "$edu"
