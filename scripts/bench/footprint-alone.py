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
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib.measure import ProcSampler, median  # noqa: E402

REFERENCE, NODE, PORT, HTTP = "127.0.4.1", "127.0.4.2", 11423, 19223


def owned_directory(path, user):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o750)
    os.chown(path, user.pw_uid, user.pw_gid)
    return path


def scrape(path):
    try:
        with urllib.request.urlopen(f"http://{NODE}:{HTTP}{path}", timeout=2) as answer:
            answer.read()
            return answer.status
    except OSError:
        return None


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
    user = pwd.getpwnam("_chrony")
    root = tempfile.mkdtemp(prefix="chronyvisor-footprint.")
    os.chmod(root, 0o755)
    processes = []
    try:
        ref = owned_directory(f"{root}/reference", user)
        with open(f"{ref}/chrony.conf", "w") as f:
            f.write(f"local stratum 1\nallow all\nbindaddress {REFERENCE}\nport {PORT}\ncmdport 0\n"
                    f"bindcmdaddress {ref}/chronyd.sock\npidfile {ref}/chronyd.pid\n")
        processes.append(subprocess.Popen([args.chronyd, "-d", "-x", "-u", user.pw_name, "-f", f"{ref}/chrony.conf"],
                                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        node = f"{root}/node"
        os.makedirs(f"{node}/conf.d")
        with open(f"{node}/conf.d/bind.conf", "w") as f:
            f.write(f"bindaddress {NODE}\n")
        env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "NTP_ROLE": "relay",
               "NTP_SERVERS": f"{REFERENCE}:{PORT}", "NTP_PORT": str(PORT), "CHRONYD_PATH": args.chronyd,
               "CHRONY_CONF": f"{node}/chrony.conf", "CHRONY_RUN_DIR": owned_directory(f"{node}/run", user),
               "CHRONY_STATE_DIR": owned_directory(f"{node}/state", user), "CHRONY_CONF_DIR": f"{node}/conf.d",
               "HEALTH_LISTEN": f"{NODE}:{HTTP}", "HEALTH_SERVED_TIME": NODE}
        log = open(f"{node}/chronyvisor.log", "wb")
        visor = subprocess.Popen([args.binary, "run"], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                 start_new_session=True)
        processes.append(visor)
        t0 = time.monotonic()
        while scrape("/readyz") != 200:
            if time.monotonic() - t0 > 120 or visor.poll() is not None:
                sys.exit(f"footprint-alone: the supervisor was not ready within 120 s (log {node}/chronyvisor.log)")
            time.sleep(0.5)
        ready = time.monotonic() - t0
        until = time.monotonic() + args.settle
        while time.monotonic() < until:
            scrape("/metrics")
            time.sleep(1)
        sampler = ProcSampler(visor.pid)
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
        print(f"One supervisor alone ({os.path.basename(args.binary)}, relay), ready after {ready:.1f} s; "
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
        for path, perms, rss, pss in largest_mappings(visor.pid):
            print(f"  {rss:6d} / {pss:6d}  {perms}  {path}")
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
