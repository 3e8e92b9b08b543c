"""bench-results.png: the figures of `make bench` (tools/bench.py) on one page.

Four panels: slot engine vs the brute-force reference, DynamoDB calls per request of every sample
event (Scans in red: there must be none), cold import of every function as a multiple of
`import boto3` (goal line at 1.5×), and scale (p50 at ~100 and ~100,000 bookings, ratio goal 1.2)
with throughput at 1 and 20 clients, on DynamoDB Local. Layer sizes and
the commit go in the title. Matplotlib's Agg backend: no display needed.

    python -m tools.bench_chart [bench-results.json [bench-results.png]]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def render(report: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(18, 14), gridspec_kw={"height_ratios": [1, 1.6]})
    _slot_engine(axes[0][0], report.get("slot_engine", {}))
    _scale(axes[0][1], report.get("scale", {}), report.get("throughput_rps", {}))
    _dynamodb(axes[1][0], report.get("dynamodb_calls", {}))
    _cold_import(axes[1][1], report.get("cold_import", {}))
    layers = report.get("layer_sizes_mb", {})
    sizes = ", ".join(f"{name} {mb} MB" for name, mb in layers.items() if isinstance(mb, (int, float)))
    fig.suptitle(f"make bench — commit {str(report.get('commit', '?'))[:10]} — layers (unzipped, goal well under "
                 f"250 MB): {sizes or 'not built (make build)'}", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path, dpi=90)
    plt.close(fig)


def _missing(ax: Any, title: str, section: dict[str, Any]) -> bool:
    if section and "error" not in section and "skipped" not in section:
        return False
    ax.set_title(title)
    why = (section.get("error") or section.get("skipped") or "no data") if section else "no data"
    ax.text(0.5, 0.5, f"not measured: {why}"[:120],
            ha="center", va="center", wrap=True)
    ax.set_axis_off()
    return True


def _slot_engine(ax: Any, section: dict[str, Any]) -> None:
    title = "Slot engine vs brute-force reference (ms, log scale)"
    if _missing(ax, title, section):
        return
    labels = ["engine", "reference"] + (["peer"] if section.get("peer_ms") is not None else [])
    values = [section.get("median_ms", 0), section.get("reference_median_ms", 0)] + (
        [section["peer_ms"]] if section.get("peer_ms") is not None else [])
    bars = ax.bar(labels, values, color=["tab:green", "tab:gray", "tab:blue"][: len(values)])
    ax.set_yscale("log")
    ax.bar_label(bars, fmt="%.1f")
    ax.set_title(f"{title}: {section.get('speedup_vs_reference', '?')}× faster")


def _dynamodb(ax: Any, section: dict[str, Any]) -> None:
    title = "DynamoDB calls per request (warm), by sample event"
    if _missing(ax, title, section):
        return
    labels = list(section)
    calls = [section[label].get("calls", 0) for label in labels]
    scans = [section[label].get("scans", 0) for label in labels]
    positions = range(len(labels))
    ax.barh(positions, calls, color="tab:blue", label="calls")
    ax.barh(positions, scans, color="tab:red", label="Scans (must be 0)")
    for y, value in zip(positions, calls, strict=True):
        ax.text(value + 0.1, y, str(value), va="center", fontsize=7)
    ax.set_yticks(list(positions), [_short(label) for label in labels], fontsize=7)
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    ax.set_title(f"{title}\nScans: {sum(scans)}", fontsize=10)


def _cold_import(ax: Any, section: dict[str, Any]) -> None:
    title = "Cold import per function ÷ import boto3"
    if _missing(ax, title, section):
        return
    functions = section.get("functions", {})
    goal = section.get("goal_ratio", 1.5)
    names = list(functions)
    ratios = [functions[n]["ratio_to_boto3"] for n in names]
    colours = ["tab:red" if r > goal else "tab:green" for r in ratios]
    positions = range(len(names))
    ax.barh(positions, ratios, color=colours)
    ax.axvline(goal, color="black", linestyle="--", label=f"goal ≤ {goal}×")
    ax.set_yticks(list(positions), names, fontsize=7)
    ax.invert_yaxis()
    ax.legend(loc="lower right")
    ax.set_title(f"{title} ({section.get('boto3_ms', '?')} ms)\n{section.get('within_goal', '?')}/{len(names)} "
                 "within goal (red: over; bench-results.json names the heavy imports)", fontsize=10)


def _scale(ax: Any, section: dict[str, Any], throughput: dict[str, Any]) -> None:
    title = "Scale on DynamoDB Local: p50 (ms) at ~100 vs ~100,000 bookings"
    if "p50_ms" not in section:
        ax.set_title(title)
        ax.text(0.5, 0.5, str(section.get("note") or section.get("error") or "no data")[:120], ha="center",
                va="center", wrap=True)
        ax.set_axis_off()
        return
    names = list(section["p50_ms"])
    width = 0.4
    for i, size in enumerate(("small", "large")):
        values = [section["p50_ms"][n][size] for n in names]
        bars = ax.bar([x + (i - 0.5) * width for x in range(len(names))], values, width,
                      label=f"{section.get(size + '_bookings', size)} bookings")
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(names)), [f"{n}\n×{section['p50_ms'][n]['ratio']}" for n in names], fontsize=7)
    ax.legend()
    rps = ", ".join(f"{label.split()[0]} {label.split()[1].rsplit('/', 1)[-1]}: {v['c1']}→{v['c20']}"
                    for label, v in throughput.items() if isinstance(v, dict))
    ax.set_title(f"{title}\nmax ratio {section.get('max_ratio')} (goal ≤ {section.get('goal_ratio', 1.2)}); "
                 f"req/s 1→20 clients: {rps}", fontsize=9)


def _short(label: str, width: int = 60) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else ROOT / "bench-results.json"
    target = Path(argv[2]) if len(argv) > 2 else ROOT / "bench-results.png"
    render(json.loads(source.read_text()), target)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
