#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/report.py RAW OUTDIR: turn upci-bench's samples into results.

RAW holds the guest's output for `make bench` (tests/guest/bench.sh): lines
"sample BACKEND NAME UNIT VALUE", "note BACKEND NAME TEXT" and
"meta KEY VALUE".  Writes OUTDIR/latest.json (a list of {"name", "unit",
"upci", "peer", "peer_value", "ratio", "better"} plus spreads and notes),
OUTDIR/latest.md (tables) and OUTDIR/latest.png (the ratios), and copies
RAW to OUTDIR/latest.raw.txt.  Every figure is the median over the runs of
one guest boot; the spread is the min-max range over those runs.

Two kinds of rows.  The edu rows (upci-bench) have VFIO as their peer.
The NIC rows (tests/guest/bench-nic.sh: upci-msg on two igb VFs) have the
kernel (igbvf + UDP sockets) as their peer, the one to beat, and carry
VFIO's figure too: "vfio_value", "vfio_spread" and "vfio_ratio" (upci /
VFIO), plus "goal" (the ratio to reach against the kernel).  Kernel
samples carry a sixth field, the kernel's mode (blocking or busy-poll);
the kernel's figure is its better mode's median ("peer_mode"; every
mode's median in "peer_modes").  "better" says whether lower or higher
is better; a ratio is always upci / peer.
"""
import json
import os
import re
import shutil
import statistics
import sys

ORDER = [
    ("map_unmap_256M_4K", "map + unmap 256 MiB, 4 KiB pages"),
    ("map_unmap_256M_2M", "map + unmap 256 MiB, 2 MiB huge pages"),
    ("map_at_1k", "time per map at 1 k mappings"),
    ("map_at_10k", "time per map at 10 k mappings"),
    ("map_at_100k", "time per map at 100 k mappings"),
    ("map_at_1M", "time per map at 1 M mappings"),
    ("msi_median", "edu MSI to wake-up, median"),
    ("msi_p99", "edu MSI to wake-up, 99th percentile"),
    ("bringup", "bring-up: open + attach + first map"),
]
PEER = "vfio"
# The NIC rows: name, title, better, goal against the kernel.
NIC_ORDER = [
    ("msg_rtt_64_median", "NIC round trip, 64 B, median", "lower", 0.5),
    ("msg_rtt_64_p99", "NIC round trip, 64 B, 99th percentile", "lower", 0.5),
    ("msg_rtt_1k_median", "NIC round trip, 1 KiB, median", "lower", 0.5),
    ("msg_rtt_1k_p99", "NIC round trip, 1 KiB, 99th percentile", "lower", 0.5),
    ("msg_rtt_64k_median", "NIC round trip, 64 KiB class (65507 B, the largest UDP datagram), median",
     "lower", 0.5),
    ("msg_rtt_64k_p99", "NIC round trip, 64 KiB class (65507 B), 99th percentile", "lower", 0.5),
    ("msg_rate_64", "NIC one-way message rate, 64 B", "higher", 2.0),
]
NIC_PEER = "kernel"


def parse(path):
    samples, notes, meta = {}, [], {}
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0] == "sample":
                _, be, name, unit, val = parts[:5]
                try:
                    v = float(val)
                except ValueError:
                    continue
                s = samples.setdefault(name, {"unit": unit})
                s.setdefault(be, []).append(v)
                s.setdefault("modes", {}).setdefault(be, {}).setdefault(
                    parts[5] if len(parts) >= 6 else "-", []).append(v)
            elif len(parts) >= 3 and parts[0] == "note":
                notes.append((parts[1], " ".join(parts[2:])))
            elif len(parts) >= 3 and parts[0] == "meta":
                meta[parts[1]] = " ".join(parts[2:])
    return samples, notes, meta


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def merge_notes(notes):
    """One line per repeated note with numbers after its first ': ' (the
    NIC's counts), those numbers summed; other notes as they are."""
    merged, order = {}, []
    for i, (be, t) in enumerate(notes):
        head, sep, tail = t.partition(": ")
        if not sep or not re.search(r"\d", tail):
            key = i
        else:
            key = (be, head + sep + re.sub(r"\d+", "#", tail))
        if key not in merged:
            order.append(key)
            merged[key] = [be, head + sep, tail, 0, None]
        m = merged[key]
        m[3] += 1
        if key != i:
            nums = [int(x) for x in re.findall(r"\d+", tail)]
            m[4] = nums if m[4] is None else [a + b for a, b in zip(m[4], nums)]
    out = []
    for key in order:
        be, head, tail, n, nums = merged[key]
        if nums is not None and n > 1:
            it = iter(nums)
            tail = re.sub(r"\d+", lambda _: str(next(it)), tail) + f" (sum over {n} runs)"
        out.append((be, head + tail))
    return out


def spread(v):
    return [round(min(v), 4), round(max(v), 4)] if v else None


def best_mode(s, be, better):
    """(mode, samples, {mode: median}) of backend @be's better mode."""
    modes = s.get("modes", {}).get(be, {})
    meds = {m: statistics.median(x) for m, x in modes.items()}
    if not meds:
        return None, [], {}
    pick = min if better == "lower" else max
    m = pick(meds, key=lambda k: meds[k])
    return m, modes[m], meds


def nic_rows(samples):
    """The NIC rows: upci against the kernel and VFIO, each in its better mode."""
    rows = []
    for name, title, better, goal in NIC_ORDER:
        s = samples.get(name)
        if not s or "upci" not in s:
            continue
        um, u, umeds = best_mode(s, "upci", better)
        km, k, kmeds = best_mode(s, NIC_PEER, better)
        vm, v, vmeds = best_mode(s, "vfio", better)
        mu, mk, mv = umeds[um], kmeds.get(km), vmeds.get(vm)
        entry = {
            "name": name, "unit": s["unit"], "upci": round(mu, 4), "peer": NIC_PEER,
            "peer_value": round(mk, 4) if mk is not None else None,
            "ratio": round(mu / mk, 4) if mk else None, "better": better,
            "title": title, "runs": len(u), "goal": goal,
            "upci_spread": spread(u),
            "peer_spread": spread(k),
            "upci_mode": um,
            "upci_modes": {m: round(x, 4) for m, x in sorted(umeds.items())},
            "peer_mode": km,
            "peer_modes": {m: round(x, 4) for m, x in sorted(kmeds.items())},
            "vfio_value": round(mv, 4) if mv is not None else None,
            "vfio_spread": spread(v),
            "vfio_ratio": round(mu / mv, 4) if mv else None,
            "vfio_mode": vm,
            "vfio_modes": {m: round(x, 4) for m, x in sorted(vmeds.items())},
        }
        if mk is None:
            entry["note"] = "no kernel figure"
        rows.append(entry)
    return rows


def goal_met(r):
    if not r["ratio"]:
        return "-"
    ok = r["ratio"] <= r["goal"] if r["better"] == "lower" else r["ratio"] >= r["goal"]
    return ("yes" if ok else "no") + f" ({'≤' if r['better'] == 'lower' else '≥'} {r['goal']:g})"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench/report.py RAW OUTDIR")
    raw, out = sys.argv[1:]
    samples, notes, meta = parse(raw)
    if meta.get("done") != "1":
        sys.exit("bench/report.py: the guest run did not finish; see " + raw)
    vfio_stop = next((t for be, t in notes if be == PEER and "stopped at" in t), None)
    results = []
    for name, title in ORDER:
        s = samples.get(name)
        if not s or "upci" not in s:
            continue
        u, p = s["upci"], s.get(PEER, [])
        mu = statistics.median(u)
        mp = statistics.median(p) if p else None
        entry = {
            "name": name, "unit": s["unit"], "upci": round(mu, 4), "peer": PEER,
            "peer_value": round(mp, 4) if mp is not None else None,
            "ratio": round(mu / mp, 4) if mp else None, "better": "lower",
            "title": title, "runs": len(u),
            "upci_spread": [round(min(u), 4), round(max(u), 4)],
            "peer_spread": [round(min(p), 4), round(max(p), 4)] if p else None,
        }
        if mp is None and name.startswith("map_at") and vfio_stop:
            entry["note"] = "VFIO type1 " + vfio_stop.replace("scale ", "")
        results.append(entry)
    nic = nic_rows(samples)
    results += nic
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "latest.json"), "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    shutil.copy(raw, os.path.join(out, "latest.raw.txt"))

    mem = meta.get("memory_mb", "?")
    lines = [
        f"# upci vs VFIO: libupci on each backend, same guest, same run",
        "",
        f"Guest: {meta.get('kernel', '?')}, TCG, 2 vCPUs, {mem} MiB usable memory,"
        f" {meta.get('hugepages', '?')} hugetlbfs 2 MiB pages. Median over the runs"
        " (spread: min-max). ratio = upci / VFIO; lower is better for every row.",
        "",
        "| measure | unit | upci | spread | VFIO | spread | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if r["peer"] != PEER:
            continue
        us = r["upci_spread"]
        ps = r["peer_spread"]
        lines.append(
            f"| {r['title']} | {r['unit']} | {fmt(r['upci'])} | {fmt(us[0])}-{fmt(us[1])} | "
            f"{fmt(r['peer_value']) if r['peer_value'] is not None else r.get('note', 'n/a')} | "
            f"{(fmt(ps[0]) + '-' + fmt(ps[1])) if ps else '-'} | "
            f"{fmt(r['ratio']) if r['ratio'] else '-'} |")
    if nic:
        spin = meta.get("spinning_vcpus", "?")
        iters = (meta.get("nic_iters", "? ?").split() + ["?", "?"])[:2]
        lines += [
            "",
            "# NIC: upci-msg on two igb (82576) VFs against the kernel's igbvf + UDP, and VFIO",
            "",
            "VF0 to VF1 across QEMU's igb switch, same guest, same run: "
            f"{meta.get('nic_rounds', '?')} rounds, each measuring kernel, upci and VFIO in turn"
            " (the host is shared; interleaving keeps its drifting load from favouring one), each"
            f" round trip row the median (or p99) of {iters[0]} round trips"
            f" ({iters[1]} at 65507 B) after a warm-up, the rate over {meta.get('nic_rate_seconds', '?')} s;"
            " the table gives the median over the rounds. kernel: both VFs on the"
            " guest kernel's igbvf, each netdev in its own network namespace, UDP sockets"
            " (a 64-byte rate counts the datagrams that arrived), interrupt throttling at its"
            " lowest (rx-usecs 0), blocking or busy-polling (SO_BUSY_POLL and non-blocking"
            " receives). upci and VFIO: upci-msg (the igbvf user-level driver and the messaging"
            " library: reliable, ordered, every message acknowledged) as the unprivileged user,"
            " both VFs bound to upci, then to vfio-pci, waiting by poll-irq (spin 200 us, then"
            " sleep on the MSI-X interrupt) or busy-poll (spin only). Each backend's figure is its"
            " better mode for the row (named in brackets; the other modes' medians in the last"
            f" column). Spinning vCPUs (of 2): {spin} in the busy-poll modes."
            " ratio = upci / peer; round trips: lower is better, goal ≤ 0.5× the kernel;"
            " message rate: higher is better, goal ≥ 2× the kernel; against VFIO: equal within noise.",
            "",
            "| measure | unit | upci | spread | kernel | spread | upci / kernel | goal met"
            " | VFIO | spread | upci / VFIO | other modes |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in nic:
            us, ks, vs = r["upci_spread"], r["peer_spread"], r["vfio_spread"]
            others = "; ".join(
                f"{who} {m} {fmt(x)}" for who, mk in (("upci", "upci"), ("kernel", "peer"), ("VFIO", "vfio"))
                for m, x in r[mk + "_modes"].items() if m != r[mk + "_mode"]) or "-"

            def val(key, mode):
                if r[key] is None:
                    return "-"
                return fmt(r[key]) + (f" ({r[mode]})" if r[mode] and r[mode] != "-" else "")

            def rng(sp):
                return f"{fmt(sp[0])}-{fmt(sp[1])}" if sp else "-"
            lines.append(
                f"| {r['title']} | {r['unit']} | {val('upci', 'upci_mode')} | {rng(us)} | "
                f"{val('peer_value', 'peer_mode')} | {rng(ks)} | "
                f"{fmt(r['ratio']) if r['ratio'] else '-'} | {goal_met(r)} | "
                f"{val('vfio_value', 'vfio_mode')} | {rng(vs)} | "
                f"{fmt(r['vfio_ratio']) if r['vfio_ratio'] else '-'} | {others} |")
    other = [f"- {be}: {t}" for be, t in merge_notes(notes)]
    if other:
        lines += ["", "Notes from the run:", ""] + other
    with open(os.path.join(out, "latest.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench/report.py: no matplotlib (python3-matplotlib): no plot", file=sys.stderr)
        return
    rows = [r for r in results if r["ratio"] and r["peer"] == PEER]
    nrows = [r for r in nic if r["ratio"] or r["vfio_ratio"]]
    if nrows:
        fig, (ax, nax) = plt.subplots(
            2, 1, figsize=(11, 0.5 * len(rows) + 0.8 * len(nrows) + 3),
            gridspec_kw={"height_ratios": [max(len(rows), 1), 1.6 * len(nrows)]})
    else:
        fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    names = [r["title"] for r in rows][::-1]
    ratios = [r["ratio"] for r in rows][::-1]
    colors = ["tab:green" if x < 1 else "tab:red" for x in ratios]
    ax.barh(names, ratios, color=colors)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("upci / VFIO (lower is better; < 1: upci faster)")
    ax.set_title(f"libupci on upci.ko vs VFIO type1, same guest ({mem} MiB)")
    for y, x in enumerate(ratios):
        ax.text(x, y, f" {x:.2f}", va="center")
    if vfio_stop:
        fig.text(0.01, 0.01, "VFIO " + vfio_stop.replace("scale ", "") +
                 ": no VFIO figure at 100 k and 1 M mappings", fontsize=8)
    if nrows:
        plot_nic(nax, nrows, meta)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(os.path.join(out, "latest.png"), dpi=100)


def plot_nic(ax, rows, meta):
    """Two bars per NIC row: upci / kernel and upci / VFIO (log scale)."""
    h = 0.38
    labels = []
    for i, r in enumerate(reversed(rows)):
        labels.append(r["title"].replace(" (65507 B, the largest UDP datagram)", " (65507 B)"))
        for off, key, peer in ((h / 2, "ratio", "kernel"), (-h / 2, "vfio_ratio", "VFIO")):
            x = r[key]
            if not x:
                continue
            good = x < 1 if r["better"] == "lower" else x > 1
            c = "tab:gray" if peer == "VFIO" else ("tab:green" if good else "tab:red")
            ax.barh(i + off, x, height=h, color=c)
            ax.text(x, i + off, f" {x:.2f} vs {peer}", va="center", fontsize=7)
        # the goal against the kernel
        ax.plot([r["goal"]] * 2, [i - 0.5, i + 0.5], color="tab:blue", linestyle=":", linewidth=1.5)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels)
    ax.axvline(1.0, color="black", linewidth=1)
    ax.set_xscale("log")
    ax.set_xlabel("upci / peer (round trips: lower is better; rate: higher is better)\n"
                  "dotted: the goal against the kernel (0.5x round trip, 2x rate)")
    ax.set_title("NIC: upci-msg on igb VFs vs the kernel's igbvf + UDP (green: upci better, red: worse)\n"
                 f"and vs the same driver over VFIO (grey); {meta.get('spinning_vcpus', '?')} of 2 vCPUs spin")


if __name__ == "__main__":
    main()
