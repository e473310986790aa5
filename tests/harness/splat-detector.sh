# SPDX-License-Identifier: GPL-2.0
# A kernel splat fails the run unless it was declared expected, on the
# command line or from inside the guest.
. "$(dirname "$0")/lib.sh"

warn='echo "WARNING: planted by the harness test" > /dev/kmsg'
expect_status 1 "a WARNING line fails the run" -- $VM --no-build -- sh -c "$warn"
expect_status 0 "--expect-log makes it expected" -- \
	$VM --no-build --expect-log 'WARNING: planted' -- sh -c "$warn"
expect_status 0 "a declaration from inside the guest makes it expected" -- \
	$VM --no-build -- sh -c "echo 'upci-test: expect-log: WARNING: planted' > /dev/kmsg; $warn"
expect_status 1 "a declaration covers only what it names" -- \
	$VM --no-build --expect-log 'WARNING: other' -- sh -c "$warn"
expect_status 1 "a BUG line fails the run" -- \
	$VM --no-build -- sh -c 'echo "BUG: planted" > /dev/kmsg'
expect_status 1 "a kernel Oops (sysrq crash) fails the run" -- \
	$VM --no-build -- sh -c 'echo c > /proc/sysrq-trigger'
