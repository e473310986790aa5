# SPDX-License-Identifier: GPL-2.0
# upci: top-level build.  `make help` lists the targets.
#
#   make                 upci.ko (against KDIR) and the user-space programs
#   make check           host unit tests + every guest test; closing line "N passed, N failed"
#   make demo            the project's main job, in the default guest
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
CC ?= cc
WERROR ?= -Werror
CFLAGS ?= -O2 -g
USER_CFLAGS := $(CFLAGS) -Wall -Wextra $(WERROR) -Iinclude/uapi
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# Static programs that go into the guest: as-user and every tests/guest/*.c.
GUEST_SRCS := tests/vm/guest/as-user.c $(wildcard tests/guest/*.c)
GUEST_BINS := $(patsubst %.c,build/guest/bin/%,$(notdir $(GUEST_SRCS)))
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_SRCS))

.PHONY: all module user guest check unit demo lint debug-kernel check-debug \
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

user: $(GUEST_BINS)

guest: module user

build/guest/bin/%: tests/vm/guest/%.c | build/guest/bin
	$(CC) -static $(USER_CFLAGS) -o $@ $<
build/guest/bin/%: tests/guest/%.c $(wildcard tests/guest/*.h) | build/guest/bin
	$(CC) -static $(USER_CFLAGS) -o $@ $<
build/unit/%: tests/unit/%.c | build/unit
	$(CC) $(USER_CFLAGS) $(SAN_FLAGS) -o $@ $<
build/guest/bin build/unit:
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

demo: deps
	@tests/vm/run --add tests/vm/guest/demo.sh -- sh /opt/add/demo.sh

lint: deps
	@scripts/lint

clean:
	rm -rf build
