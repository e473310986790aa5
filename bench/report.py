#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench/report.py RAW OUTDIR: turn upci-bench's samples into results.

RAW holds the guest's output for `make bench` (tests/guest/bench.sh): lines
"sample BACKEND NAME UNIT VALUE", "note BACKEND NAME TEXT" and
"meta KEY VALUE".  Writes OUTDIR/latest.json (a list of {"name", "unit",
"upci", "peer", "peer_value", "ratio", "better"} plus spreads and notes),
OUTDIR/latest.md (a table) and OUTDIR/latest.png (the ratios), and copies
RAW to OUTDIR/latest.raw.txt.  Every figure is the median over the runs of
one guest boot; the spread is the min-max range over those runs.
"""
import json
import os
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


def parse(path):
    samples, notes, meta = {}, [], {}
    with open(path, errors="replace") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 5 and parts[0] == "sample":
                _, be, name, unit, val = parts[:5]
                samples.setdefault(name, {"unit": unit}).setdefault(be, []).append(float(val))
            elif len(parts) >= 3 and parts[0] == "note":
                notes.append((parts[1], " ".join(parts[2:])))
            elif len(parts) >= 3 and parts[0] == "meta":
                meta[parts[1]] = " ".join(parts[2:])
    return samples, notes, meta


def fmt(v):
    if v is None:
        return "-"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


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
        us = r["upci_spread"]
        ps = r["peer_spread"]
        lines.append(
            f"| {r['title']} | {r['unit']} | {fmt(r['upci'])} | {fmt(us[0])}-{fmt(us[1])} | "
            f"{fmt(r['peer_value']) if r['peer_value'] is not None else r.get('note', 'n/a')} | "
            f"{(fmt(ps[0]) + '-' + fmt(ps[1])) if ps else '-'} | "
            f"{fmt(r['ratio']) if r['ratio'] else '-'} |")
    other = [f"- {be}: {t}" for be, t in notes]
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
    rows = [r for r in results if r["ratio"]]
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
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    fig.savefig(os.path.join(out, "latest.png"), dpi=100)


if __name__ == "__main__":
    main()
