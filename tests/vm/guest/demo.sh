# SPDX-License-Identifier: GPL-2.0
# The upci demo, run in the default guest by `make demo`: an administrator
# hands QEMU's edu device to an unprivileged user with one command, and the
# user's driver (drivers/edu, on libupci) runs it, first through upci.ko,
# then, with the same code, through VFIO.
. /opt/upci/tests/lib.sh

bdf=$(upci_find $EDU) || fail "no edu device in this guest"
echo "== the guest: $(uname -sr); the PCI functions:"
upci list
echo
echo "== as root: upci bind $bdf --owner user"
upci bind "$bdf" --owner user || fail "bind"
echo
echo "== as user (uid $(as-user id -u)): upci info $bdf"
as-user upci info "$bdf"
echo
echo "== as user: upci-edu $bdf    (the user-level driver, through upci.ko)"
as-user upci-edu "$bdf" || fail "the edu driver failed on upci"
echo
echo "== as root: upci unbind $bdf; upci bind $bdf --driver vfio-pci --owner user"
upci unbind "$bdf" || fail "unbind"
upci bind "$bdf" --driver vfio-pci --owner user || fail "bind to vfio-pci"
echo
echo "== as user: upci-edu $bdf    (the same driver, through VFIO)"
as-user upci-edu "$bdf" || fail "the edu driver failed on VFIO"
echo
echo "== as root: upci unbind $bdf"
upci unbind "$bdf" || fail "unbind"
echo "== done: one driver, two backends, no root for the driver"
