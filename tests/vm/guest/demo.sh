# SPDX-License-Identifier: GPL-2.0
# The upci demo, run in the default guest by `make demo`: an administrator
# hands QEMU's edu device to an unprivileged user with one command, and the
# user's driver (drivers/edu, on libupci) runs it, first through upci.ko,
# then, with the same code, through VFIO.  Then the reason upci exists: an
# SR-IOV NIC's virtual functions handed to the user with `upci sriov`, and
# two of the user's processes exchanging reliable messages over them
# (drivers/igbvf under libupci-msg), without root and without the kernel's
# network stack.
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
echo
igb_vfs 2
echo "== as root: upci sriov $pf 2 --owner user    (igb keeps the PF)"
cat /tmp/vfs
upci list | grep -E "NODE|$pf|$vf0|$vf1"
echo
echo "== as user: upci-msg $vf1 info"
as-user upci-msg "$vf1" info | tee /tmp/info1
mac1=$(sed -n 's/^mac: //p' /tmp/info1)
echo
echo "== as user, two processes: upci-msg $vf1 recv --verify  |  upci-msg $vf0 send $mac1"
as-user upci-msg "$vf1" recv --verify --count 1000 > /tmp/rx 2>&1 &
rx=$!
as-user upci-msg "$vf0" send "$mac1" --count 1000 --random-sizes 1 --max-size 65536 ||
	fail "send"
wait $rx || { cat /tmp/rx; fail "receive"; }
cat /tmp/rx
echo
echo "== as user: round trips between the two processes, 64-byte messages"
as-user upci-msg "$vf1" echo --count 221 --linger 2000 > /dev/null 2>&1 &
rx=$!
as-user upci-msg "$vf0" pingpong "$mac1" --size 64 --iters 200 | grep -E "size|rtt"
wait $rx
echo
echo "== as root: upci sriov $pf 0"
upci sriov "$pf" 0 || fail "removing the VFs"
echo "== done: one driver, two backends, no root for the driver; messages between two user processes over two VFs"
