"""One supervisor alone: `chronyvisor run` as a relay (or gateway) of a local reference chronyd
(both with -x, on 127.0.4.1-2 port 11423), its HTTP endpoints on 127.0.4.2:19223. Used by
footprint-alone.py (what it weighs) and steady-state-functions.py (what code it runs).

Needs root (chronyd drops to _chrony). Every process it starts is stopped by pid when the
`with` block ends."""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

REFERENCE, NODE, PORT, HTTP = "127.0.4.1", "127.0.4.2", 11423, 19223


def owned_directory(path, user):
    os.makedirs(path, exist_ok=True)
    os.chmod(path, 0o750)
    os.chown(path, user.pw_uid, user.pw_gid)
    return path


def scrape(path, timeout=2):
    """The HTTP status of a GET of path on the supervisor, or None when it did not answer."""
    try:
        with urllib.request.urlopen(f"http://{NODE}:{HTTP}{path}", timeout=timeout) as answer:
            answer.read()
            return answer.status
    except OSError:
        return None


class AloneSupervisor:
    """`with AloneSupervisor(argv, chronyd) as alone:` starts the reference and `argv + ["run"]`
    (argv: the binary, or a wrapper such as valgrind and the binary), waits until /readyz
    answers 200 (alone.ready: seconds it took) and gives alone.pid; stops both at the end."""

    def __init__(self, argv, chronyd, ready_timeout=120, name="footprint-alone", role="relay"):
        self.argv, self.chronyd, self.ready_timeout, self.name = list(argv), chronyd, ready_timeout, name
        self.role = role
        self.processes, self.root, self.pid, self.ready = [], None, None, None

    def __enter__(self):
        user = pwd.getpwnam("_chrony")
        self.root = tempfile.mkdtemp(prefix="chronyvisor-alone.")
        os.chmod(self.root, 0o755)
        try:
            self._start(user)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self, user):
        ref = owned_directory(f"{self.root}/reference", user)
        with open(f"{ref}/chrony.conf", "w") as f:
            f.write(f"local stratum 1\nallow all\nbindaddress {REFERENCE}\nport {PORT}\ncmdport 0\n"
                    f"bindcmdaddress {ref}/chronyd.sock\npidfile {ref}/chronyd.pid\n")
        self.processes.append(subprocess.Popen([self.chronyd, "-d", "-x", "-u", user.pw_name, "-f", f"{ref}/chrony.conf"],
                                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))
        node = f"{self.root}/node"
        os.makedirs(f"{node}/conf.d")
        with open(f"{node}/conf.d/bind.conf", "w") as f:
            f.write(f"bindaddress {NODE}\n")
        env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"), "NTP_ROLE": self.role,
               "NTP_SERVERS": f"{REFERENCE}:{PORT}", "NTP_PORT": str(PORT), "CHRONYD_PATH": self.chronyd,
               "CHRONY_CONF": f"{node}/chrony.conf", "CHRONY_RUN_DIR": owned_directory(f"{node}/run", user),
               "CHRONY_STATE_DIR": owned_directory(f"{node}/state", user), "CHRONY_CONF_DIR": f"{node}/conf.d",
               "HEALTH_LISTEN": f"{NODE}:{HTTP}", "HEALTH_SERVED_TIME": NODE}
        self.log = f"{node}/chronyvisor.log"
        with open(self.log, "wb") as log:
            visor = subprocess.Popen(self.argv + ["run"], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True)
        self.processes.append(visor)
        self.pid = visor.pid
        t0 = time.monotonic()
        while scrape("/readyz") != 200:
            if time.monotonic() - t0 > self.ready_timeout or visor.poll() is not None:
                with open(self.log, errors="replace") as f:
                    tail = f.read()[-2000:]
                sys.exit(f"{self.name}: the supervisor was not ready within {self.ready_timeout} s; its log ends:\n{tail}")
            time.sleep(0.5)
        self.ready = time.monotonic() - t0

    def __exit__(self, *_):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self.root:
            shutil.rmtree(self.root, ignore_errors=True)
        return False
