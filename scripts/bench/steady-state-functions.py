#!/usr/bin/env python3
"""The functions a supervisor runs in its steady state, as a linker section-ordering file.

Runs one supervisor alone (benchlib/alone.py: a relay, then a gateway, of a local reference
chronyd, both -x) under valgrind's callgrind; after --settle seconds of /metrics scraped once
a second it zeroes callgrind's counters, scrapes once a second for --seconds more, and takes
the functions of the binary that ran in that window: what a poll every 2 s and a scrape a
second run, and nothing of start-up. The window opens before the supervisor gives its pages
back the second time (SteadyStatePages, 20 s after it is ready), so that the code of that
release, which faults its own pages back in, is counted too. Each function is written as
gold's input section name `.text.SYMBOL` (what -function-sections names a function's
section), sorted, one a line, after one pattern, `.text..L*`: the sections of functions
without a symbol (Swift's small unnamed thunks and closure destructors, 55 KB in all), which
no profile can name and some of which every poll runs. scripts/build-release.sh links them
next to each other, so that the few pages the steady state runs are not spread over the
whole binary (docs/benchmarks.md, resident memory).

    python3 scripts/bench/steady-state-functions.py BINARY OUTPUT

BINARY is an unstripped release build (symbol names); valgrind 3.19 cannot read clang's
DWARF 5, so it is run on a copy without debug sections. Needs root (chronyd drops to
_chrony), valgrind and callgrind_control. scripts/gen-order-file.sh builds and runs it.
Every process it starts is stopped by pid at the end."""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib.alone import AloneSupervisor, scrape  # noqa: E402


def scrape_for(seconds):
    start, tick = time.monotonic(), 0
    while time.monotonic() - start < seconds:
        tick += 1
        scrape("/metrics", timeout=5)
        time.sleep(max(0.0, start + tick - time.monotonic()))


def functions_with_cost(dump, binary):
    """Names of the functions of `binary` with a self cost in a callgrind dump (name
    compression resolved; recursion-level suffixes such as 'swift_task_switch'2' dropped)."""
    names, objects, ran = {}, {}, set()

    def resolve(table, text):
        found = re.match(r"\((\d+)\)(?: (.*))?$", text)
        if not found:
            return text
        if found.group(2) is not None:
            table[found.group(1)] = found.group(2)
        return table.get(found.group(1))

    obj = function = None
    after_call = False
    with open(dump, errors="replace") as lines:
        for line in lines:
            line = line.rstrip("\n")
            key, _, value = line.partition("=")
            if key == "ob":
                obj = resolve(objects, value)
            elif key == "fn":
                function = (obj, resolve(names, value))
            elif key == "cob":
                resolve(objects, value)
            elif key == "cfn":
                resolve(names, value)
            elif key == "calls":
                after_call = True
                continue
            elif line[:1].isdigit() or line[:1] in "+-*":
                # A cost line: position, then Ir. The one after `calls=` is the callee's cost.
                fields = line.split()
                if not after_call and function and function[0] == binary and len(fields) > 1 and fields[1] != "0":
                    ran.add(re.sub(r"'\d+$", "", function[1]))
            after_call = False
    return {name for name in ran if name and not name.startswith(("0x", "(below main)"))}


def run_one(role, binary, chronyd, settle, seconds, work):
    out = os.path.join(work, f"callgrind.{role}")
    argv = ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}.%p", binary]
    with AloneSupervisor(argv, chronyd, ready_timeout=600, name="steady-state-functions", role=role) as alone:
        print(f"steady-state-functions: {role} ready after {alone.ready:.0f} s under callgrind; "
              f"{settle:.0f} s settle, then {seconds:.0f} s counted", file=sys.stderr)
        scrape_for(settle)
        subprocess.run(["callgrind_control", "-z", str(alone.pid)], check=True, stdout=subprocess.DEVNULL)
        scrape_for(seconds)
        subprocess.run(["callgrind_control", "-d", "steady", str(alone.pid)], check=True, stdout=subprocess.DEVNULL)
        dumps = [f for f in os.listdir(work) if f.startswith(f"callgrind.{role}.{alone.pid}.")]
        if not dumps:
            sys.exit(f"steady-state-functions: callgrind wrote no dump for the {role} in {work}")
        return functions_with_cost(os.path.join(work, sorted(dumps)[-1]), binary)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary", help="unstripped release build of chronyvisor")
    parser.add_argument("output", help="the section-ordering file to write")
    parser.add_argument("--chronyd", default=shutil.which("chronyd") or "/usr/sbin/chronyd")
    parser.add_argument("--settle", type=float, default=12,
                        help="seconds after readiness before counting (the second release comes at 20 s)")
    parser.add_argument("--seconds", type=float, default=90)
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "objcopy"):
        if not shutil.which(tool):
            sys.exit(f"steady-state-functions: {tool} is missing (Debian: apt-get install valgrind binutils)")
    work = tempfile.mkdtemp(prefix="chronyvisor-functions.")
    os.chmod(work, 0o755)
    try:
        binary = os.path.join(work, "chronyvisor")
        subprocess.run(["objcopy", "--strip-debug", args.binary, binary], check=True)
        ran = set()
        for role in ("relay", "gateway"):
            ran |= run_one(role, binary, args.chronyd, args.settle, args.seconds, work)
        if len(ran) < 100:
            sys.exit(f"steady-state-functions: only {len(ran)} functions ran; is {args.binary} unstripped?")
        partial = args.output + ".partial"
        with open(partial, "w") as f:
            f.write(".text..L*\n")
            f.writelines(f".text.{name}\n" for name in sorted(ran))
        os.replace(partial, args.output)
        print(f"steady-state-functions: {len(ran)} functions written to {args.output}", file=sys.stderr)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
