"""Timing and resource measurement of child processes, and the statistics reported."""

import os
import statistics
import subprocess
import tempfile
import time


def run_measured(argv, env=None, timeout=30.0):
    """Runs argv once; returns (wall seconds, exit status, stdout text).

    Wall time is taken with perf_counter_ns around spawn and reap."""
    start = time.perf_counter_ns()
    child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL)
    out = b""
    deadline = time.monotonic() + timeout
    # Read stdout to its end (small outputs), then reap with wait4 for the rusage.
    while True:
        chunk = child.stdout.read(65536)
        if not chunk:
            break
        out += chunk
        if time.monotonic() > deadline:
            child.kill()
            break
    child.wait()
    elapsed = (time.perf_counter_ns() - start) / 1e9
    child.stdout.close()
    return elapsed, child.returncode, out.decode(errors="replace")


def run_group_measured(argvs, env=None):
    """Runs several commands one after the other (as a script would); returns (total wall
    seconds, the worst exit status)."""
    total, worst = 0.0, 0
    for argv in argvs:
        wall, code, _ = run_measured(argv, env=env)
        total += wall
        worst = worst or code
    return total, worst


GNU_TIME = "/usr/bin/time"


def peak_rss_kib(argv, env=None):
    """The peak resident memory (KiB) of one run of argv, as GNU time's %M reports it.

    Not wait4's ru_maxrss of a child of this Python process: Python starts children with
    vfork, and the kernel carries the parent's high-water mark over the exec into the child's
    ru_maxrss, so every child would seem to weigh at least as much as Python itself. GNU time
    forks from a small C process, whose own few hundred KiB are below what is measured."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        subprocess.run([GNU_TIME, "-f", "%M", "-o", out.name] + list(argv), env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=30)
        text = out.read().strip().splitlines()
    return int(text[-1]) if text and text[-1].isdigit() else None


def peak_rss_group_kib(argvs, env=None):
    """The largest peak resident memory of several commands run one after the other."""
    peaks = [peak_rss_kib(argv, env=env) for argv in argvs]
    return max(p for p in peaks if p is not None) if any(p is not None for p in peaks) else None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def quartiles(values):
    """(q1, median, q3) of values, or Nones when there are fewer than one."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None, None, None
    if len(values) < 4:
        return values[0], statistics.median(values), values[-1]
    q = statistics.quantiles(values, n=4)
    return q[0], q[1], q[2]


class ProcSampler:
    """Reads a process's resident memory and CPU time from /proc."""

    TICKS = os.sysconf("SC_CLK_TCK")

    def __init__(self, pid):
        self.pid = pid

    def rss_kib(self, field="VmRSS"):
        """Resident memory in KiB: VmRSS (all), RssAnon (private: heap, stacks) or RssFile
        (pages of the executable and libraries, shared with every process mapping them)."""
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return None

    def rollup_kib(self, field="Pss"):
        """A figure of /proc/PID/smaps_rollup in KiB: Pss (proportional set size: each
        resident page divided by the number of processes mapping it), Pss_Anon, Pss_File."""
        with open(f"/proc/{self.pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return None

    def cpu_seconds(self):
        """(own user+system seconds, reaped children's user+system seconds)."""
        with open(f"/proc/{self.pid}/stat") as stat:
            text = stat.read()
        fields = text[text.rindex(")") + 2:].split()
        # Fields after the name start at state (3rd field): utime is the 14th, so index 11.
        utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
        return (utime + stime) / self.TICKS, (cutime + cstime) / self.TICKS
