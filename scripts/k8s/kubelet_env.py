"""A container's environment as the kubelet builds it, for tests that run without a kubelet:
downward-API fields (fieldRef) filled in from given values, and Kubernetes' $(VAR)
expansion of values that name variables defined earlier in the list.
Used by policy_test.py (for `chronyvisor config --check`) and play_manifests.py (podman 4.3
supports neither status.podIP, metadata.namespace nor $(VAR) expansion)."""
import re


def expand(value, env):
    """$(VAR) is replaced when VAR is defined, $$ is a literal $, anything else stays."""
    def sub(m):
        if m.group(0) == "$$":
            return "$"
        return env.get(m.group(1), m.group(0))
    return re.sub(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)", sub, value)


def container_env(obj, container, pod_ip, pod_name=None):
    """{name: value} in the container's order; None for values from Secrets/ConfigMaps."""
    fields = {
        "status.podIP": pod_ip,
        "metadata.namespace": obj["metadata"].get("namespace", "default"),
        "metadata.name": pod_name or obj["metadata"]["name"] + "-0",
    }
    env = {}
    for e in container.get("env", []):
        if "value" in e:
            env[e["name"]] = expand(e["value"], env)
        elif "fieldRef" in e.get("valueFrom", {}):
            env[e["name"]] = fields.get(e["valueFrom"]["fieldRef"]["fieldPath"], "")
        else:
            env[e["name"]] = None
    return env
