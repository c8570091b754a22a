#!/usr/bin/env python3
"""Measures the programs scripts/bench/deps.sh built: size unstripped / stripped, start-up
wall time and peak memory (medians of --runs runs); prints a markdown table."""

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib.measure import median, peak_rss_kib, run_measured  # noqa: E402

LABELS = {
    "bare": "Swift runtime only (`print`)",
    "argumentparser": "+ ArgumentParser",
    "logging": "+ Logging",
    "nio-http": "+ NIOPosix + NIOHTTP1 (bind an HTTP server)",
    "prometheus": "+ Prometheus (swift-metrics)",
    "foundation-essentials": "+ FoundationEssentials (JSONEncoder, Date)",
    "foundation": "+ Foundation (JSONEncoder, ProcessInfo, FileManager)",
    "configuration": "+ Configuration (no traits)",
    "mustache": "+ Mustache (swift-mustache; no longer linked)",
    "all": "what chronyvisor links (all but Foundation and Mustache), together",
    "all-but-configuration": "the same without Configuration",
    "all-but-prometheus": "the same without Prometheus",
}


def mib(size):
    return f"{size / 1e6:.1f} MB"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--program", action="append", default=[], help="NAME=PATH")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--swift", default="")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for spec in args.program:
            name, path = spec.split("=", 1)
            stripped = os.path.join(tmp, os.path.basename(path) + ".stripped")
            subprocess.run(["strip", "-o", stripped, path], check=True)
            argv = [path, "--version"] if name.startswith("chronyvisor") else [path]
            run_measured(argv)  # warm the page cache
            walls, peaks = [], []
            for _ in range(args.runs):
                wall, code, _ = run_measured(argv)
                if code != 0:
                    sys.exit(f"deps: {name} exited {code}")
                walls.append(wall)
            peaks = [peak_rss_kib(argv) for _ in range(5)]
            rows.append((LABELS.get(name, name), os.path.getsize(path), os.path.getsize(stripped),
                         median(walls), median(peaks)))
            print(f"deps: {name} measured", file=sys.stderr)
    base = rows[0][2] if rows else 0
    print(f"Built with {args.swift}, `-c release --static-swift-stdlib`; "
          f"start: median wall time of {args.runs} runs; peak memory: median of 5 runs under GNU time (%M).\n")
    print("| program | binary | stripped | stripped − runtime-only | start (wall) | peak memory |")
    print("|---|---|---|---|---|---|")
    for label, size, stripped, wall, peak in rows:
        print(f"| {label} | {mib(size)} | {mib(stripped)} | {(stripped - base) / 1e6:+.1f} MB "
              f"| {wall * 1000:.1f} ms | {peak / 1024:.1f} MiB |")


if __name__ == "__main__":
    main()
