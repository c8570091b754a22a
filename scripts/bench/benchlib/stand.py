"""The loopback stand of the benchmark: a local reference, three relays and a gateway, each
a real chronyd with -x on its own 127.0.1.x address and port 11123.

Two ways to run the relays and the gateway:
- "chronyvisor": `chronyvisor run` per node with its generated config and supervision; the
  node's bind address comes from a drop-in file in CHRONY_CONF_DIR (`bindaddress ADDR`),
  READY=1 arrives on a Unix datagram socket given as NOTIFY_SOCKET.
- "baseline": what the popular chrony images do: a startup script writes `server HOST iburst`
  per source and `allow all` (plus the stand's bind address, port and command socket), and
  chronyd runs as `chronyd -d -x -u _chrony`; the container runtime's restart is simulated
  by starting chronyd again as soon as it died.

The reference (`local stratum 1`, plain chronyd) stands for the public servers: started once,
shared by both modes. Every process is started with -x and killed by pid at the end."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import threading
import time

PORT = 11123
REFERENCE = "127.0.1.1"
RELAYS = ["127.0.1.11", "127.0.1.12", "127.0.1.13"]
GATEWAY = "127.0.1.20"
HEALTH_PORT = 19123


def chrony_user():
    """The account chronyd drops root to (Debian `_chrony`, Alpine `chrony`)."""
    for name in ("_chrony", "chrony"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            pass
    return None


class ChronydState:
    """One reading of a chronyd through `chronyc -c -m tracking sources`."""

    def __init__(self, csv_text):
        lines = [line.split(",") for line in csv_text.splitlines() if line]
        self.tracking = lines[0] if lines and len(lines[0]) >= 14 else None
        self.sources = [fields for fields in lines[1:] if len(fields) >= 10]

    @property
    def selected(self):
        """Address of the selected source (`*`), or None."""
        for fields in self.sources:
            if fields[1] == "*":
                return fields[2]
        return None

    @property
    def synchronised(self):
        """A selected source and leap status Normal."""
        return self.tracking is not None and self.tracking[13] == "Normal" and self.selected is not None

    @property
    def last_offset(self):
        return float(self.tracking[5])

    @property
    def rms_offset(self):
        return float(self.tracking[6])

    @property
    def system_time(self):
        return float(self.tracking[4])

    @property
    def root_distance(self):
        """Root delay / 2 + root dispersion, seconds."""
        return float(self.tracking[10]) / 2 + float(self.tracking[11])


class Node:
    """A relay, the gateway or the reference: its directory, address and chronyd."""

    def __init__(self, stand, name, role, address, servers):
        self.stand = stand
        self.name = name
        self.role = role
        self.address = address
        self.servers = servers
        self.dir = os.path.join(stand.root, stand.mode, name)
        self.run_dir = os.path.join(self.dir, "run")
        self.state_dir = os.path.join(self.dir, "state")
        self.socket = os.path.join(self.run_dir, "chronyd.sock")
        self.pid_file = os.path.join(self.run_dir, "chronyd.pid")
        self.process = None
        self.starts = 0

    def log_file(self):
        return open(os.path.join(self.dir, f"log.{self.starts}"), "wb")

    def reset(self):
        """A fresh container: no drift file, no state."""
        if os.path.isdir(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir, mode=0o755)
        os.chmod(self.dir, 0o755)

    def read(self, timeout=2.0):
        """The chronyd's state, or None while it does not answer."""
        try:
            result = subprocess.run(
                [self.stand.chronyc, "-n", "-c", "-m", "-h", self.socket, "tracking", "sources"],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        if result.returncode != 0:
            return None
        state = ChronydState(result.stdout.decode(errors="replace"))
        return state if state.tracking else None

    def chronyd_pid(self):
        """The pid in chronyd's pid file while that process is a live chronyd, else None."""
        try:
            with open(self.pid_file) as f:
                pid = int(f.read().strip())
            with open(f"/proc/{pid}/comm") as f:
                if f.read().strip() != "chronyd":
                    return None
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return None
            return pid
        except (OSError, ValueError):
            return None

    def server_line(self):
        """The first `server` line of the config this node's chronyd was started with."""
        try:
            with open(os.path.join(self.dir, "chrony.conf")) as f:
                for line in f:
                    if line.startswith("server "):
                        return line.strip()
        except OSError:
            pass
        return None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self, grace=10.0):
        """SIGTERM (chronyvisor stops its chronyd), SIGKILL after `grace`; then any chronyd
        of this node still running (by its pid file) is killed."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        pid = self.chronyd_pid()
        if pid is not None:
            os.kill(pid, signal.SIGKILL)
            deadline = time.monotonic() + 5
            while self.chronyd_pid() == pid and time.monotonic() < deadline:
                time.sleep(0.02)

    def baseline_config(self):
        if self.role == "reference":
            sources = ["local stratum 1"]
        else:
            sources = [f"server {host} port {PORT} iburst" for host in self.servers]
        # As cturra/docker-ntp's startup.sh: the sources with iburst, allow all, a drift file,
        # makestep (inert with -x). The stand's own lines: address, port, command socket.
        return "\n".join(sources + [
            "allow all",
            "driftfile " + os.path.join(self.state_dir, "chrony.drift"),
            "makestep 0.1 3",
            f"bindaddress {self.address}",
            f"port {PORT}",
            "cmdport 0",
            "bindcmdaddress " + self.socket,
            "pidfile " + self.pid_file,
        ]) + "\n"

    def start_chronyd(self):
        """Starts plain `chronyd -d -x` with the baseline config (the baseline's container
        start, or its runtime's restart)."""
        user = chrony_user()
        for path in (self.run_dir, self.state_dir):
            os.makedirs(path, exist_ok=True)
            os.chmod(path, 0o750)
            if user is not None:
                os.chown(path, user.pw_uid, user.pw_gid)
        conf = os.path.join(self.dir, "chrony.conf")
        with open(conf, "w") as f:
            f.write(self.baseline_config())
        argv = [self.stand.chronyd, "-d", "-x", "-f", conf]
        if user is not None:
            argv[3:3] = ["-u", user.pw_name]
        self.starts += 1
        with self.log_file() as log:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True)
            self.stand.track(self.process)

    def visor_environment(self):
        conf_dir = os.path.join(self.dir, "conf.d")
        os.makedirs(conf_dir, exist_ok=True)
        # chronyvisor has no bind-address setting: the drop-in directory is the escape hatch.
        with open(os.path.join(conf_dir, "bind.conf"), "w") as f:
            f.write(f"bindaddress {self.address}\n")
        env = {
            "PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
            "NTP_ROLE": self.role,
            "NTP_SERVERS": ",".join(f"{host}:{PORT}" for host in self.servers),
            "NTP_PORT": str(PORT),
            "CHRONY_CONF": os.path.join(self.dir, "chrony.conf"),
            "CHRONY_RUN_DIR": self.run_dir,
            "CHRONY_STATE_DIR": self.state_dir,
            "CHRONY_CONF_DIR": conf_dir,
            "CHRONYD_PATH": self.stand.chronyd,
            "CHRONYC_PATH": self.stand.chronyc,
            "HEALTH_LISTEN": f"{self.address}:{HEALTH_PORT}",
            # The served-time check asks the address chronyd is bound to (the drop-in's).
            "HEALTH_SERVED_TIME": self.address,
        }
        env.update(self.stand.extra_env)
        return env

    def start_visor(self):
        """Starts `chronyvisor run` for this node, READY=1 to the stand's notify listener."""
        env = self.visor_environment()
        env["NOTIFY_SOCKET"] = self.stand.notify.path(self.name)
        self.starts += 1
        with self.log_file() as log:
            self.process = subprocess.Popen([self.stand.binary, "run"], env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log, start_new_session=True)
            self.stand.track(self.process)

    def start(self):
        if self.stand.mode == "chronyvisor" and self.role != "reference":
            self.start_visor()
        else:
            self.start_chronyd()


class NotifyListener:
    """Unix datagram sockets bound to paths, one per node, given to `chronyvisor run` as
    NOTIFY_SOCKET; records when each node first sent READY=1."""

    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, mode=0o755, exist_ok=True)
        self.sockets = {}
        self.ready_at = {}
        self.statuses = []  # (perf_counter, node, STATUS= text)
        self.lock = threading.Lock()
        self.stopped = False
        self.thread = None

    def path(self, name):
        return os.path.join(self.directory, name + ".sock")

    def open(self, names):
        for name in names:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            path = self.path(name)
            if os.path.exists(path):
                os.unlink(path)
            s.bind(path)
            os.chmod(path, 0o666)
            s.setblocking(False)
            self.sockets[s] = name
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self):
        import select
        while not self.stopped:
            readable, _, _ = select.select(list(self.sockets), [], [], 0.2)
            now = time.perf_counter()
            for s in readable:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                lines = data.split(b"\n")
                with self.lock:
                    if b"READY=1" in lines:
                        self.ready_at.setdefault(self.sockets[s], now)
                    for line in lines:
                        if line.startswith(b"STATUS="):
                            self.statuses.append((now, self.sockets[s], line[7:].decode(errors="replace")))

    def clear(self):
        with self.lock:
            self.ready_at.clear()

    def first_status(self, name, since, word):
        """perf_counter of the first STATUS= of node `name` after `since` starting with `word`."""
        with self.lock:
            for at, node, text in self.statuses:
                if node == name and at >= since and text.startswith(word):
                    return at
        return None

    def ready(self, name):
        with self.lock:
            return self.ready_at.get(name)

    def close(self):
        self.stopped = True
        if self.thread:
            self.thread.join(1)
        for s in self.sockets:
            s.close()


class Stand:
    """The reference, three relays and the gateway of one mode."""

    def __init__(self, mode, root, binary, chronyd, chronyc, notify, extra_env=None):
        self.mode = mode
        self.root = root
        self.binary = binary
        self.chronyd = chronyd
        self.chronyc = chronyc
        self.notify = notify
        self.extra_env = extra_env or {}
        self.processes = []
        self.relays = [Node(self, f"relay{i + 1}", "relay", address, [REFERENCE])
                       for i, address in enumerate(RELAYS)]
        self.gateway = Node(self, "gateway", "gateway", GATEWAY, RELAYS)

    @property
    def nodes(self):
        return self.relays + [self.gateway]

    def track(self, process):
        self.processes.append(process)

    def start(self):
        """A cold start of the relays and the gateway, fresh state each."""
        for node in self.nodes:
            node.reset()
        for node in self.nodes:
            node.start()

    def stop(self):
        for node in reversed(self.nodes):
            node.stop()


def reference_node(root, chronyd, chronyc):
    """The local reference (`local stratum 1`), a plain chronyd; a Node of its own stand."""
    holder = Stand("reference", root, None, chronyd, chronyc, None)
    node = Node(holder, "reference", "reference", REFERENCE, [])
    return holder, node
