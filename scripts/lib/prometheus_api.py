#!/usr/bin/env python3
"""Asks a Prometheus's HTTP API one question; the exit status is the answer (0 yes, 1 no,
2 Prometheus did not answer), a line on stdout says what it saw.

  prometheus_api.py URL ready              the server is ready (/-/ready)
  prometheus_api.py URL targets N          N active targets, all up (/api/v1/targets)
  prometheus_api.py URL query EXPR         EXPR returns at least one sample (/api/v1/query)
  prometheus_api.py URL alert NAME LABEL=VALUE
                                           alert NAME is pending or firing with that label
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError) as e:
        print(f"no answer from {url}: {e}")
        sys.exit(2)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(64)
    base, what, args = argv[0].rstrip("/"), argv[1], argv[2:]
    if what == "ready":
        get(base + "/-/ready")
        print("ready")
        return 0
    if what == "targets":
        targets = json.loads(get(base + "/api/v1/targets"))["data"]["activeTargets"]
        health = {t["labels"].get("instance", t["scrapeUrl"]): t["health"] for t in targets}
        print(" ".join(f"{k}={v}" for k, v in sorted(health.items())))
        return 0 if len(health) == int(args[0]) and all(v == "up" for v in health.values()) else 1
    if what == "query":
        answer = json.loads(get(base + "/api/v1/query?" + urllib.parse.urlencode({"query": args[0]})))
        result = answer.get("data", {}).get("result", [])
        print(f"{answer.get('status')}: {len(result)} series")
        return 0 if answer.get("status") == "success" and result else 1
    if what == "alert":
        key, _, value = args[1].partition("=")
        alerts = json.loads(get(base + "/api/v1/alerts"))["data"]["alerts"]
        seen = [f"{a['labels'].get('alertname')}{{{key}={a['labels'].get(key)}}} {a['state']}" for a in alerts]
        print(", ".join(seen) or "no alerts")
        return 0 if any(a["labels"].get("alertname") == args[0] and a["labels"].get(key) == value
                        and a["state"] in ("pending", "firing") for a in alerts) else 1
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
