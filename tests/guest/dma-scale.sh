# SPDX-License-Identifier: GPL-2.0
# One million mappings (1,024 pages, each at 1,024 IOVAs) in one address
# space, as root: time per map at 1 k, 10 k, 100 k and 1 M mappings, the
# kernel memory each costs, and the unmap of them all.  On the debug kernel
# (KASAN and lockdep make every map several times slower) the same path
# runs with 128 k mappings, to stay within the run's time.
# vm: --memory 2048
. /opt/upci/tests/lib.sh

n=1048576
case "$(uname -r)" in *debug*) n=131072 ;; esac
bdf=$(upci_find $EDU) || fail "no edu device"
check "bind $bdf" upci_bind "$bdf"
check "$n mappings" upci-test-dma scale "/dev/upci/$bdf" $n
