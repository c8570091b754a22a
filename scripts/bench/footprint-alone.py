#!/usr/bin/env python3
"""One supervisor alone in its steady state: `chronyvisor run` as a relay of a local reference
(both chronyd with -x, on 127.0.4.1-2 port 11423), /metrics scraped once a second; after
--settle seconds of that, --seconds of samples of resident memory (VmRSS, RssAnon, RssFile)
and proportional set size (smaps_rollup Pss, Pss_File), and the largest mappings at the end.

The footprint section of scripts/bench.sh measures the stand's gateway, whose binary three
other supervisors map too; this measures the same binary with nobody else mapping it (what a
systemd unit or a single container runs). Needs root (chronyd drops to _chrony) and the
binary as the image ships it:

    python3 scripts/bench/footprint-alone.py .build-release/stripped/chronyvisor

Every process it starts is stopped by pid at the end."""

import argparse
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib.alone import AloneSupervisor, scrape  # noqa: E402
from benchlib.measure import ProcSampler, median  # noqa: E402


def largest_mappings(pid, count=8):
    rows, current = [], None
    with open(f"/proc/{pid}/smaps") as smaps:
        for line in smaps:
            fields = line.split()
            if not fields[0].endswith(":"):
                current = [" ".join(fields[5:]) or "[anonymous]", fields[1], 0, 0]
                rows.append(current)
            elif fields[0] == "Rss:":
                current[2] = int(fields[1])
            elif fields[0] == "Pss:":
                current[3] = int(fields[1])
    return sorted(rows, key=lambda r: -r[2])[:count]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--chronyd", default=shutil.which("chronyd") or "/usr/sbin/chronyd")
    parser.add_argument("--settle", type=float, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    with AloneSupervisor([args.binary], args.chronyd) as alone:
        until = time.monotonic() + args.settle
        while time.monotonic() < until:
            scrape("/metrics")
            time.sleep(1)
        sampler = ProcSampler(alone.pid)
        samples = {k: [] for k in ("VmRSS", "RssAnon", "RssFile", "Pss", "Pss_File")}
        t1, tick = time.monotonic(), 0
        while time.monotonic() - t1 < args.seconds:
            tick += 1
            scrape("/metrics")
            for k in ("VmRSS", "RssAnon", "RssFile"):
                samples[k].append(sampler.rss_kib(k))
            for k in ("Pss", "Pss_File"):
                samples[k].append(sampler.rollup_kib(k))
            time.sleep(max(0.0, t1 + tick - time.monotonic()))
        print(f"One supervisor alone ({os.path.basename(args.binary)}, relay), ready after {alone.ready:.1f} s; "
              f"{args.settle:.0f} s settle, then {len(samples['Pss'])} samples a second apart, "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average {os.getloadavg()[0]:.2f}:")
        print()
        print("| | median | largest |")
        print("|---|---|---|")
        names = {"VmRSS": "resident (VmRSS)", "RssAnon": "its own (RssAnon)", "RssFile": "file pages (RssFile)",
                 "Pss": "proportional set size (Pss)", "Pss_File": "of which file pages (Pss_File)"}
        for k, name in names.items():
            print(f"| {name} | {median(samples[k]) / 1024:.1f} MiB | {max(samples[k]) / 1024:.1f} MiB |")
        print()
        print("Largest mappings at the end (Rss / Pss KiB):")
        for path, perms, rss, pss in largest_mappings(alone.pid):
            print(f"  {rss:6d} / {pss:6d}  {perms}  {path}")


if __name__ == "__main__":
    main()
