# SPDX-License-Identifier: GPL-2.0
# The guest runs the 6.12 kernel, runs --add files from /opt/add, has the
# unprivileged user, and passes the command's exit status back.
. "$(dirname "$0")/lib.sh"

out=$($VM --no-build -- cat /proc/version) || fail "cat /proc/version"
case "$out" in "Linux version 6.12."*) pass "guest kernel: ${out%% (*}" ;;
*) fail "not a 6.12 kernel: $out" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\nint main(int c, char **v) { printf("static hello %%s\\n", v[1]); return 0; }\n' > "$tmp/hello.c"
cc -static -o "$tmp/hello" "$tmp/hello.c" || fail "building a static binary"
out=$($VM --no-build --add "$tmp/hello" -- /opt/add/hello there) || fail "--add run"
[ "$out" = "static hello there" ] || fail "--add output: '$out'"
pass "--add runs a static binary from /opt/add"

out=$($VM --no-build -- as-user id) || fail "as-user id"
case "$out" in "uid=1000(user) gid=1000(user)"*) pass "as-user: $out" ;;
*) fail "as-user id printed '$out'" ;; esac

expect_status 42 "exit status passes through" -- $VM --no-build -- sh -c 'exit 42'
expect_status 124 "a hung command times out" -- $VM --no-build --timeout 10 -- sleep 600

out=$($VM --no-build --load vfio_iommu_type1 --load vfio-pci -- sh -c 'cut -d" " -f1 /proc/modules | sort | tr "\n" " "') ||
	fail "--load vfio-pci"
for m in vfio vfio_iommu_type1 vfio_pci_core vfio_pci irqbypass upci; do
	case " $out" in *" $m "*) ;; *) fail "--load vfio-pci: $m is not loaded ($out)" ;; esac
done
pass "--load loads guest modules with their dependencies"
