#!/usr/bin/env python3
"""Policy tests over the rendered Kubernetes manifests of deploy/kubernetes.

Usage: policy_test.py CHRONYVISOR_BIN RENDERED.yaml...   (one file per overlay, as
`kubectl kustomize` printed it; the file's name without .yaml names the overlay)
       policy_test.py --self-test CHRONYVISOR_BIN BASE.yaml   (each of a list of broken
       variants of the base must fail a check)

For every overlay it checks what the API schemas cannot: that each chronyvisor container's
probes ask the port and paths HEALTH_LISTEN serves; that the gateway's NTP_SERVERS are the
StatefulSet's pod DNS names; that the relays' PodDisruptionBudget keeps the gateway's
NTP_MIN_SOURCES; that each role's environment passes `chronyvisor config --check` (the real
`chronyd -p`) with the drop-ins of the rendered ConfigMap; the hardened security context
(Pod Security "restricted": runAsNonRoot as the image's numeric user, no privilege
escalation, capabilities dropped with none added, as in docker-compose.yaml, seccomp
RuntimeDefault, only allowed volume types and safe sysctls, the namespace enforcing it); requests and limits against the
footprint measured in docs/benchmarks.md; the Services, the NetworkPolicy, the PodMonitor
and the PrometheusRule (its groups are deploy/prometheus/alerts.yml's). Prints one TAP line
per check and exits 1 when any fails. Needs PyYAML.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

import kubelet_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLUSTER_DOMAIN = "cluster.local"
# What the kubelet substitutes for the downward API in `config --check` (any pod address).
FIELD_VALUES = {"status.podIP": "10.0.0.10"}
PROBE_PATHS = {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/healthz"}

failures = 0
count = 0


def ok(cond, what, detail=""):
    global failures, count
    count += 1
    if cond:
        print(f"ok {count} - {what}")
    else:
        failures += 1
        print(f"not ok {count} - {what}" + (f": {detail}" if detail else ""))
    return cond


# ---- facts from the rest of the repository -------------------------------------------------

def compose_capabilities():
    """The cap_add of docker-compose.yaml's shared service block (x-chronyvisor): none."""
    with open(os.path.join(ROOT, "docker-compose.yaml")) as f:
        compose = yaml.safe_load(f)
    return set(compose["x-chronyvisor"].get("cap_add") or [])


def image_user():
    """The Dockerfile's USER as (uid, gid), numbers (the kubelet can check only a number
    against runAsNonRoot), or None."""
    users = re.findall(r"^USER\s+(\S+)", open(os.path.join(ROOT, "Dockerfile")).read(), re.M)
    m = re.fullmatch(r"(\d+)(?::(\d+))?", users[-1]) if users else None
    return (int(m.group(1)), int(m.group(2) or m.group(1))) if m else None


# Pod Security Standards, "restricted" (which includes "baseline"), as the admission
# controller of Kubernetes 1.25+ checks them: the volume types it allows, the capability it
# lets a container add, the sysctls baseline calls safe.
RESTRICTED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
RESTRICTED_ADDABLE = {"NET_BIND_SERVICE"}
SAFE_SYSCTLS = {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range"}


def dockerfile_env():
    """ENV of the image (CHRONY_CONF, CHRONY_RUN_DIR, CHRONY_STATE_DIR, CHRONY_CONF_DIR ...)."""
    text = open(os.path.join(ROOT, "Dockerfile")).read().replace("\\\n", " ")
    env = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            env.update(re.findall(r"([A-Z_]+)=(\S+)", line))
    return env


def measured_footprint_mib():
    """Supervisor (largest sample) + chronyd resident memory from docs/benchmarks.md."""
    text = open(os.path.join(ROOT, "docs", "benchmarks.md")).read()
    sup = re.search(r"supervisor resident memory, median / largest \| [\d.]+ MiB / ([\d.]+) MiB", text)
    chd = re.search(r"chronyd resident memory \(median\) \| ([\d.]+) MiB", text)
    if not sup or not chd:
        return None
    return float(sup.group(1)) + float(chd.group(1))


def mebibytes(quantity):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|M|G|)", str(quantity))
    if not m:
        return None
    factor = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024, "M": 1e6 / 2**20, "G": 1e9 / 2**20, "": 1 / 2**20}
    return float(m.group(1)) * factor[m.group(2)]


def millicores(quantity):
    q = str(quantity)
    return float(q[:-1]) if q.endswith("m") else float(q) * 1000


# ---- helpers over rendered objects --------------------------------------------------------

def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def find(objs, kind, name=None):
    return [o for o in objs if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def workloads(objs):
    return [o for o in objs if o["kind"] in ("Deployment", "StatefulSet", "DaemonSet")]


def chronyvisor_containers(pod_spec):
    return [c for c in pod_spec.get("containers", []) if re.search(r"(^|/)chronyvisor(:|@|$)", c.get("image", ""))]


def container_env(obj, container):
    return kubelet_env.container_env(obj, container, FIELD_VALUES["status.podIP"])


def labels_match(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def port_number(container, port):
    if isinstance(port, int):
        return port
    for p in container.get("ports", []):
        if p.get("name") == port:
            return p["containerPort"]
    return None


def role_of(container, obj):
    return container_env(obj, container).get("NTP_ROLE") or "relay"


# ---- the checks --------------------------------------------------------------------------

def check_namespaces(name, objs):
    namespaced = [o for o in objs if o["kind"] != "Namespace"]
    spaces = {o["metadata"].get("namespace") for o in namespaced}
    ok(len(spaces) == 1 and None not in spaces, f"{name}: every object is in one namespace",
       f"namespaces {sorted(map(str, spaces))}")
    ns = find(objs, "Namespace")
    if ns:
        ok(ns[0]["metadata"]["name"] in spaces, f"{name}: the Namespace object is the objects' namespace")


def check_probes(name, obj, c, env):
    listen = env.get("HEALTH_LISTEN")
    wl = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
    if not ok(listen is not None, f"{wl}: HEALTH_LISTEN is set (the default is loopback: no probe could reach it)"):
        return
    m = re.fullmatch(r"(\d+\.\d+\.\d+\.\d+|\[[0-9a-fA-F:.]+\]):(\d+)", listen)
    ok(m is not None and m.group(1) == FIELD_VALUES["status.podIP"],
       f"{wl}: HEALTH_LISTEN is the pod's address (status.podIP) and a port", f"HEALTH_LISTEN={listen}")
    port = int(m.group(2)) if m else None
    for probe, path in PROBE_PATHS.items():
        p = c.get(probe)
        if not ok(p is not None and "httpGet" in p, f"{wl}: has an httpGet {probe}"):
            continue
        got_port = port_number(c, p["httpGet"].get("port"))
        ok(got_port == port and p["httpGet"].get("path") == path and p["httpGet"].get("scheme", "HTTP") == "HTTP",
           f"{wl}: {probe} asks GET {path} on HEALTH_LISTEN's port {port}",
           f"asks {p['httpGet'].get('path')} on port {got_port}")
    sp = c.get("startupProbe", {})
    window = sp.get("periodSeconds", 10) * sp.get("failureThreshold", 3)
    ok(window >= 120, f"{wl}: the startupProbe allows {window} s for the first synchronisation (>= 120 s)")


def check_security(name, obj, c, pod, caps, user):
    """Pod Security "restricted" for the pod and its container, and this project's own
    target beyond it: no capability added at all (as docker-compose.yaml), the image's user."""
    wl = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
    sc = c.get("securityContext", {})
    psc = pod.get("securityContext", {})
    cap = sc.get("capabilities", {})
    ok(cap.get("drop") == ["ALL"], f"{wl}: drops ALL capabilities", f"drop={cap.get('drop')}")
    added = set(cap.get("add", []))
    ok(added <= RESTRICTED_ADDABLE, f"{wl}: adds no capability but NET_BIND_SERVICE (restricted)", f"adds {sorted(added)}")
    ok(added == caps, f"{wl}: adds exactly docker-compose.yaml's capabilities {sorted(caps)}", f"adds {sorted(added)}")
    ok("SYS_TIME" not in added and "CAP_SYS_TIME" not in added, f"{wl}: no SYS_TIME")
    ok(sc.get("privileged", False) is False, f"{wl}: not privileged")
    ok(sc.get("allowPrivilegeEscalation") is False, f"{wl}: allowPrivilegeEscalation: false")
    ok(sc.get("readOnlyRootFilesystem") is True, f"{wl}: readOnlyRootFilesystem: true")
    non_root = sc.get("runAsNonRoot", psc.get("runAsNonRoot"))
    ok(non_root is True, f"{wl}: runAsNonRoot: true (restricted)", f"runAsNonRoot {non_root}")
    uid = sc.get("runAsUser", psc.get("runAsUser"))
    gid = sc.get("runAsGroup", psc.get("runAsGroup"))
    ok(uid != 0 and gid != 0, f"{wl}: runAsUser and runAsGroup are not 0", f"runAsUser {uid}, runAsGroup {gid}")
    ok(user is not None and (uid, gid) == user,
       f"{wl}: runs as the image's user {user} (numeric, so the kubelet can check runAsNonRoot; chronyd needs its passwd entry)",
       f"runAsUser {uid}, runAsGroup {gid}")
    seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
    ok(seccomp == "RuntimeDefault", f"{wl}: seccompProfile RuntimeDefault", f"seccomp {seccomp}")
    for host in ("hostNetwork", "hostPID", "hostIPC"):
        ok(not pod.get(host, False), f"{wl}: no {host}")
    ok(not any("hostPort" in p for p in c.get("ports", [])), f"{wl}: no hostPort")
    kinds = {k for v in pod.get("volumes", []) for k in v if k != "name"}
    ok(kinds <= RESTRICTED_VOLUMES, f"{wl}: only volume types restricted allows (no hostPath)", f"volume types {sorted(kinds)}")
    sysctls = {x["name"]: x.get("value") for x in psc.get("sysctls", [])}
    ok(set(sysctls) <= SAFE_SYSCTLS, f"{wl}: only safe sysctls", f"sysctls {sorted(sysctls)}")
    ntp_port = int(container_env(obj, c).get("NTP_PORT") or 123)
    start = sysctls.get("net.ipv4.ip_unprivileged_port_start")
    ok(ntp_port >= 1024 or "NET_BIND_SERVICE" in added or (start is not None and int(start) <= ntp_port),
       f"{wl}: NTP_PORT {ntp_port} can be bound as a user (ip_unprivileged_port_start {start})")
    ok(pod.get("automountServiceAccountToken") is False, f"{wl}: no service account token (it talks to no API)")


def check_one_pod(name, objs):
    """Every workload renders the same pod but for its spread, its role's environment, a
    volume it claims instead (persistent-drift) and what an overlay adds (NTS's ports, mounts
    and volumes): the one pod template, base/pod/template.yaml."""
    import copy
    pods = []
    for w in workloads(objs):
        spec = copy.deepcopy(w["spec"]["template"]["spec"])
        spec.pop("topologySpreadConstraints", None)
        for c in spec["containers"]:
            c["env"] = c.get("env", [])[:3]
        claimed = {t["metadata"]["name"] for t in w["spec"].get("volumeClaimTemplates", [])}
        pods.append((w["metadata"]["name"], spec, claimed))
    lists = ((lambda s: s, "volumes"), (lambda s: s["containers"][0], "volumeMounts"), (lambda s: s["containers"][0], "ports"))
    for get, key in lists:   # compare what every workload has (by name), nothing added
        common = set.intersection(*[{i["name"] for i in get(s).get(key, [])} - claimed for _, s, claimed in pods]) if pods else set()
        for _, s, claimed in pods:
            get(s)[key] = [i for i in get(s).get(key, []) if i["name"] in common]
    for other, spec, _ in pods[1:]:
        ok(spec == pods[0][1], f"{name}: {other}'s pod is {pods[0][0]}'s but for spread and role settings (one pod template)")
    if pods:
        volumes = {v["name"] for v in pods[0][1].get("volumes", [])}
        ok({"run", "tmp", "drop-ins"} <= volumes, f"{name}: the pods share the template's run, tmp and drop-ins volumes", f"{sorted(volumes)}")


def check_template_written_once():
    """The pod's parts appear in one file of deploy/kubernetes only."""
    files = {}
    for d, _, names in os.walk(os.path.join(ROOT, "deploy", "kubernetes")):
        for n in names:
            if n.endswith(".yaml"):
                text = open(os.path.join(d, n)).read()
                for key in ("startupProbe", "livenessProbe", "readinessProbe", "capabilities", "volumeMounts", "seccompProfile"):
                    if re.search(rf"(^\s*|/){key}:?\s*$", text, re.M):
                        files.setdefault(key, set()).add(os.path.relpath(os.path.join(d, n), ROOT))
    where = set().union(*files.values()) if files else set()
    ok(len(where) == 1, "deploy/kubernetes defines the pod once (probes, capabilities, mounts, seccomp in one file)",
       f"found in {sorted(where)}")


def check_nts(name, obj, c, pod, env):
    """A workload that serves NTS from more than one pod shares its server keys
    (NTS_SERVER_KEYS), and every NTS file comes read-only from a Secret."""
    if env.get("NTS_SERVER_CERT") is None:
        return
    wl = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
    replicas = obj["spec"].get("replicas", 1) if obj["kind"] != "DaemonSet" else 2
    ok(replicas < 2 or env.get("NTS_SERVER_KEYS") is not None,
       f"{wl}: its {replicas if obj['kind'] != 'DaemonSet' else 'many'} replicas serve NTS with one key schedule (NTS_SERVER_KEYS)")
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for var in ("NTS_SERVER_CERT", "NTS_SERVER_KEY", "NTS_SERVER_KEYS"):
        path = env.get(var)
        if path is None:
            continue
        m = mounts.get(os.path.dirname(path))
        secret = volumes.get(m["name"], {}).get("secret") if m else None
        ok(m is not None and m.get("readOnly") is True and secret is not None and secret.get("defaultMode", 0o644) & 0o007 == 0,
           f"{wl}: {var} is in a Secret mounted read-only, not readable by others", f"mount {m}, volume {secret}")


def check_pod_security_level(name, objs):
    for ns in find(objs, "Namespace"):
        labels = ns["metadata"].get("labels", {})
        ok(labels.get("pod-security.kubernetes.io/enforce") == "restricted",
           f"{name}: Namespace {ns['metadata']['name']} enforces Pod Security restricted", f"labels {labels}")


def check_mounts(name, obj, c, pod, env, objs, image_env):
    """The run, state and temporary directories are writable volumes; the drop-ins come
    read-only from a ConfigMap that exists."""
    wl = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
    mounts = {m["mountPath"]: m for m in c.get("volumeMounts", [])}
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    claims = {t["metadata"]["name"] for t in obj["spec"].get("volumeClaimTemplates", [])}
    merged = dict(image_env)
    merged.update({k: v for k, v in env.items() if v is not None})

    def mount_for(path):
        best = None
        for mp in mounts:
            if path == mp or path.startswith(mp.rstrip("/") + "/"):
                if best is None or len(mp) > len(best):
                    best = mp
        return best

    for var in ("CHRONY_RUN_DIR", "CHRONY_STATE_DIR"):
        path = merged[var]
        mp = mount_for(path)
        vol = mounts[mp]["name"] if mp else None
        writable = mp is not None and not mounts[mp].get("readOnly", False) and (
            "emptyDir" in volumes.get(vol, {}) or vol in claims)
        ok(writable, f"{wl}: {var} ({path}) is on a writable emptyDir or claimed volume", f"mount {mp}")
    conf = os.path.dirname(merged["CHRONY_CONF"])
    mp = mount_for(conf)
    ok(mp is not None and "emptyDir" in volumes.get(mounts[mp]["name"], {}),
       f"{wl}: CHRONY_CONF's directory ({conf}) is on an emptyDir (written at every start)")
    ok(mount_for("/tmp") is not None, f"{wl}: /tmp is a writable volume")
    confdir = merged["CHRONY_CONF_DIR"]
    m = mounts.get(confdir)
    vol = volumes.get(m["name"], {}) if m else {}
    cm = vol.get("configMap", {}).get("name")
    ok(m is not None and m.get("readOnly") is True and cm is not None,
       f"{wl}: CHRONY_CONF_DIR ({confdir}) is a ConfigMap mounted read-only")
    ok(cm is not None and len(find(objs, "ConfigMap", cm)) == 1, f"{wl}: its ConfigMap {cm} is in the output")
    return cm


def check_resources(name, obj, c, footprint):
    wl = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
    res = c.get("resources", {})
    req, lim = res.get("requests", {}), res.get("limits", {})
    if not ok(all(k in req and k in lim for k in ("cpu", "memory")),
              f"{wl}: requests and limits for cpu and memory", f"resources {res}"):
        return
    rm, lm = mebibytes(req["memory"]), mebibytes(lim["memory"])
    ok(footprint is not None and rm is not None and rm >= footprint,
       f"{wl}: memory request {req['memory']} covers the measured footprint ({footprint} MiB: supervisor + chronyd, docs/benchmarks.md)")
    ok(lm is not None and rm is not None and lm >= 1.5 * rm, f"{wl}: memory limit {lim['memory']} leaves room above the request")
    ok(millicores(lim["cpu"]) >= millicores(req["cpu"]) > 0, f"{wl}: cpu request {req['cpu']} within limit {lim['cpu']}")


def check_config(name, obj, c, env, objs, cm_name, chronyvisor):
    """`chronyvisor config --check` with the container's environment and the ConfigMap's
    drop-in files: the settings validate and the real chronyd -p accepts the result."""
    wl = f"{name}: {obj['kind']}/{obj['metadata']['name']}"
    role = env.get("NTP_ROLE") or "relay"
    with tempfile.TemporaryDirectory() as tmp:
        confdir = os.path.join(tmp, "conf.d")
        os.mkdir(confdir, 0o755)
        for cm in find(objs, "ConfigMap", cm_name):
            for fname, text in (cm.get("data") or {}).items():
                with open(os.path.join(confdir, fname), "w") as f:
                    f.write(text)
        run_env = {"PATH": os.environ.get("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")}
        run_env.update({k: v for k, v in env.items() if v is not None})
        # Paths of this machine instead of the image's: the rendered drop-ins, the repo's
        # templates, a scratch chrony.conf (config --check writes nothing).
        run_env.update({"CHRONY_CONF_DIR": confdir, "CHRONY_CONF": os.path.join(tmp, "chrony.conf"),
                        "CHRONYVISOR_TEMPLATES": os.path.join(ROOT, "conf-templates")})
        if "NTS_SERVER_CERT" in run_env:
            # The Secrets' files do not exist here: a certificate made now stands in for them.
            cert, key = os.path.join(tmp, "tls.crt"), os.path.join(tmp, "tls.key")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=chronyvisor-gateway"],
                           check=True, capture_output=True, timeout=60)
            os.chmod(key, 0o644)
            run_env.update({"NTS_SERVER_CERT": cert, "NTS_SERVER_KEY": key})
            if "NTS_SERVER_KEYS" in run_env:
                run_env["NTS_SERVER_KEYS"] = os.path.join(tmp, "schedule")
        os.chmod(tmp, 0o755)
        p = subprocess.run([chronyvisor, "config", "--check"], env=run_env, capture_output=True, text=True, timeout=60)
        ok(p.returncode == 0, f"{wl}: the {role}'s environment passes `chronyvisor config --check` (chronyd -p)",
           (p.stderr or p.stdout).strip().replace("\n", " | "))
        if role == "gateway" and p.returncode == 0:
            servers = [l.split()[1] for l in p.stdout.splitlines() if l.startswith("server ")]
            ok(servers == env["NTP_SERVERS"].split(","), f"{wl}: the rendered chrony.conf has one server line per relay",
               f"server lines {servers}")
    return role


def check_stand(name, objs):
    """Gateway NTP_SERVERS = the StatefulSet's pod DNS names; PDB = NTP_MIN_SOURCES."""
    sts = [o for o in find(objs, "StatefulSet") if any(role_of(c, o) == "relay" for c in chronyvisor_containers(o["spec"]["template"]["spec"]))]
    gws = [o for o in workloads(objs) if any(role_of(c, o) == "gateway" for c in chronyvisor_containers(o["spec"]["template"]["spec"]))]
    if not ok(len(sts) == 1 and len(gws) >= 1, f"{name}: one relay StatefulSet and a gateway workload"):
        return
    s = sts[0]
    ns = s["metadata"]["namespace"]
    svc_name = s["spec"]["serviceName"]
    svcs = find(objs, "Service", svc_name)
    pod_labels = s["spec"]["template"]["metadata"]["labels"]
    ok(len(svcs) == 1 and svcs[0]["spec"].get("clusterIP") == "None" and labels_match(svcs[0]["spec"].get("selector"), pod_labels),
       f"{name}: the StatefulSet's serviceName {svc_name} is a headless Service selecting its pods")
    replicas = s["spec"].get("replicas", 1)
    ok(replicas == 3, f"{name}: three relays", f"replicas {replicas}")
    names = [f"{s['metadata']['name']}-{i}.{svc_name}.{ns}.svc.{CLUSTER_DOMAIN}." for i in range(replicas)]
    # Per-relay upstreams (NTP_SERVERS_BY_INDEX) need each relay to know its ordinal: NODE_INDEX
    # from the pod's name, which every Kubernetes version has (the pod-index label needs 1.28).
    for c in chronyvisor_containers(s["spec"]["template"]["spec"]):
        index = [e for e in c.get("env", []) if e["name"] == "NODE_INDEX"]
        path = ((index[0].get("valueFrom") or {}).get("fieldRef") or {}).get("fieldPath") if index else None
        ok(path == "metadata.name", f"{name}: each relay's NODE_INDEX is its pod's name (metadata.name, ordinal suffix)",
           f"NODE_INDEX {index}")
    for g in gws:
        for c in chronyvisor_containers(g["spec"]["template"]["spec"]):
            env = container_env(g, c)
            servers = (env.get("NTP_SERVERS") or "").split(",")
            ok(servers == names, f"{name}: {g['metadata']['name']}'s NTP_SERVERS are the relays' pod DNS names (FQDN, trailing dot)",
               f"{servers} != {names}")
            min_sources = int(env.get("NTP_MIN_SOURCES") or 2)
            pdbs = [p for p in find(objs, "PodDisruptionBudget") if labels_match(p["spec"]["selector"].get("matchLabels"), pod_labels)]
            ok(len(pdbs) == 1 and pdbs[0]["spec"].get("minAvailable") == min_sources < replicas,
               f"{name}: the relays' PodDisruptionBudget keeps NTP_MIN_SOURCES={min_sources} of {replicas} relays",
               f"{[p['spec'] for p in pdbs]}")
            ok(min_sources <= replicas, f"{name}: NTP_MIN_SOURCES {min_sources} <= relays {replicas}")
        if g["kind"] == "Deployment":
            ok(g["spec"].get("replicas", 1) >= 2, f"{name}: at least two gateways")
    for w in [s] + [g for g in gws if g["kind"] != "DaemonSet"]:  # a DaemonSet is one per node
        tsc = w["spec"]["template"]["spec"].get("topologySpreadConstraints", [])
        keys = {t["topologyKey"] for t in tsc if labels_match(t["labelSelector"]["matchLabels"], w["spec"]["template"]["metadata"]["labels"])}
        ok({"kubernetes.io/hostname", "topology.kubernetes.io/zone"} <= keys,
           f"{name}: {w['metadata']['name']} spreads over nodes and zones", f"keys {sorted(keys)}")


def check_services(name, objs):
    gw_pods = [o for o in workloads(objs) if any(role_of(c, o) == "gateway" for c in chronyvisor_containers(o["spec"]["template"]["spec"]))]
    for svc in find(objs, "Service"):
        if svc["spec"].get("clusterIP") == "None":
            continue
        targets = [w for w in gw_pods if labels_match(svc["spec"].get("selector"), w["spec"]["template"]["metadata"]["labels"])]
        ok(len(targets) >= 1, f"{name}: Service {svc['metadata']['name']} selects the gateway pods")
        for p in svc["spec"]["ports"]:
            for w in targets:
                c = chronyvisor_containers(w["spec"]["template"]["spec"])[0]
                env = container_env(w, c)
                ntp_port = int(env.get("NTP_PORT") or 123)
                if p["protocol"] == "TCP":
                    nts_port = int(env.get("NTS_PORT") or 4460)
                    ok(env.get("NTS_SERVER_CERT") is not None and p["port"] == 4460 and port_number(c, p["targetPort"]) == nts_port,
                       f"{name}: Service {svc['metadata']['name']} TCP 4460 reaches the gateway's NTS-KE on NTS_PORT {nts_port}")
                    continue
                ok(p["protocol"] == "UDP" and p["port"] == 123 and port_number(c, p["targetPort"]) == ntp_port,
                   f"{name}: Service {svc['metadata']['name']} UDP 123 reaches the gateway's NTP_PORT {ntp_port}")
        if any(w["kind"] == "DaemonSet" for w in targets):
            ok(svc["spec"].get("internalTrafficPolicy") == "Local",
               f"{name}: Service {svc['metadata']['name']} of the node-local gateways answers from the client's node (internalTrafficPolicy: Local)")
        if svc["spec"].get("type") in ("LoadBalancer", "NodePort"):
            ok(svc["spec"].get("externalTrafficPolicy") == "Local",
               f"{name}: {svc['spec']['type']} Service {svc['metadata']['name']} keeps client addresses (externalTrafficPolicy: Local)")


def check_network_policy(name, objs):
    pols = find(objs, "NetworkPolicy")
    if not ok(len(pols) == 1, f"{name}: one NetworkPolicy"):
        return
    spec = pols[0]["spec"]
    for w in workloads(objs):
        ok(labels_match(spec["podSelector"].get("matchLabels"), w["spec"]["template"]["metadata"]["labels"]),
           f"{name}: the NetworkPolicy covers {w['metadata']['name']}")
    ok(spec.get("policyTypes") == ["Ingress"], f"{name}: the NetworkPolicy restricts ingress")
    ntp_open = [r for r in spec.get("ingress", []) if "from" not in r and r.get("ports") == [{"port": 123, "protocol": "UDP"}]]
    ok(len(ntp_open) == 1, f"{name}: UDP 123 is open to every source")
    http = [r for r in spec.get("ingress", []) if any(p.get("port") in (9123, "http") for p in r.get("ports", []))]
    ok(len(http) == 1 and http[0].get("from") == [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}],
       f"{name}: the HTTP port 9123 is open only to the namespace monitoring", f"{http}")
    nts = any(container_env(w, c).get("NTS_SERVER_CERT") for w in workloads(objs) for c in chronyvisor_containers(w["spec"]["template"]["spec"]))
    open_to_all = [{"port": 123, "protocol": "UDP"}] + ([{"port": 4460, "protocol": "TCP"}] if nts else [])
    ok(all("from" in r or all(p in open_to_all for p in r.get("ports", [None])) for r in spec.get("ingress", [])),
       f"{name}: nothing but NTP{' and NTS-KE' if nts else ''} is open to every source")
    if nts:
        ok(any("from" not in r and r.get("ports") == [{"port": 4460, "protocol": "TCP"}] for r in spec.get("ingress", [])),
           f"{name}: NTS-KE (TCP 4460) is open to every source")


def check_monitoring(name, objs, alerts):
    pms = find(objs, "PodMonitor")
    prs = find(objs, "PrometheusRule")
    if not pms and not prs:
        return
    ok(len(pms) == 1 and len(prs) == 1, f"{name}: one PodMonitor and one PrometheusRule")
    for pm in pms:
        for w in workloads(objs):
            c = chronyvisor_containers(w["spec"]["template"]["spec"])[0]
            ep = pm["spec"]["podMetricsEndpoints"][0]
            listen_port = int(container_env(w, c)["HEALTH_LISTEN"].rsplit(":", 1)[1])
            ok(labels_match(pm["spec"]["selector"]["matchLabels"], w["spec"]["template"]["metadata"]["labels"])
               and port_number(c, ep["port"]) == listen_port and ep.get("path") == "/metrics",
               f"{name}: the PodMonitor scrapes {w['metadata']['name']}'s /metrics on HEALTH_LISTEN's port {listen_port}")
    for pr in prs:
        ok(pr["spec"]["groups"] == alerts["groups"], f"{name}: the PrometheusRule's groups are deploy/prometheus/alerts.yml's")


def run_checks(name, objs, ctx):
    """Every check over one rendered overlay."""
    check_namespaces(name, objs)
    check_pod_security_level(name, objs)
    roles = set()
    for w in workloads(objs):
        pod = w["spec"]["template"]["spec"]
        cs = chronyvisor_containers(pod)
        ok(len(cs) == 1, f"{name}: {w['kind']}/{w['metadata']['name']} runs one chronyvisor container")
        for c in cs:
            env = container_env(w, c)
            check_probes(name, w, c, env)
            check_security(name, w, c, pod, ctx["caps"], ctx["user"])
            cm = check_mounts(name, w, c, pod, env, objs, ctx["image_env"])
            check_resources(name, w, c, ctx["footprint"])
            check_nts(name, w, c, pod, env)
            roles.add(check_config(name, w, c, env, objs, cm, ctx["chronyvisor"]))
    ok(roles == {"relay", "gateway"}, f"{name}: both roles are deployed", f"roles {sorted(roles)}")
    check_one_pod(name, objs)
    check_stand(name, objs)
    check_services(name, objs)
    check_network_policy(name, objs)
    check_monitoring(name, objs, ctx["alerts"])


def _container(objs, kind):
    return find(objs, kind)[0]["spec"]["template"]["spec"]["containers"][0]


def _env(objs, kind, var, value):
    for e in _container(objs, kind)["env"]:
        if e["name"] == var:
            e["value"] = value


# Broken manifests the checks must refuse: proof that each kind of check can fail.
MUTATIONS = {
    "SYS_TIME added": lambda o: _container(o, "Deployment")["securityContext"]["capabilities"].setdefault("add", []).append("SYS_TIME"),
    "NET_BIND_SERVICE added (restricted allows it, the target does not)": lambda o: _container(o, "StatefulSet")["securityContext"]["capabilities"].update(add=["NET_BIND_SERVICE"]),
    "NET_RAW added": lambda o: _container(o, "Deployment")["securityContext"]["capabilities"].update(add=["NET_RAW"]),
    "runs as root": lambda o: find(o, "Deployment")[0]["spec"]["template"]["spec"]["securityContext"].update(runAsUser=0),
    "runAsNonRoot dropped": lambda o: (find(o, "StatefulSet")[0]["spec"]["template"]["spec"]["securityContext"].pop("runAsNonRoot"),
                                       _container(o, "StatefulSet")["securityContext"].pop("runAsNonRoot")),
    "another uid than the image's": lambda o: find(o, "StatefulSet")[0]["spec"]["template"]["spec"]["securityContext"].update(runAsUser=1000),
    "no seccomp profile": lambda o: find(o, "Deployment")[0]["spec"]["template"]["spec"]["securityContext"].pop("seccompProfile"),
    "a hostPath volume": lambda o: find(o, "StatefulSet")[0]["spec"]["template"]["spec"]["volumes"].append({"name": "h", "hostPath": {"path": "/"}}),
    "an unsafe sysctl": lambda o: find(o, "Deployment")[0]["spec"]["template"]["spec"]["securityContext"]["sysctls"].append({"name": "kernel.msgmax", "value": "1"}),
    "port 123 without the sysctl": lambda o: find(o, "Deployment")[0]["spec"]["template"]["spec"]["securityContext"].pop("sysctls"),
    "two NTS gateways with their own keys": lambda o: _container(o, "Deployment")["env"].extend([
        {"name": "NTS_SERVER_CERT", "value": "/etc/chronyvisor/nts/tls/tls.crt"}, {"name": "NTS_SERVER_KEY", "value": "/etc/chronyvisor/nts/tls/tls.key"}]),
    "a workload's own pod setting": lambda o: _container(o, "Deployment")["livenessProbe"].update(periodSeconds=20),
    "namespace at baseline": lambda o: find(o, "Namespace")[0]["metadata"]["labels"].update({"pod-security.kubernetes.io/enforce": "baseline"}),
    "writable root": lambda o: _container(o, "StatefulSet")["securityContext"].update(readOnlyRootFilesystem=False),
    "privilege escalation": lambda o: _container(o, "Deployment")["securityContext"].pop("allowPrivilegeEscalation"),
    "hostNetwork": lambda o: find(o, "Deployment")[0]["spec"]["template"]["spec"].update(hostNetwork=True),
    "readiness on /healthz": lambda o: _container(o, "Deployment")["readinessProbe"]["httpGet"].update(path="/healthz"),
    "probe on another port": lambda o: _container(o, "StatefulSet")["livenessProbe"]["httpGet"].update(port=8080),
    "HEALTH_LISTEN on loopback": lambda o: _env(o, "StatefulSet", "HEALTH_LISTEN", "127.0.0.1:9123"),
    "a relay name the StatefulSet has not": lambda o: _env(o, "Deployment", "NTP_SERVERS",
        "chronyvisor-relay-0.chronyvisor-relay.$(POD_NAMESPACE).svc.cluster.local.,chronyvisor-relay-1.chronyvisor-relay.$(POD_NAMESPACE).svc.cluster.local.,chronyvisor-relay-3.chronyvisor-relay.$(POD_NAMESPACE).svc.cluster.local."),
    "names without the trailing dot": lambda o: _env(o, "Deployment", "NTP_SERVERS",
        "chronyvisor-relay-0.chronyvisor-relay,chronyvisor-relay-1.chronyvisor-relay,chronyvisor-relay-2.chronyvisor-relay"),
    "relay index from the 1.28 pod-index label": lambda o: next(e for e in _container(o, "StatefulSet")["env"] if e["name"] == "NODE_INDEX")
        ["valueFrom"]["fieldRef"].update(fieldPath="metadata.labels['apps.kubernetes.io/pod-index']"),
    "PDB below NTP_MIN_SOURCES": lambda o: find(o, "PodDisruptionBudget")[0]["spec"].update(minAvailable=1),
    "a setting chronyvisor refuses": lambda o: _env(o, "StatefulSet", "NTP_SERVERS", "time.cloudflare.com,bad host"),
    "a drop-in chronyd -p refuses": lambda o: find(o, "ConfigMap")[0]["data"].update({"bad.conf": "no_such_directive 1\n"}),
    "memory request below the measured footprint": lambda o: _container(o, "Deployment")["resources"]["requests"].update(memory="16Mi"),
    "HTTP port open to all": lambda o: find(o, "NetworkPolicy")[0]["spec"]["ingress"][1].pop("from"),
    "no zone spread": lambda o: find(o, "StatefulSet")[0]["spec"]["template"]["spec"]["topologySpreadConstraints"].pop(),
}


def self_test(ctx, path):
    """Each mutation of the rendered base must make at least one check fail."""
    global failures, count
    import contextlib
    import copy
    import io
    base = load(path)
    missed = 0
    for i, (what, mutate) in enumerate(MUTATIONS.items(), 1):
        objs = copy.deepcopy(base)
        mutate(objs)
        failures = count = 0
        with contextlib.redirect_stdout(io.StringIO()) as out:
            run_checks("self-test", objs, ctx)
        caught = [l for l in out.getvalue().splitlines() if l.startswith("not ok")]
        if caught:
            print(f"ok {i} - caught: {what} ({caught[0].split(' - ', 1)[1][:120]})")
        else:
            missed += 1
            print(f"not ok {i} - missed: {what}")
    print(f"1..{len(MUTATIONS)}")
    return 1 if missed else 0


def main(argv):
    selftest = "--self-test" in argv
    argv = [a for a in argv if a != "--self-test"]
    if len(argv) < 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 64
    chronyvisor, files = argv[0], argv[1:]
    with open(os.path.join(ROOT, "deploy", "prometheus", "alerts.yml")) as f:
        alerts = yaml.safe_load(f)
    ctx = {"caps": compose_capabilities(), "user": image_user(), "image_env": dockerfile_env(), "footprint": measured_footprint_mib(),
           "alerts": alerts, "chronyvisor": chronyvisor}
    if selftest:
        return self_test(ctx, files[0])
    ok(ctx["footprint"] is not None, f"docs/benchmarks.md gives the measured footprint ({ctx['footprint']} MiB)")
    check_template_written_once()
    for path in files:
        run_checks(os.path.basename(path)[:-5], load(path), ctx)
    print(f"1..{count}")
    if failures:
        print(f"# {failures} of {count} policy checks failed", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
