#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""tests/run-tests runs a guest test again only when the guest's timers
stalled under TCG, never for an ordinary failure."""
import importlib.machinery
import importlib.util
import os
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load():
    loader = importlib.machinery.SourceFileLoader(
        "run_tests", os.path.join(ROOT, "tests", "run-tests"))
    spec = importlib.util.spec_from_loader("run_tests", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


class TimerStall(unittest.TestCase):
    def setUp(self):
        self.rt = load()

    def test_stall_is_recognised(self):
        for line in (
            "[  256.697742] rcu: rcu_preempt kthread timer wakeup didn't happen for "
            "15752 jiffies! g-439 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402",
            "[  256.702798] rcu: \tPossible timer handling issue on cpu=1 "
            "timer-softirq=116",
        ):
            self.assertTrue(self.rt.GUEST_TIMER_STALL.search(line), line)

    def test_other_failures_are_not(self):
        for line in (
            "not ok - the unbind took 2000 ms",
            "[   42.2] INFO: task rmmod:191 blocked for more than 20 seconds.",
            "[   12.0] WARNING: CPU: 0 PID: 55 at fs/proc/generic.c:733",
            "[   12.0] rcu: INFO: rcu_preempt self-detected stall on CPU",
        ):
            self.assertFalse(self.rt.GUEST_TIMER_STALL.search(line), line)


if __name__ == "__main__":
    unittest.main()
