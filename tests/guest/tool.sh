# SPDX-License-Identifier: GPL-2.0
# The upci tool: list (text and JSON, checked against sysfs), bind with
# owner, group and mode, unbind giving the function back to the driver it
# had (e1000e), a persistent udev rule, exit codes for errors.
. /opt/upci/tests/lib.sh

nic=$(upci_find $E1000E) || fail "no e1000e device"
edu=$(upci_find $EDU) || fail "no edu device"
modprobe e1000e
check "e1000e starts on its driver" test "$(upci_driver $nic)" = e1000e

check "list" sh -c "upci list | grep -q '^$nic .*e1000e'"
check "list --json parses and matches sysfs" sh -c "upci list --json | upci-test-json"

check "bind e1000e's function to upci for user, group user, mode 0660" \
	upci bind "$nic" --owner user --group user --mode 0660
check "now bound to upci" test "$(upci_driver $nic)" = upci
check "node owner, group and mode" \
	test "$(stat -c '%U:%G:%a' /dev/upci/$nic)" = "user:user:660"
check "list shows the node" sh -c "upci list | grep -q '/dev/upci/$nic user:user 0660'"
check "info opens it as the user" sh -c "as-user upci info $nic | grep -q 'backend:     upci'"
check "info --json" sh -c "as-user upci info $nic --json | grep -q '\"openable\": true'"
check "the user's driver opens it" as-user upci-test-dev open "/dev/upci/$nic"

check "unbind" upci unbind "$nic"
check "given back to e1000e" test "$(upci_driver $nic)" = e1000e
check "node gone" upci_wait_node "/dev/upci/$nic" absent

# Persistent binding: a udev rule that runs the same bind
export UPCI_UDEV_DIR=/tmp/rules
check "bind --persist" upci bind "$edu" --owner user --persist
check "the rule names the function and the owner" \
	grep -q "KERNEL==\"$edu\", RUN+=\".*upci bind $edu --driver upci --owner user\"" \
	"/tmp/rules/70-upci-$edu.rules"
# What udev does at boot, without udev: the function is not bound to upci
# (driver_override cleared), then the rule's RUN command binds it again
run=$(sed -n 's/.*RUN+="\(.*\)"$/\1/p' "/tmp/rules/70-upci-$edu.rules")
echo "$edu" > /sys/bus/pci/drivers/upci/unbind
echo > "/sys/bus/pci/devices/$edu/driver_override"
check "as at boot: $edu has no driver" test -z "$(upci_driver $edu)"
check "the rule's command ($run) runs" sh -c "$run"
check "and binds $edu to upci again" test "$(upci_driver $edu)" = upci
upci_wait_node "/dev/upci/$edu"
check "owned by user" test "$(stat -c %U "/dev/upci/$edu")" = user
check "unbind removes the rule" sh -c "upci unbind $edu && ! test -e /tmp/rules/70-upci-$edu.rules"

# Errors: clear message, documented exit code
upci bind 0000:00:1f.7 >/tmp/out 2>&1; rc=$?
check "bind of a missing function: exit 3" test $rc = 3
check "... says so" grep -q "no such PCI function" /tmp/out
upci bind nonsense >/tmp/out 2>&1; rc=$?
check "bind of a bad address: exit 2" test $rc = 2
as-user upci bind "$edu" >/tmp/out 2>&1; rc=$?
check "bind as the user: exit 4" test $rc = 4
check "... says root is needed" grep -q "needs root" /tmp/out
upci bind "$edu" --mode 999 >/tmp/out 2>&1; rc=$?
check "a bad mode: exit 2" test $rc = 2
upci frobnicate >/tmp/out 2>&1; rc=$?
check "an unknown command: exit 2 with usage" sh -c "test $rc = 2 && grep -q usage /tmp/out"
upci info "$edu" >/tmp/out 2>&1; rc=$?
check "info of an unbound function: exit 5, tells to bind" \
	sh -c "test $rc = 5 && grep -q 'upci bind $edu' /tmp/out"
