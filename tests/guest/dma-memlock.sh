# SPDX-License-Identifier: GPL-2.0
# Locked-memory accounting per user: RLIMIT_MEMLOCK of 1 MiB refuses a 2 MiB
# map, two processes of the user share the limit, and kill -9 or close give
# every page back.
. /opt/upci/tests/lib.sh

check "memlock" as-user upci-test-dma memlock -
