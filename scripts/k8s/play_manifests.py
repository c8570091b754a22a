#!/usr/bin/env python3
"""Writes what scripts/k8s/play-test.sh plays with `podman kube play`, from the rendered base.

Usage: play_manifests.py RENDERED_BASE.yaml OUTDIR REFERENCE_IP[,REFERENCE_IP...] RELAY_IP... GATEWAY_IP IMAGE
       play_manifests.py --nts RENDERED_NTS.yaml OUTDIR NTS_DIR GATEWAY_IP RELAY_IP... IMAGE

podman 4.3 plays Pods, Deployments and ConfigMaps, not StatefulSets or Services, and no
cluster DNS answers there. So, changing only what must change:
  reference-N.yaml  plain chronyds (`local stratum 1`, -x) standing in for the public
                  upstream, one per relay (k8s-test-reference-N)
  relay-N.yaml    the relay StatefulSet's pod template as a Pod (chronyvisor-relay-N), with
                  the drop-in ConfigMap. Its upstreams are given per relay, as a site with its
                  own servers would: NTP_SERVERS_BY_INDEX names reference N for relay N, while
                  NTP_SERVERS names every reference (what each relay would use if its
                  NODE_INDEX, the pod's name from the manifest's downward API, were not used)
  gateway.yaml    the gateway Deployment itself (one replica), its NTP_SERVERS pointed at the
                  relays' addresses instead of their cluster DNS names, with the ConfigMap
The environment is written out as the kubelet would build it for the address each pod is
given (podman 4.3 supports no status.podIP fieldRef and no $(VAR) expansion). podman 4.3 also publishes every containerPort on the host, so the ports are dropped (the
probes name theirs by number), and shares an emptyDir among pods by its name, so each pod's
are prefixed with the pod's name. Polling is made fast (NTP_MINPOLL 0, NTP_MAXPOLL 1) as in the container test; the image is
the locally built one. Everything else (probes, security context, volumes, resources) is the
rendered object's. Prints the probes to check as lines `POD CONTAINER PROBE PORT PATH` (POD: the Pod's or
the Deployment's name).

With --nts, from the nts overlay's rendering: gateway-nts-a.yaml and gateway-nts-b.yaml, the
gateway Deployment (one replica each, named apart) with its Secrets' volumes replaced by
host directories under NTS_DIR (podman 4.3 plays a Secret volume only from its own secret
store): NTS_DIR/tls (tls.crt, tls.key) and NTS_DIR/keys (schedule), the same for both. Both
are played, one after the other, at GATEWAY_IP.
"""
import copy
import os
import sys

import yaml

import kubelet_env

TEST_ENV = {"NTP_MINPOLL": "0", "NTP_MAXPOLL": "1"}


def set_env(obj, container, pod_ip, pod_name, values):
    """The kubelet's environment written out as plain values (podman 4.3 has no
    status.podIP or metadata.namespace fieldRef and no $(VAR) expansion), then the test's
    changes."""
    env = kubelet_env.container_env(obj, container, pod_ip, pod_name)
    env.update(values)
    container["env"] = [{"name": k, "value": v} for k, v in env.items()]


def port_number(container, port):
    if isinstance(port, int):
        return port
    return next(p["containerPort"] for p in container["ports"] if p.get("name") == port)


def unpublish(pod_spec):
    """podman 4.3 publishes every containerPort on the host at the same number (a cluster
    does not): the ports are dropped and the probes name theirs by number instead."""
    for c in pod_spec["containers"]:
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            if kind in c:
                c[kind]["httpGet"]["port"] = port_number(c, c[kind]["httpGet"]["port"])
        c.pop("ports", None)


def own_volumes(pod_name, pod_spec):
    """podman 4.3 makes an emptyDir a named volume called like the pod's volume, shared by
    every pod that names one alike (a cluster gives each pod its own): prefixed per pod."""
    renamed = {}
    for v in pod_spec.get("volumes", []):
        if "emptyDir" in v:
            renamed[v["name"]] = v["name"] = f"{pod_name}-{v['name']}"
    for c in pod_spec["containers"]:
        for m in c.get("volumeMounts", []):
            m["name"] = renamed.get(m["name"], m["name"])


def probes(pod_name, pod_spec):
    for c in pod_spec["containers"]:
        for kind in ("startupProbe", "readinessProbe", "livenessProbe"):
            if kind in c:
                get = c[kind]["httpGet"]
                print(pod_name, c["name"], kind, port_number(c, get["port"]), get["path"])


def dump(path, docs):
    with open(path, "w") as f:
        yaml.safe_dump_all(docs, f, sort_keys=False)


def reference(sts, ns, image, r, outdir):
    """k8s-test-reference-R: a plain chronyd serving the host's clock at stratum 1 (-x)."""
    ref_spec = copy.deepcopy(sts["spec"]["template"]["spec"])
    c = ref_spec["containers"][0]
    name = f"k8s-test-reference-{r}"
    # The reference runs as the pods do: the image's user, chronyd -x -U, no capability.
    ref = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns},
           "spec": {"automountServiceAccountToken": False, "securityContext": ref_spec.get("securityContext", {}), "containers": [{
               "name": "chronyd", "image": image,
               "command": ["chronyd", "-d", "-x", "-U", "-u", "_chrony", "local stratum 1", "allow all", "cmdport 0",
                           "pidfile /tmp/chronyd.pid"],
               "securityContext": c["securityContext"],
               "volumeMounts": [m for m in c["volumeMounts"] if m["mountPath"] in ("/run", "/var/lib/chrony", "/tmp")]}],
               "volumes": [v for v in ref_spec["volumes"] if "emptyDir" in v]}}
    own_volumes(name, ref["spec"])
    dump(os.path.join(outdir, f"reference-{r}.yaml"), [ref])


def main(rendered, outdir, reference_ips, *rest):
    *relay_ips, gateway_ip, image = rest
    reference_ips = reference_ips.split(",")
    objs = [o for o in yaml.safe_load_all(open(rendered)) if o]
    sts = next(o for o in objs if o["kind"] == "StatefulSet")
    gw = next(o for o in objs if o["kind"] == "Deployment")
    cms = [o for o in objs if o["kind"] == "ConfigMap"]
    ns = sts["metadata"]["namespace"]

    for r in range(len(reference_ips)):
        reference(sts, ns, image, r, outdir)

    for i, ip in enumerate(relay_ips):
        name = f"{sts['metadata']['name']}-{i}"
        spec = copy.deepcopy(sts["spec"]["template"]["spec"])
        for c in spec["containers"]:
            c["image"] = image
            set_env(sts, c, ip, name, dict(TEST_ENV, NTP_SERVERS=",".join(reference_ips),
                                           NTP_SERVERS_BY_INDEX=";".join(reference_ips)))
        pod = {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "namespace": ns, "labels": sts["spec"]["template"]["metadata"]["labels"]},
               "spec": spec}
        probes(name, spec)
        unpublish(spec)
        own_volumes(name, spec)
        dump(os.path.join(outdir, f"relay-{i}.yaml"), cms + [pod])

    d = copy.deepcopy(gw)
    d["spec"]["replicas"] = 1
    for c in d["spec"]["template"]["spec"]["containers"]:
        c["image"] = image
        set_env(gw, c, gateway_ip, gw["metadata"]["name"] + "-pod", dict(TEST_ENV, NTP_SERVERS=",".join(relay_ips)))
    probes(gw["metadata"]["name"], d["spec"]["template"]["spec"])
    unpublish(d["spec"]["template"]["spec"])
    own_volumes(gw["metadata"]["name"], d["spec"]["template"]["spec"])
    dump(os.path.join(outdir, "gateway.yaml"), cms + [d])


def nts(rendered, outdir, nts_dir, gateway_ip, *rest):
    *relay_ips, image = rest
    objs = [o for o in yaml.safe_load_all(open(rendered)) if o]
    gw = next(o for o in objs if o["kind"] == "Deployment")
    cms = [o for o in objs if o["kind"] == "ConfigMap"]
    host_dirs = {"chronyvisor-gateway-tls": os.path.join(nts_dir, "tls"), "chronyvisor-nts-keys": os.path.join(nts_dir, "keys")}
    for name in ("a", "b"):
        d = copy.deepcopy(gw)
        d["metadata"]["name"] = f"{gw['metadata']['name']}-nts-{name}"
        d["spec"]["replicas"] = 1
        spec = d["spec"]["template"]["spec"]
        for v in spec["volumes"]:
            if "secret" in v:
                v["hostPath"] = {"path": host_dirs[v.pop("secret")["secretName"]], "type": "Directory"}
        for c in spec["containers"]:
            c["image"] = image
            set_env(gw, c, gateway_ip, d["metadata"]["name"] + "-pod", dict(TEST_ENV, NTP_SERVERS=",".join(relay_ips)))
        unpublish(spec)
        own_volumes(d["metadata"]["name"], spec)
        dump(os.path.join(outdir, f"gateway-nts-{name}.yaml"), cms + [d])


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--nts":
        nts(*sys.argv[2:])
        sys.exit(0)
    if len(sys.argv) < 7:
        sys.exit(__doc__.split("\n\n")[1])
    main(*sys.argv[1:])
