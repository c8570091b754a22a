#!/usr/bin/env python3
"""The PromQL queries of a Grafana dashboard, one per line (for the monitoring test to ask
Prometheus), or with --check: that the file is a dashboard Grafana can import with its
data source chosen at import (a `datasource` variable of type prometheus, and every panel
and target on it). Exits 65 with a one-line reason when it is not."""
import json
import sys


def fail(message):
    print(f"dashboard_queries: {message}", file=sys.stderr)
    sys.exit(65)


def panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if len(paths) != 1:
        print("usage: dashboard_queries.py [--check] DASHBOARD.json", file=sys.stderr)
        sys.exit(64)
    try:
        with open(paths[0], encoding="utf-8") as f:
            dashboard = json.load(f)
    except OSError as e:
        print(f"dashboard_queries: cannot read {paths[0]}: {e.strerror}", file=sys.stderr)
        sys.exit(66)
    except ValueError as e:
        fail(f"{paths[0]} is not JSON: {e}")
    variables = dashboard.get("templating", {}).get("list", [])
    if not any(v.get("name") == "datasource" and v.get("type") == "datasource" and v.get("query") == "prometheus"
               for v in variables):
        fail(f"{paths[0]} has no `datasource` variable of type prometheus")
    queries = []
    for panel in panels(dashboard):
        if panel.get("type") == "row":
            continue
        title = panel.get("title", "?")
        if panel.get("datasource", {}).get("uid") != "${datasource}":
            fail(f"panel {title!r} does not use the datasource variable")
        targets = panel.get("targets", [])
        if not targets:
            fail(f"panel {title!r} has no query")
        for target in targets:
            if target.get("datasource", {}).get("uid") != "${datasource}" or not target.get("expr"):
                fail(f"panel {title!r} has a target without the datasource variable or an expr")
            queries.append((title, target["expr"]))
    if check:
        print(f"{paths[0]}: {len(queries)} queries in {sum(1 for p in panels(dashboard) if p.get('type') != 'row')} panels, datasource variable")
        return
    for title, expr in queries:
        print(f"{title}\t{' '.join(expr.split())}")


if __name__ == "__main__":
    main(sys.argv[1:])
