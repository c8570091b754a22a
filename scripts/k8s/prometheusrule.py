#!/usr/bin/env python3
"""Generates the PrometheusRule of deploy/kubernetes/overlays/monitoring from
deploy/prometheus/alerts.yml, the one source of chronyvisor's alert rules: the rule file's
groups become the resource's spec.groups unchanged, so the stand's Prometheus and
prometheus-operator evaluate the same rules.

Usage: prometheusrule.py [--check] [ALERTS [OUT]]
  (no flag)  writes OUT
  --check    exits 1 with a one-line message when OUT is not what ALERTS generates
Needs PyYAML (Debian python3-yaml; scripts/k8s-test.sh runs it in its venv).
"""
import sys

import yaml

ROOT = __file__.rsplit("/scripts/", 1)[0]
DEFAULT_ALERTS = ROOT + "/deploy/prometheus/alerts.yml"
DEFAULT_OUT = ROOT + "/deploy/kubernetes/overlays/monitoring/prometheusrule.yaml"

HEADER = """\
# GENERATED from deploy/prometheus/alerts.yml by scripts/k8s/prometheusrule.py: do not edit.
# Change the rule file and run the script; scripts/k8s-test.sh fails while this file differs
# from what the rule file generates.
"""


class _Dumper(yaml.SafeDumper):
    """Multi-line strings (descriptions, long expressions) as literal blocks, as written."""


def _str(dumper, text):
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _str)


def generate(alerts_path):
    try:
        with open(alerts_path, encoding="utf-8") as f:
            rules = yaml.safe_load(f)
    except OSError as e:
        sys.exit(f"prometheusrule: cannot read {alerts_path}: {e.strerror}")
    except yaml.YAMLError as e:
        sys.exit(f"prometheusrule: {alerts_path} is not YAML: {str(e).splitlines()[0]}")
    groups = rules.get("groups") if isinstance(rules, dict) else None
    if not isinstance(groups, list) or not groups:
        sys.exit(f"prometheusrule: {alerts_path}: expected a Prometheus rule file with a non-empty `groups:` list")
    resource = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": "chronyvisor",
            "labels": {"app.kubernetes.io/name": "chronyvisor"},
        },
        "spec": {"groups": groups},
    }
    return HEADER + yaml.dump(resource, Dumper=_Dumper, sort_keys=False, width=100,
                              default_flow_style=False, allow_unicode=True)


def main(argv):
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if len(args) > 2 or any(a.startswith("-") for a in args):
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 64
    alerts = args[0] if args else DEFAULT_ALERTS
    out = args[1] if len(args) > 1 else DEFAULT_OUT
    text = generate(alerts)
    if check:
        try:
            with open(out, encoding="utf-8") as f:
                current = f.read()
        except OSError:
            current = None
        if current != text:
            print(f"prometheusrule: {out} is not what {alerts} generates: run scripts/k8s/prometheusrule.py", file=sys.stderr)
            return 1
        return 0
    with open(out + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    import os
    os.replace(out + ".tmp", out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
