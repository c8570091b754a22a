#!/usr/bin/env python3
"""The measurements of scripts/bench.sh: the loopback stand run with chronyvisor and with the
baseline (plain chronyd as the popular chrony images set it up), interleaved in one run on
one machine; medians, and ratios against the baseline measured in the same run.

Run it through scripts/bench.sh, which builds the release binaries first."""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import machine, report  # noqa: E402
from benchlib.interrupt import Interrupted, raise_on_signals  # noqa: E402
from benchlib.measure import (ProcSampler, median, peak_rss_group_kib, peak_rss_kib,  # noqa: E402
                              run_group_measured, run_measured)
from benchlib.stand import GATEWAY, HEALTH_PORT, PORT, NotifyListener, Stand, reference_node  # noqa: E402

MODES = ("baseline", "chronyvisor")


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def wait_until(predicate, timeout, every):
    """Calls predicate every `every` seconds until it returns a true value or `timeout`
    seconds passed; returns (value or None, perf_counter when it became true)."""
    deadline = time.perf_counter() + timeout
    while True:
        value = predicate()
        now = time.perf_counter()
        if value:
            return value, now
        if now > deadline:
            return None, now
        time.sleep(every)


class Bench:
    def __init__(self, args):
        self.args = args
        self.root = tempfile.mkdtemp(prefix="chronyvisor-bench.")
        os.chmod(self.root, 0o755)  # chronyd runs as _chrony below it
        self.notify = NotifyListener(os.path.join(self.root, "notify"))
        self.notify.open(["relay1", "relay2", "relay3", "gateway"])
        extra = {}
        self.stands = {mode: Stand(mode, self.root, args.binary, args.chronyd, args.chronyc, self.notify, extra)
                       for mode in MODES}
        self.reference_stand, self.reference = reference_node(self.root, args.chronyd, args.chronyc)
        self.results = {mode: {"cold": [], "relays": [], "ready": [], "recovery": []} for mode in MODES}

    # The stand ------------------------------------------------------------------------------

    def cold_start(self, stand):
        """Starts the relays and the gateway from nothing; returns the seconds until the
        gateway is synchronised, until each relay is, and until READY=1 (chronyvisor)."""
        self.notify.clear()
        t0 = time.perf_counter()
        stand.start()
        relay_synced = {}
        gateway_synced = None
        last_relay_look = 0.0
        while time.perf_counter() - t0 < self.args.sync_timeout:
            now = time.perf_counter()
            if now - last_relay_look >= 0.2:
                last_relay_look = now
                for relay in stand.relays:
                    if relay.name not in relay_synced:
                        state = relay.read()
                        if state and state.synchronised:
                            relay_synced[relay.name] = time.perf_counter() - t0
            state = stand.gateway.read()
            if state and state.synchronised:
                gateway_synced = time.perf_counter() - t0
                break
            time.sleep(0.05)
        ready = None
        if stand.mode == "chronyvisor" and gateway_synced is not None:
            at, _ = wait_until(lambda: self.notify.ready("gateway"), 10, 0.02)
            ready = at - t0 if at else None
        return gateway_synced, sorted(relay_synced.values()), ready

    def recovery(self, stand):
        """SIGKILLs the gateway's chronyd; seconds until a new chronyd is synchronised
        (chronyvisor restarts it; the baseline's runtime restart is simulated by starting
        chronyd again as soon as the old one is reaped)."""
        gateway = stand.gateway
        old = gateway.chronyd_pid()
        if old is None:
            return None
        t0 = time.perf_counter()
        os.kill(old, signal.SIGKILL)
        if stand.mode == "baseline":
            gateway.process.wait()
            gateway.start_chronyd()

        def synchronised_again():
            pid = gateway.chronyd_pid()
            if pid is None or pid == old:
                return False
            state = gateway.read()
            return state is not None and state.synchronised

        done, at = wait_until(synchronised_again, self.args.sync_timeout, 0.05)
        return at - t0 if done else None

    def failover(self, stand):
        """Stops the relay the gateway selected; seconds until the gateway selects another
        (and is synchronised)."""
        state = stand.gateway.read()
        if state is None or state.selected is None:
            return {"reselected": None, "from": None, "noticed": None}
        selected = state.selected
        relay = next(r for r in stand.relays if r.address == selected)
        t0 = time.perf_counter()
        relay.stop()

        def other_selected():
            s = stand.gateway.read()
            return s is not None and s.synchronised and s.selected != selected

        done, at = wait_until(other_selected, self.args.failover_timeout, 0.2)
        # The supervisor's state (sent as STATUS= to NOTIFY_SOCKET) turning `degraded`.
        noticed = self.notify.first_status("gateway", t0, "degraded") if stand.mode == "chronyvisor" else None
        return {"reselected": at - t0 if done else None, "from": selected,
                "noticed": noticed - t0 if noticed else None}

    # Steady state ---------------------------------------------------------------------------

    def footprint(self, stand):
        """Over the footprint window: the gateway's supervisor (chronyvisor mode) and chronyd,
        resident memory and CPU, while /metrics is scraped once a second (chronyvisor)."""
        gateway = stand.gateway
        chronyd = ProcSampler(gateway.chronyd_pid())
        visor = ProcSampler(gateway.process.pid) if stand.mode == "chronyvisor" else None
        url = f"http://{GATEWAY}:{HEALTH_PORT}/metrics"
        samples = {"visor_rss": [], "visor_anon": [], "visor_file": [], "visor_pss": [], "visor_pss_file": [],
                   "chronyd_rss": [], "scrape": [],
                   "scrape_bytes": 0, "scrape_failures": 0}
        # The steady state: the first polls and scrapes after the gateway synchronised run
        # once-only code (and `run` gives its pages back once more after them), so the window
        # starts after `--footprint-settle` seconds of the same scrapes.
        settle_until = time.perf_counter() + self.args.footprint_settle
        while visor and time.perf_counter() < settle_until:
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:
                    answer.read()
            except OSError:
                pass
            time.sleep(1)
        start_cpu = (visor.cpu_seconds() if visor else None, chronyd.cpu_seconds())
        t0 = time.perf_counter()
        tick = 0
        while True:
            tick += 1
            if visor:
                try:
                    s0 = time.perf_counter()
                    with urllib.request.urlopen(url, timeout=2) as answer:
                        samples["scrape_bytes"] = len(answer.read())
                    samples["scrape"].append(time.perf_counter() - s0)
                except OSError:
                    samples["scrape_failures"] += 1
                samples["visor_rss"].append(visor.rss_kib())
                samples["visor_anon"].append(visor.rss_kib("RssAnon"))
                samples["visor_file"].append(visor.rss_kib("RssFile"))
                samples["visor_pss"].append(visor.rollup_kib("Pss"))
                samples["visor_pss_file"].append(visor.rollup_kib("Pss_File"))
            samples["chronyd_rss"].append(chronyd.rss_kib())
            next_at = t0 + tick
            if next_at - t0 > self.args.footprint:
                break
            time.sleep(max(0.0, next_at - time.perf_counter()))
        elapsed = time.perf_counter() - t0
        out = {"seconds": elapsed, "chronyd_rss_median": median(samples["chronyd_rss"]),
               "chronyd_cpu": (chronyd.cpu_seconds()[0] - start_cpu[1][0]) / elapsed}
        if visor:
            own, children = visor.cpu_seconds()
            out.update({
                "visor_rss_median": median(samples["visor_rss"]), "visor_rss_max": max(samples["visor_rss"]),
                "visor_anon_median": median(samples["visor_anon"]), "visor_file_median": median(samples["visor_file"]),
                "visor_pss_median": median(samples["visor_pss"]), "visor_pss_max": max(samples["visor_pss"]),
                "visor_pss_file_median": median(samples["visor_pss_file"]),
                "visor_cpu": (own - start_cpu[0][0]) / elapsed,
                "visor_children_cpu": (children - start_cpu[0][1]) / elapsed,
                "scrapes": len(samples["scrape"]), "scrape_median": median(samples["scrape"]),
                "scrape_failures": samples["scrape_failures"], "scrape_bytes": samples["scrape_bytes"],
            })
        return out

    def accuracy(self, stand):
        """The gateway's own figures (median of 5 readings 1 s apart) and what a client sees:
        `chronyvisor probe` against the gateway."""
        readings = []
        for _ in range(5):
            state = stand.gateway.read()
            if state and state.tracking:
                readings.append(state)
            time.sleep(1)
        out = {}
        if readings:
            out["root_distance"] = median([r.root_distance for r in readings])
            out["last_offset"] = median([abs(r.last_offset) for r in readings])
            out["system_time"] = median([abs(r.system_time) for r in readings])
            out["rms_offset"] = median([r.rms_offset for r in readings])
            out["synchronised"] = all(r.synchronised for r in readings)
        probe = subprocess.run(
            [self.args.binary, "probe", GATEWAY, "--port", str(PORT), "--count", str(self.args.samples),
             "--interval", str(self.args.probe_interval), "--json"],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=self.args.samples * 3 + 30)
        offsets, delays = [], []
        for line in probe.stdout.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if item.get("type") == "sample":
                offsets.append(abs(item["offset"]))
                delays.append(item["delay"])
        out["probe_samples"] = len(offsets)
        out["probe_offset"] = median(offsets)
        out["probe_delay"] = median(delays)
        return out

    def command_costs(self, stand):
        """Wall time (median of interleaved runs) and peak memory of the health and status
        commands against the running gateway, next to the chronyc calls they replace."""
        gateway = stand.gateway
        env = gateway.visor_environment()
        chronyc = [self.args.chronyc, "-n", "-h", gateway.socket]
        if stand.mode == "chronyvisor":
            groups = {
                "health": [[self.args.binary, "health"]],
                "version": [[self.args.binary, "--version"]],
                "chronyc_tracking": [chronyc + ["tracking"]],
                "status": [[self.args.binary, "status"]],
                "chronyc_three": [chronyc + ["tracking"], chronyc + ["sources"], chronyc + ["sourcestats"]],
            }
        else:
            # No supervisor: `chronyvisor health` asks chronyd itself (one chronyc -c -m).
            groups = {
                "health_fallback": [[self.args.binary, "health"]],
                "chronyc_tracking": [chronyc + ["tracking"]],
            }
        for argvs in groups.values():  # warm the page cache
            run_group_measured(argvs, env=env)
        walls = {name: [] for name in groups}
        codes = {name: set() for name in groups}
        for _ in range(self.args.cost_runs):
            for name, argvs in groups.items():
                wall, code = run_group_measured(argvs, env=env)
                walls[name].append(wall)
                codes[name].add(code)
        out = {}
        for name, argvs in groups.items():
            peaks = [peak_rss_group_kib(argvs, env=env) for _ in range(5)]
            out[name] = {"wall": median(walls[name]), "peak_kib": median(peaks), "codes": sorted(codes[name])}
        return out

    def steady(self, mode):
        """A fresh cold start kept running: footprint, accuracy, command costs, failover."""
        stand = self.stands[mode]
        log(f"{mode}: steady-state stand (cold start, {self.args.footprint:.0f} s window, probe, costs, failover)")
        synced, _, _ = self.cold_start(stand)
        if synced is None:
            log(f"{mode}: the gateway did not synchronise within {self.args.sync_timeout} s")
        out = {"cold_start": synced}
        out["footprint"] = self.footprint(stand)
        out["accuracy"] = self.accuracy(stand)
        out["costs"] = self.command_costs(stand)
        out["relay_conf"] = stand.relays[0].server_line()
        out["gateway_conf"] = stand.gateway.server_line()
        out["failover"] = self.failover(stand)
        stand.stop()
        return out

    # The run --------------------------------------------------------------------------------

    def run(self):
        started = time.perf_counter()
        self.reference.reset()
        self.reference.start()
        if not wait_until(lambda: (s := self.reference.read()) and s.tracking[13] == "Normal", 10, 0.05)[0]:
            raise RuntimeError("the local reference did not come up (log under " + self.reference.dir + ")")
        # Cold starts and recoveries, the two modes interleaved so both see the same noise.
        for i in range(self.args.starts):
            for mode in MODES:
                stand = self.stands[mode]
                synced, relays, ready = self.cold_start(stand)
                recovery = None
                if synced is not None:
                    time.sleep(self.args.settle)
                    recovery = self.recovery(stand)
                stand.stop()
                r = self.results[mode]
                r["cold"].append(synced)
                r["relays"].append(relays)
                r["ready"].append(ready)
                r["recovery"].append(recovery)
                log(f"{mode} start {i + 1}/{self.args.starts}: gateway synchronised {fmt(synced)} s, "
                    f"relays {', '.join(fmt(x) for x in relays)} s, READY=1 {fmt(ready)} s, "
                    f"recovery {fmt(recovery)} s")
        for mode in MODES:
            self.results[mode]["steady"] = self.steady(mode)
        self.reference.stop()
        self.results["parse"] = self.parse_throughput()
        self.results["elapsed"] = time.perf_counter() - started
        return self.results

    def parse_throughput(self):
        if not self.args.parse_bench:
            return None
        log("parse throughput (chronyvisor-parse-bench)")
        result = subprocess.run([self.args.parse_bench], capture_output=True, text=True, timeout=300)
        return result.stdout

    def cleanup(self):
        for stand in self.stands.values():
            try:
                stand.stop()
            except Exception as error:  # keep cleaning up the others
                log(f"cleanup of {stand.mode}: {error}")
        self.reference.stop()
        for process in self.reference_stand.processes + [p for s in self.stands.values() for p in s.processes]:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.notify.close()
        if not self.args.keep:
            subprocess.run(["rm", "-rf", self.root])
        else:
            log(f"kept {self.root}")


def fmt(value, digits=1):
    return "–" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True, help="the release chronyvisor binary")
    parser.add_argument("--stripped", help="a stripped copy of it (for the size)")
    parser.add_argument("--parse-bench", help="the release chronyvisor-parse-bench binary")
    parser.add_argument("--chronyd", default=shutil.which("chronyd") or "/usr/sbin/chronyd")
    parser.add_argument("--chronyc", default=shutil.which("chronyc") or "/usr/bin/chronyc")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--settle", type=float, default=2.0, help="seconds between sync and the recovery kill")
    parser.add_argument("--samples", type=int, default=30, help="probe samples")
    parser.add_argument("--probe-interval", type=float, default=0.2)
    parser.add_argument("--cost-runs", type=int, default=50)
    parser.add_argument("--footprint", type=float, default=60.0)
    parser.add_argument("--footprint-settle", type=float, default=30.0,
                        help="seconds of scrapes after the gateway synchronised before the footprint window")
    parser.add_argument("--sync-timeout", type=float, default=60.0)
    parser.add_argument("--failover-timeout", type=float, default=100.0)
    parser.add_argument("--command", default="scripts/bench.sh")
    parser.add_argument("--build-seconds", type=float)
    parser.add_argument("--out", help="markdown file to update (between the bench markers)")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    for path in (args.chronyd, args.chronyc, args.binary):
        if not os.access(path, os.X_OK):
            sys.exit(f"bench: {path} is not an executable")
    # What the image ships and runs is the stripped binary: measure that one.
    args.unstripped = args.binary
    if args.stripped:
        args.binary = args.stripped

    raise_on_signals()
    described = machine.describe(args)
    bench = Bench(args)
    try:
        results = bench.run()
    except Interrupted as why:
        log(f"interrupted ({why}); cleaning up")
        bench.cleanup()
        sys.exit(130)
    except BaseException:
        bench.cleanup()
        raise
    bench.cleanup()
    described["load_after"] = machine.load_average()
    results["sizes"] = machine.sizes(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": described, "results": results}, f, indent=1, default=str)
    text = report.render(described, results, args)
    print(text)
    if args.out:
        report.update_file(args.out, text)
        log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
