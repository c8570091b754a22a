"""What machine and what build the figures come from, and the sizes of what is shipped."""

import datetime
import json
import os
import platform
import shutil
import subprocess


def _output(argv, timeout=15):
    try:
        result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def describe(args):
    model = None
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = None
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    chrony = _output([args.chronyd, "-v"]) or ""
    commit = _output(["git", "log", "-1", "--format=%h %s"])
    dirty = _output(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "model": model,
        "memory": memory,
        "kernel": platform.release(),
        "os": _os_name(),
        "chrony": " ".join(chrony.split()[:4]),
        "swift": (_output(["swift", "--version"]) or "").splitlines()[0] if shutil.which("swift") else None,
        "python": platform.python_version(),
        "commit": commit + (" (with uncommitted changes)" if dirty else "") if commit else None,
        "load_before": load_average(),
    }


def _os_name():
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return None


def _image(engine, name):
    """(size in bytes, created, revision label) of an image, or None."""
    if not shutil.which(engine):
        return None
    text = _output([engine, "image", "inspect", name])
    if not text:
        return None
    try:
        info = json.loads(text)
    except ValueError:
        return None
    if isinstance(info, list):
        if not info:
            return None
        info = info[0]
    labels = (info.get("Config") or {}).get("Labels") or info.get("Labels") or {}
    return {"engine": engine, "name": name, "size": info.get("Size"), "created": str(info.get("Created", ""))[:19],
            "revision": (labels.get("org.opencontainers.image.revision") or "")[:7]}


def sizes(args):
    out = {"binary": os.path.getsize(args.unstripped)}
    if args.stripped and os.path.exists(args.stripped):
        out["stripped"] = os.path.getsize(args.stripped)
    package = _output(["dpkg-query", "-W", "-f=${Installed-Size} ${Version}", "chrony"])
    if package:
        installed, version = package.split(" ", 1)
        out["chrony_installed"] = int(installed) * 1024
        out["chrony_version"] = version
        show = _output(["apt-cache", "show", f"chrony={version}"]) or ""
        for line in show.splitlines():
            if line.startswith("Size:"):
                out["chrony_deb"] = int(line.split()[1])
                break
    # The image, when a container engine holds one (the benchmark itself needs none). It is
    # built on no base image (the Dockerfile's last stage starts from scratch).
    for engine in ("podman", "docker"):
        image = _image(engine, "chronyvisor:latest") or _image(engine, "localhost/chronyvisor:latest")
        if image:
            out["image"] = image
            break
    return out
