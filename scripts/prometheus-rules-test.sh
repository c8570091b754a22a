#!/usr/bin/env bash
# Checks the monitoring files without a container: the alert rules (`promtool check rules`)
# and their unit tests (`promtool test rules`, every rule firing and not firing), the stand's
# Prometheus configuration (`promtool check config`, which loads the rules too), and the
# Grafana dashboard (valid JSON, every panel on the datasource variable). Run by
# scripts/test.sh; promtool comes from Debian's prometheus package (scripts/install-deps.sh).
. "$(dirname "$0")/lib/init.sh"
. scripts/lib/testing.sh

promtool check rules deploy/prometheus/alerts.yml || fail "promtool check rules deploy/prometheus/alerts.yml"
ok "promtool check rules: the alert rules"
promtool test rules deploy/prometheus/alerts.test.yml || fail "promtool test rules deploy/prometheus/alerts.test.yml"
ok "promtool test rules: every rule's unit tests"
promtool check config deploy/prometheus/prometheus.yml || fail "promtool check config deploy/prometheus/prometheus.yml"
ok "promtool check config: the stand's Prometheus configuration"
python3 scripts/lib/dashboard_queries.py --check deploy/grafana/chronyvisor-stand.json || fail "the Grafana dashboard"
ok "the Grafana dashboard: valid JSON, every panel on the datasource variable"
