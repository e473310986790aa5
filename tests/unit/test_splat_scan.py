# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the guest harness's kernel-log splat scanner."""
import importlib.machinery
import importlib.util
import os
import unittest

_path = os.path.join(os.path.dirname(__file__), "..", "vm", "run")
_loader = importlib.machinery.SourceFileLoader("vm_run", _path)
_spec = importlib.util.spec_from_loader("vm_run", _loader)
vm_run = importlib.util.module_from_spec(_spec)
_loader.exec_module(vm_run)


def lines(found):
    return [l for _, l in found]


class ScanLog(unittest.TestCase):
    def test_clean_log(self):
        log = "[    0.1] Linux version 6.12\n[    0.2] DMAR: IOMMU enabled\n"
        self.assertEqual(vm_run.scan_log(log, []), [])

    def test_every_kind_of_report(self):
        reports = [
            "WARNING: CPU: 0 PID: 1 at kernel/foo.c:1 bar+0x1/0x2",
            "BUG: KASAN: slab-use-after-free in upci_release+0x10/0x20",
            "BUG: unable to handle page fault for address: 0000",
            "kernel BUG at mm/slub.c:100!",
            "Oops: general protection fault, probably for non-canonical address",
            "UBSAN: array-index-out-of-bounds in kernel/upci/config.c:10:2",
            "INFO: task sh:55 blocked for more than 20 seconds.",
            "WARNING: possible circular locking dependency detected",
            "Kernel panic - not syncing: Fatal exception",
        ]
        log = "".join(f"[   {i}.000000] {r}\r\n" for i, r in enumerate(reports))
        self.assertEqual(lines(vm_run.scan_log(log, [])), reports)

    def test_expected_on_command_line(self):
        log = "[ 1.0] WARNING: planted\n[ 1.1] BUG: real\n"
        self.assertEqual(lines(vm_run.scan_log(log, ["WARNING: planted"])), ["BUG: real"])

    def test_expected_declared_in_guest(self):
        log = ("[ 1.0] upci-test: expect-log: DMAR: .*fault\n"
               "[ 1.1] WARNING: DMAR: [DMA Write] fault addr 0x300000\n"
               "[ 1.2] WARNING: something else\n")
        self.assertEqual(lines(vm_run.scan_log(log, [])), ["WARNING: something else"])

    def test_declaration_line_is_not_a_splat(self):
        log = "[ 1.0] upci-test: expect-log: WARNING: planted\n"
        self.assertEqual(vm_run.scan_log(log, []), [])

    def test_kmemleak_counts_only_upci(self):
        log = ("unreferenced object 0xffff888003a1c000 (size 64):\n"
               "  comm \"swapper/0\", pid 1\n  backtrace (crc 0):\n"
               "    kmalloc_trace+0x1/0x2\n    acpi_init+0x3/0x4\n"
               "unreferenced object 0xffff888003a1d000 (size 128):\n"
               "  backtrace (crc 0):\n    kmalloc_trace+0x1/0x2\n"
               "    upci_open+0x10/0x40 [upci]\n"
               "[ 9.0] upci-harness: exit 1234 0\n")
        self.assertEqual(vm_run.scan_log(log, []),
                         [(5, "unreferenced object 0xffff888003a1d000 (size 128):")])

    def test_index_points_at_the_report(self):
        log = "a\nb\n[ 2.0] Oops: 0000\nc\n"
        self.assertEqual(vm_run.scan_log(log, []), [(2, "Oops: 0000")])


if __name__ == "__main__":
    unittest.main(verbosity=2)
