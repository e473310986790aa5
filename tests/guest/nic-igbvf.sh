# SPDX-License-Identifier: GPL-2.0
# The 82576 VF driver (drivers/igbvf/, through upci-nic) as the unprivileged
# user: bring-up through the PF mailbox gives each VF its MAC and the link;
# raw frames VF0 -> VF1 arrive byte-exact at several sizes, with the
# receiver blocking on its MSI-X interrupt; the kernel's own igbvf driver and
# ping talk to ours (ARP and ICMP echo answered by upci-nic respond); the
# same over VFIO; bad inputs get clear errors.
. /opt/upci/tests/lib.sh

igb_vfs 2

# Bring-up: MAC, link
as-user upci-nic "$vf0" info > /tmp/info0 || fail "bring-up of $vf0"
as-user upci-nic "$vf1" info > /tmp/info1 || fail "bring-up of $vf1"
cat /tmp/info0
mac0=$(sed -n 's/^mac: //p' /tmp/info0)
mac1=$(sed -n 's/^mac: //p' /tmp/info1)
check "VF0 link up" grep -qx "link: up" /tmp/info0
check "MACs differ" [ -n "$mac0" -a "$mac0" != "$mac1" ]
as-user upci-nic "$vf0" info | grep -qx "mac: $mac0" || fail "MAC changed across opens"

# recv_send SIZE COUNT [RX-ARGS [TX-ARGS]]: VF1 receives while VF0 sends
# (TX-ARGS default to RX-ARGS)
recv_send() {
	as-user upci-nic "$vf1" recv --count "$2" --size "$1" --timeout 60000 $3 > /tmp/rx 2>&1 &
	_p=$!
	_i=0
	while ! grep -q listening /tmp/rx && [ $_i -lt 200 ]; do sleep 0.1; _i=$((_i + 1)); done
	as-user upci-nic "$vf0" send "$mac1" --count "$2" --size "$1" ${4-$3} > /tmp/tx 2>&1 ||
		{ cat /tmp/tx; kill $_p 2>/dev/null; return 1; }
	wait $_p || { cat /tmp/rx; return 1; }
	grep -qx "received: $2" /tmp/rx
}
for s in 14 60 61 1000 1514; do
	check "$s-byte frames VF0 -> VF1" recv_send $s 100
done
check "frames with the receiver spinning (no IRQ)" recv_send 200 50 --no-irq
check "200 frames, more than fit unreleased in a 256 ring" recv_send 64 200
check "two queue pairs, sent on queue 1" recv_send 300 50 "--queues 2" "--queues 2 --queue 1"

# Bad inputs
as-user upci-nic "$vf0" send "$mac1" --size 1515 2> /tmp/err && fail "oversized frame accepted"
grep -q "outside" /tmp/err || fail "no message for an oversized frame: $(cat /tmp/err)"
as-user upci-nic "$vf0" info --mtu 20000 2> /tmp/err && fail "MTU 20000 accepted"
grep -q "bad NIC configuration" /tmp/err || fail "no message for a bad MTU: $(cat /tmp/err)"
as-user upci-nic "$vf0" info --queues 3 2> /tmp/err && fail "3 queues accepted"
as-user upci-nic "$pf" info 2> /tmp/err && fail "the PF was taken as a VF"
echo "ok - bad configurations refused"

# The kernel's igbvf and ping against our driver: VF1 goes to igbvf
check "unbind $vf1" upci unbind "$vf1"
modprobe igbvf || fail "modprobe igbvf"
echo igbvf > /sys/bus/pci/devices/$vf1/driver_override
echo "$vf1" > /sys/bus/pci/drivers_probe
i=0
while [ ! -d /sys/bus/pci/devices/$vf1/net ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kif=$(ls /sys/bus/pci/devices/$vf1/net) || fail "igbvf made no interface"
ip link set "$kif" up
ip addr add 10.77.0.1/24 dev "$kif"
as-user upci-nic "$vf0" respond --ip 10.77.0.2 --count 3 --timeout 60000 > /tmp/resp 2>&1 &
p=$!
i=0
while ! grep -q responding /tmp/resp && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
# igbvf's link comes up a moment after the interface
check "kernel ping -> upci driver" ping -c 3 -W 5 -w 60 10.77.0.2
wait $p || { cat /tmp/resp; fail "upci-nic respond"; }
grep -qx "echo-replies: 3" /tmp/resp || fail "responder: $(cat /tmp/resp)"

# Frames from our driver counted by the kernel's: igbvf's rx_packets
before=$(cat /sys/class/net/$kif/statistics/rx_packets)
kmac=$(cat /sys/class/net/$kif/address)
check "send 20 frames to igbvf" as-user upci-nic "$vf0" send "$kmac" --count 20 --size 100
after=$(cat /sys/class/net/$kif/statistics/rx_packets)
[ $((after - before)) -ge 20 ] || fail "igbvf counted $((after - before)) of 20 frames"
echo "ok - igbvf received $((after - before)) frames from upci-nic"

# The same driver over VFIO
ip link set "$kif" down
echo "$vf1" > /sys/bus/pci/drivers/igbvf/unbind
echo > /sys/bus/pci/devices/$vf1/driver_override
check "unbind $vf0" upci unbind "$vf0"
modprobe vfio_iommu_type1 && modprobe vfio-pci || fail "modprobe vfio-pci"
for v in "$vf0" "$vf1"; do
	echo vfio-pci > /sys/bus/pci/devices/$v/driver_override
	echo "$v" > /sys/bus/pci/drivers_probe
	g=$(basename "$(readlink /sys/bus/pci/devices/$v/iommu_group)")
	chown user /dev/vfio/$g
done
check "frames VF0 -> VF1 over VFIO" recv_send 1514 100
check "remove the VFs" upci sriov "$pf" 0
