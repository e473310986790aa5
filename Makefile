# SPDX-License-Identifier: GPL-2.0
# upci: top-level build.  `make help` lists the targets.
#
#   make                 upci.ko (against KDIR) and the user-space programs
#   make check           host unit tests + every guest test; closing line "N passed, N failed"
#   make demo            the project's main job, in the default guest
#   make bench           upci vs VFIO (edu), and messages on igb VFs vs the kernel -> bench/results/
#   make install         module, library, headers, pkg-config, tool, man pages, udev rule
#   make lint            checkpatch --strict and sparse (kernel), cppcheck (user code)
#   make debug-kernel    build the KASAN/lockdep/kmemleak guest kernel (cached outside the repo)
#   make check-debug     every guest test on the debug kernel
#
# KDIR defaults to the running kernel's build tree if it has one, else to the
# newest installed Debian 6.12 kernel (the guest kernel).  Module objects go
# to $(KBUILD_OUT) so that builds for several kernels do not collide.

SHELL := /bin/bash
ROOT := $(CURDIR)

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	$(lastword $(sort $(wildcard /lib/modules/6.12.*-amd64/build))))
KBUILD_OUT ?= build/kernel
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
UDEVRULESDIR ?= /lib/udev/rules.d
DESTDIR ?=
CC ?= cc
WERROR ?= -Werror
CFLAGS ?= -O2 -g
USER_CFLAGS := $(CFLAGS) -Wall -Wextra $(WERROR) -Iinclude/uapi
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# libupci: a shared library (versioned symbols) and a static one.
LIB_VERSION := 0.1.0
LIB_SONAME := libupci.so.0
LIB_SRCS := $(wildcard lib/src/*.c)
LIB_DEPS := $(wildcard lib/include/*.h lib/src/*.h) include/uapi/linux/upci.h
LIB_CFLAGS := $(USER_CFLAGS) -Ilib/include -pthread
LIB_A := build/lib/libupci.a
LIB_SO := build/lib/libupci.so.$(LIB_VERSION)

# Libraries on libupci, one layer each (design.md, "The uses, layered"):
# libupci-nic, the NIC interface (nic/) with the NIC device parts
# (drivers/igbvf/), and libupci-msg, the messaging library (msg/) on it.
# Each is a static library (programs and guest tests link it) and a
# shared one (make install, the libfabric provider).
NIC_DRIVERS := drivers/igbvf
NIC_SRCS := $(wildcard nic/src/*.c) $(foreach d,$(NIC_DRIVERS),$(wildcard $(d)/*.c))
NIC_DEPS := $(wildcard nic/include/*.h nic/src/*.h) $(foreach d,$(NIC_DRIVERS),$(wildcard $(d)/*.h))
MSG_SRCS := $(wildcard msg/src/*.c)
MSG_DEPS := $(wildcard msg/include/*.h msg/src/*.h) $(NIC_DEPS)
LAYER_CFLAGS := $(LIB_CFLAGS) -Inic/include -Inic/src -Imsg/include
NIC_A := build/lib/libupci-nic.a
MSG_A := build/lib/libupci-msg.a
LAYER_AS := $(MSG_A) $(NIC_A)
LAYER_SOS := build/lib/libupci-msg.so build/lib/libupci-nic.so

# Programs on libupci, one folder each (every .c of it is one program):
# the tools, the user-level drivers that are programs and the benchmark.
# Each is built static for the guest (build/guest/bin) and, for `make
# install`, linked against the shared libraries (build/bin).
PROG_DIRS := $(wildcard tools/*) $(filter-out $(NIC_DRIVERS),$(wildcard drivers/*)) bench
prog_name = $(if $(filter tools/%,$(1)),$(notdir $(1)),upci-$(notdir $(1)))
PROGS := $(foreach d,$(PROG_DIRS),$(if $(wildcard $(d)/*.c),$(call prog_name,$(d))))
$(foreach d,$(PROG_DIRS),$(eval SRCS_$(call prog_name,$(d)) := $(wildcard $(d)/*.c)) \
	$(eval HDRS_$(call prog_name,$(d)) := $(wildcard $(d)/*.h)))
# A program's own libraries: LDLIBS_<program>.  The upci tool names devices
# through pciutils' libpci, which Debian ships shared only (no libpci.a, and
# its libudev has no static archive either), so the programs listed in
# GUEST_DYNAMIC are linked dynamically for the guest too (libupci still
# statically) and tests/vm/run copies their shared libraries into the guest.
LDLIBS_upci := $(shell pkg-config --libs libpci 2>/dev/null || echo -lpci)
GUEST_DYNAMIC := upci

# Static programs that go into the guest: as-user, every tests/guest/*.c
# and the programs above.
GUEST_SRCS := tests/vm/guest/as-user.c $(wildcard tests/guest/*.c)
GUEST_BINS := $(patsubst %.c,build/guest/bin/%,$(notdir $(GUEST_SRCS))) \
	$(addprefix build/guest/bin/,$(PROGS))
HOST_BINS := $(addprefix build/bin/,$(PROGS))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRCS))

.PHONY: all module user lib guest check unit demo bench install uninstall dkms-source lint debug-kernel check-debug \
	deps clean help

all: module user

help:
	@sed -n 's/^#   make/  make/p' Makefile

deps:
	@scripts/install-deps

# upci.ko is built from a copy of kernel/ and include/ under $(KBUILD_OUT),
# synchronised with rsync so that timestamps (and incremental builds) hold.
module: deps
	@test -d "$(KDIR)" || { echo "KDIR=$(KDIR) is not a kernel build tree; run scripts/install-deps or pass KDIR=" >&2; exit 1; }
	@mkdir -p $(KBUILD_OUT)
	@rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' --exclude=modules.order --exclude=Module.symvers \
		kernel include $(KBUILD_OUT)/
	$(MAKE) -C $(KDIR) M=$(ROOT)/$(KBUILD_OUT)/kernel modules
	@cp $(KBUILD_OUT)/kernel/upci.ko $(KBUILD_OUT)/upci.ko

user: lib $(GUEST_BINS) $(HOST_BINS)

guest: module user

lib: $(LIB_A) $(LIB_SO) build/lib/libupci.pc $(LAYER_AS) $(LAYER_SOS)

build/lib/pic/%.o: lib/src/%.c $(LIB_DEPS) | build/lib/pic
	$(CC) $(LIB_CFLAGS) -fPIC -c -o $@ $<
build/lib/static/%.o: lib/src/%.c $(LIB_DEPS) | build/lib/static
	$(CC) $(LIB_CFLAGS) -c -o $@ $<
$(LIB_A): $(patsubst lib/src/%.c,build/lib/static/%.o,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^
$(LIB_SO): $(patsubst lib/src/%.c,build/lib/pic/%.o,$(LIB_SRCS)) lib/libupci.map
	$(CC) -shared -pthread -Wl,-soname,$(LIB_SONAME) \
		-Wl,--version-script=lib/libupci.map -Wl,-z,defs -o $@ \
		$(filter %.o,$^)
	@ln -sf $(notdir $@) build/lib/$(LIB_SONAME)
	@ln -sf $(LIB_SONAME) build/lib/libupci.so

# The layers' libraries: objects under build/layers/{pic,static}/<dir>/.
layer_objs = $(patsubst %.c,build/layers/$(1)/%.o,$(2))
build/layers/pic/%.o: %.c $(LIB_DEPS) $(MSG_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(LAYER_CFLAGS) -fPIC -c -o $@ $<
build/layers/static/%.o: %.c $(LIB_DEPS) $(MSG_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(LAYER_CFLAGS) -c -o $@ $<
$(NIC_A): $(call layer_objs,static,$(NIC_SRCS)) | build/lib
	@rm -f $@
	ar rcs $@ $^
$(MSG_A): $(call layer_objs,static,$(MSG_SRCS)) | build/lib
	@rm -f $@
	ar rcs $@ $^
build/lib/libupci-nic.so: $(call layer_objs,pic,$(NIC_SRCS)) $(LIB_SO)
	$(CC) -shared -pthread -Wl,-soname,libupci-nic.so.0 -Wl,-z,defs -o $@.0 \
		$(filter %.o,$^) -Lbuild/lib -lupci
	@ln -sf libupci-nic.so.0 $@
build/lib/libupci-msg.so: $(call layer_objs,pic,$(MSG_SRCS)) build/lib/libupci-nic.so
	$(CC) -shared -pthread -Wl,-soname,libupci-msg.so.0 -Wl,-z,defs -o $@.0 \
		$(filter %.o,$^) -Lbuild/lib -lupci-nic -lupci
	@ln -sf libupci-msg.so.0 $@
build/lib/libupci.pc: lib/libupci.pc.in Makefile | build/lib
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LIB_VERSION)|' $< > $@

build/guest/bin/%: tests/vm/guest/%.c | build/guest/bin
	$(CC) -static $(USER_CFLAGS) -o $@ $<
build/guest/bin/%: tests/guest/%.c $(wildcard tests/guest/*.h) $(LAYER_AS) $(LIB_A) | build/guest/bin
	$(CC) -static $(LAYER_CFLAGS) -o $@ $< $(LAYER_AS) $(LIB_A)
.SECONDEXPANSION:
build/guest/bin/%: $$(SRCS_%) $$(HDRS_%) $(LAYER_AS) $(LIB_A) | build/guest/bin
	$(CC) $(if $(filter $*,$(GUEST_DYNAMIC)),,-static) $(LAYER_CFLAGS) -o $@ \
		$(SRCS_$*) $(LAYER_AS) $(LIB_A) $(LDLIBS_$*)
build/bin/%: $$(SRCS_%) $$(HDRS_%) $(LAYER_SOS) $(LIB_SO) | build/bin
	$(CC) $(LAYER_CFLAGS) -o $@ $(SRCS_$*) -Lbuild/lib -Wl,--as-needed -lupci-msg -lupci-nic -lupci $(LDLIBS_$*)
# Unit tests link libupci's sources, built with the sanitizers too, and may
# use its internal (upci__) functions.
build/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIB_DEPS) $(LIB_SRCS) | build/unit
	$(CC) $(USER_CFLAGS) -Ilib/include -Ilib/src -pthread $(SAN_FLAGS) -o $@ $< $(LIB_SRCS)
# The messaging library's unit tests (tests/unit/msg_*.c) link it, the NIC
# interface's generic part and a fake NIC (tests/unit/fake_nic.h), all
# under the sanitizers; no NIC device part is needed.
build/unit/msg_%: tests/unit/msg_%.c $(wildcard tests/unit/*.h) $(LIB_DEPS) $(LIB_SRCS) \
		$(MSG_DEPS) $(MSG_SRCS) nic/src/nic.c | build/unit
	$(CC) $(LAYER_CFLAGS) -Ilib/src -Imsg/src $(SAN_FLAGS) -o $@ $< \
		$(LIB_SRCS) nic/src/nic.c $(MSG_SRCS)
build/guest/bin build/unit build/bin build/lib build/lib/pic build/lib/static:
	@mkdir -p $@

unit: $(UNIT_BINS)

# The guest tests build what they need themselves (tests/vm/run calls
# `make guest` for the kernel it boots).
check: deps unit
	@tests/run-tests $(if $(T),--only $(T))

check-debug: deps unit debug-kernel
	@UPCI_KERNEL=debug tests/run-tests --guest-only $(if $(T),--only $(T))

debug-kernel: deps
	@scripts/build-debug-kernel

# The benchmark (not part of `make check`): libupci on upci and on VFIO in
# one guest with enough memory for 256 MiB mappings and a million of them.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
BENCH_ARGS ?= --runs 5
BENCH_MEMORY ?= 2048
bench: deps
	@mkdir -p build/bench
	set -o pipefail; tests/vm/run --memory $(BENCH_MEMORY) --timeout 3000 \
		-- sh /opt/upci/tests/bench.sh $(BENCH_ARGS) | tee build/bench/raw.txt
	@$(PYTHON) bench/report.py build/bench/raw.txt bench/results

demo: deps
	@tests/vm/run --add tests/vm/guest/demo.sh -- sh /opt/add/demo.sh

lint: deps
	@scripts/lint

# make install [DESTDIR=...] [PREFIX=...]: upci.ko into the updates folder
# of the kernel KDIR is for (then depmod, unless DESTDIR is set: packagers
# run it on the target), libupci (shared, static, headers, pkg-config), the
# upci tool, man pages and the udev rule.  NO_MODULE=1 skips the module.
KREL = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
MODDIR = $(DESTDIR)/lib/modules/$(KREL)/updates
MAN_PAGES = $(wildcard man/*.[0-9])
# The tools and the layers' libraries and headers besides libupci.
INSTALL_PROGS = upci upci-nic $(if $(wildcard tools/upci-msg/*.c),upci-msg)
LAYERS = upci-nic upci-msg
INSTALL_FILES = $(addprefix $(BINDIR)/,$(INSTALL_PROGS)) \
	$(foreach l,$(LAYERS),$(LIBDIR)/lib$(l).so.0 $(LIBDIR)/lib$(l).so \
		$(LIBDIR)/lib$(l).a $(INCLUDEDIR)/$(l).h) \
	$(LIBDIR)/libupci.so.$(LIB_VERSION) \
	$(LIBDIR)/$(LIB_SONAME) $(LIBDIR)/libupci.so $(LIBDIR)/libupci.a \
	$(LIBDIR)/pkgconfig/libupci.pc $(INCLUDEDIR)/upci.h \
	$(INCLUDEDIR)/linux/upci.h $(UDEVRULESDIR)/60-upci.rules \
	$(foreach m,$(MAN_PAGES),$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))

install: $(if $(NO_MODULE),,module) lib $(addprefix build/bin/,$(INSTALL_PROGS))
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
		$(DESTDIR)$(INCLUDEDIR)/linux $(DESTDIR)$(UDEVRULESDIR)
	install -m 0755 $(addprefix build/bin/,$(INSTALL_PROGS)) $(DESTDIR)$(BINDIR)/
	@for l in $(LAYERS); do \
		install -m 0755 build/lib/lib$$l.so.0 $(DESTDIR)$(LIBDIR)/ && \
		ln -sf lib$$l.so.0 $(DESTDIR)$(LIBDIR)/lib$$l.so && \
		install -m 0644 build/lib/lib$$l.a $(DESTDIR)$(LIBDIR)/ || exit 1; done
	install -m 0644 nic/include/upci-nic.h msg/include/upci-msg.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0755 $(LIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libupci.so.$(LIB_VERSION) $(DESTDIR)$(LIBDIR)/$(LIB_SONAME)
	ln -sf $(LIB_SONAME) $(DESTDIR)$(LIBDIR)/libupci.so
	install -m 0644 $(LIB_A) $(DESTDIR)$(LIBDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(LIB_VERSION)|' \
		lib/libupci.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libupci.pc
	install -m 0644 lib/include/upci.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 0644 include/uapi/linux/upci.h $(DESTDIR)$(INCLUDEDIR)/linux/
	install -m 0644 packaging/60-upci.rules $(DESTDIR)$(UDEVRULESDIR)/
	@for m in $(MAN_PAGES); do s=$${m##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; done
ifeq ($(NO_MODULE),)
	install -d $(MODDIR)
	install -m 0644 $(KBUILD_OUT)/upci.ko $(MODDIR)/upci.ko
	$(if $(DESTDIR),@echo "install: DESTDIR set: run depmod $(KREL) on the target",depmod -a $(KREL))
endif

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALL_FILES))
	rm -f $(MODDIR)/upci.ko
	$(if $(DESTDIR),,-depmod -a $(KREL))

# The DKMS source tree: /usr/src/upci-VERSION with kernel/, include/ and
# dkms.conf; then `dkms install upci/VERSION`.
dkms-source:
	install -d $(DESTDIR)/usr/src/upci-$(LIB_VERSION)
	cp -r kernel include $(DESTDIR)/usr/src/upci-$(LIB_VERSION)/
	sed 's|@VERSION@|$(LIB_VERSION)|' packaging/dkms.conf > \
		$(DESTDIR)/usr/src/upci-$(LIB_VERSION)/dkms.conf

clean:
	rm -rf build
