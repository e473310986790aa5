# SPDX-License-Identifier: GPL-2.0
# --host-root: "host CMD" runs CMD on the host's root file system, read-only,
# as root or (as-user host) as uid 1000, with the checkout's build/bin and
# build/lib on the paths and the guest's /tmp, /proc and /dev.
. "$(dirname "$0")/lib.sh"

checkout=$(pwd -P)
[ -x build/bin/upci ] || fail "build/bin/upci is not built (run make)"

# Without --host-root, host says what to pass.
out=$($VM --no-build -- host true 2>&1)
[ $? = 2 ] || { echo "$out"; fail "host without --host-root: exit is not 2"; }
case "$out" in *"pass --host-root"*) ;; *) fail "host without --host-root said: $out" ;; esac
pass "host without --host-root: $out"

# One guest, one line per check: "NAME: RESULT".
script=$(cat <<'EOS'
r() { name=$1; shift; printf "%s: %s\n" "$name" "$("$@" 2>&1 | tr "\n" " " | sed "s/ *$//")"; }
r python     host python3 -c "import os, sys; print(os.getuid(), sys.version_info[0])"
r ip         host ip -V
r fi_info    host fi_info --version
r user-id    as-user host id -u
r user-name  as-user host id -un
r user-home  as-user host sh -c "echo \$HOME; touch \$HOME/w && echo writable"
r ro-root    host sh -c "touch /etc/upci-write-test 2>&1; echo rc=\$?"
r ro-guest   sh -c "touch /host/etc/upci-write-test 2>&1; echo rc=\$?"
r shadow     as-user host sh -c "cat /etc/shadow >/dev/null 2>&1; echo rc=\$?"
echo guest-tmp > /tmp/from-guest
r tmp        host cat /tmp/from-guest
r proc       host cat /proc/sys/kernel/hostname
r upci       host sh -c "command -v upci; upci --help 2>&1 | head -n 1"
r libpath    host sh -c "echo \$LD_LIBRARY_PATH"
r fabric     host sh -c "echo \${FI_PROVIDER_PATH-unset}"
r no-cmd     sh -c "host; echo rc=\$?"
r user-shell as-user sh -c "host true; echo rc=\$?"
r mpirun     sh -c "as-user host mpirun -n 2 sh -c 'echo rank \$OMPI_COMM_WORLD_RANK uid \$(id -u)' | sort"
EOS
)
out=$($VM --no-build --host-root -- sh -c "$script" 2>&1) || { echo "$out"; fail "guest run"; }
echo "$out" | sed 's/^/# /'
line() { echo "$out" | sed -n "s/^$1: //p"; }
expect() {  # expect NAME GLOB DESCRIPTION
	got=$(line "$1")
	case "$got" in $2) pass "$3" ;; *) fail "$3: '$1' printed '$got'" ;; esac
}
expect python "0 3" "host python3 runs as root"
expect ip "ip utility, iproute2-*" "host ip -V: the host's iproute2"
expect fi_info "fi_info: *libfabric: *" "host fi_info --version: the host's libfabric"
expect user-id 1000 "as-user host id -u prints 1000"
expect user-name user "uid 1000 is 'user' inside the host root"
expect user-home "/home/user writable" "the user's home is the guest's"
expect ro-root "*Read-only file system*rc=1" "the host root is read-only through host"
expect ro-guest "*Read-only file system*rc=1" "the host root is read-only at /host"
expect shadow "rc=1" "file permissions hold for the user (no /etc/shadow)"
expect tmp guest-tmp "/tmp is the guest's"
expect proc upci-guest "/proc is the guest's"
expect upci "$checkout/build/bin/upci usage: upci *" "the checkout's build/bin/upci runs through host"
expect libpath "$checkout/build/lib" "LD_LIBRARY_PATH is the checkout's build/lib"
if [ -d build/fabric ]; then
	expect fabric "$checkout/build/fabric" "FI_PROVIDER_PATH is the checkout's build/fabric"
else
	expect fabric unset "FI_PROVIDER_PATH is unset while build/fabric does not exist"
fi
expect no-cmd "usage: host *rc=2" "host without a command: usage, exit 2"
expect user-shell "*as-user host CMD*rc=126" "host started by the user: refused, with the way that works"
expect mpirun "rank 0 uid 1000 rank 1 uid 1000" "as-user host mpirun -n 2: two ranks as uid 1000"
