#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install into a DESTDIR: module in the kernel's updates folder, the
# library (shared with versioned symbols, static), headers that compile as
# C and C++, a pkg-config file that builds a program, the tool, man pages
# and the udev rule; make uninstall removes all of it; the DKMS source tree
# builds with dkms.
set -euo pipefail
cd "$(dirname "$0")/../.."
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok - $*"; }

make -s install DESTDIR="$d/root" PREFIX=/usr >"$d/log" 2>&1 || { cat "$d/log"; fail "make install"; }
ok "make install DESTDIR=... PREFIX=/usr"
ko=$(find "$d/root/lib/modules" -path '*/updates/upci.ko' | head -n1)
[ -n "$ko" ] || fail "no upci.ko under lib/modules/*/updates"; ok "module: ${ko#$d/root}"
for f in usr/bin/upci usr/lib/libupci.so.0.1.0 usr/lib/libupci.so.0 usr/lib/libupci.so \
	usr/lib/libupci.a usr/lib/pkgconfig/libupci.pc usr/include/upci.h \
	usr/include/linux/upci.h lib/udev/rules.d/60-upci.rules \
	usr/share/man/man8/upci.8 usr/share/man/man7/upci.7 usr/share/man/man3/libupci.3 \
	usr/share/man/man3/upci_dma_map.3; do
	[ -e "$d/root/$f" ] || fail "missing /$f"
done
grep -q "^prefix=/usr$" "$d/root/usr/lib/pkgconfig/libupci.pc" || fail "libupci.pc does not say prefix=/usr"
ok "library, headers, pkg-config, tool, man pages, udev rule"
nm -D --defined-only "$d/root/usr/lib/libupci.so" | grep -q ' upci_dev_open@@LIBUPCI_0.1' ||
	fail "upci_dev_open is not versioned LIBUPCI_0.1"
nm -D --defined-only "$d/root/usr/lib/libupci.so" | grep -q 'upci__' &&
	fail "internal symbols are exported"
ok "versioned symbols, internals hidden"
for page in "$d"/root/usr/share/man/man*/*; do
	(cd "$d/root/usr/share/man" && MANWIDTH=80 man -l "$page" >/dev/null 2>"$d/manerr") ||
		fail "man -l $page"
	[ -s "$d/manerr" ] && { cat "$d/manerr"; fail "warnings in $page"; }
done
ok "every man page renders"

cat > "$d/prog.c" <<'C'
#include <upci.h>
#include <stdio.h>
int main(void)
{
	char bdf[UPCI_BDF_LEN];
	return upci_parse_bdf("00:03.0", bdf) || printf("%s\n", bdf) < 0;
}
C
cp "$d/prog.c" "$d/prog.cc"
export PKG_CONFIG_SYSROOT_DIR="$d/root" PKG_CONFIG_LIBDIR="$d/root/usr/lib/pkgconfig"
# shellcheck disable=SC2046
cc -Wall -Wextra -Werror -o "$d/prog" "$d/prog.c" $(pkg-config --cflags --libs libupci) ||
	fail "build with pkg-config"
[ "$(LD_LIBRARY_PATH="$d/root/usr/lib" "$d/prog")" = 0000:00:03.0 ] || fail "run against the installed library"
# shellcheck disable=SC2046
c++ -Wall -Wextra -Werror -o "$d/progxx" "$d/prog.cc" $(pkg-config --cflags --libs libupci) ||
	fail "build as C++"
# shellcheck disable=SC2046
cc -static -o "$d/progs" "$d/prog.c" $(pkg-config --cflags libupci) "$d/root/usr/lib/libupci.a" ||
	fail "static link"
ok "a program builds (C, C++, static) and runs with pkg-config"

# The ABI header alone, as C and as C++
printf '#include <linux/upci.h>\nint main(void) { return sizeof(struct upci_ioas_map) == 0; }\n' > "$d/uapi.c"
cp "$d/uapi.c" "$d/uapi.cc"
cc -Wall -Wextra -Werror -I"$d/root/usr/include" -o "$d/uapi" "$d/uapi.c" ||
	fail "<linux/upci.h> alone as C"
c++ -Wall -Wextra -Werror -I"$d/root/usr/include" -o "$d/uapixx" "$d/uapi.cc" ||
	fail "<linux/upci.h> alone as C++"
ok "<linux/upci.h> compiles alone, as C and C++"

# DKMS: the source tree make dkms-source writes builds with dkms, into a
# private DKMS tree, for the guest kernel
krel=$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sed 's|.*/linux-headers-||' | sort -V | tail -n1)
make -s dkms-source DESTDIR="$d/dkms-src" >"$d/log" 2>&1 || { cat "$d/log"; fail "make dkms-source"; }
mkdir -p "$d/dkms"
dkms build -m upci -v "$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$d"/dkms-src/usr/src/upci-*/dkms.conf)" \
	-k "$krel" --sourcetree "$d/dkms-src/usr/src" --dkmstree "$d/dkms" >"$d/log" 2>&1 ||
	{ cat "$d/log"; fail "dkms build"; }
ko=$(find "$d/dkms" -path "*/$krel/*" -name 'upci.ko*' | head -n1)
[ -n "$ko" ] || { cat "$d/log"; fail "dkms built no upci.ko for $krel"; }
ok "dkms builds upci.ko for $krel from make dkms-source"

make -s uninstall DESTDIR="$d/root" PREFIX=/usr >"$d/log" 2>&1 || { cat "$d/log"; fail "make uninstall"; }
left=$(find "$d/root" -type f -o -type l)
[ -z "$left" ] || { echo "$left"; fail "files left after uninstall"; }
ok "make uninstall removes everything"
