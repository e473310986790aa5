# SPDX-License-Identifier: GPL-2.0
# libupci's calls and the edu driver, as the unprivileged user, with the
# same code on both backends: first upci, then vfio-pci.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device"
for drv in upci vfio-pci; do
	check "upci bind --driver $drv --owner user" upci bind "$bdf" --driver $drv --owner user
	check "libupci on $drv" as-user upci-test-lib basic "$bdf"
	check "upci-edu on $drv" as-user upci-edu "$bdf"
	check "upci unbind ($drv)" upci unbind "$bdf"
done
