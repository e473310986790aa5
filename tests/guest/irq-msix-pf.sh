# SPDX-License-Identifier: GPL-2.0
# MSI-X on the igb physical function (10 vectors, fired through its extended
# interrupt cause set register) as the unprivileged user: vectors connected
# one by one in a scattered order each reach their own eventfd and no other;
# removing one leaves the others working.  Needs no SR-IOV, so it also runs
# where the VF test cannot.
. /opt/upci/tests/lib.sh

pf=$(upci_find $IGB) || fail "no igb device"
check "bind $pf" upci_bind "$pf"
chown user "/dev/upci/$pf"
check "MSI-X on the PF" as-user upci-test-irq msix-pf "/dev/upci/$pf"
