"""Grafana dashboards, data sources and alert rules of connect-monitor, as code.

`python -m grafana.build` writes the generated artefacts: dashboards/*.json (uploaded by
infra/scripts/provision_grafana.py) and the provisioning YAML of the data sources, the dashboards and the alert
rules (for a self-hosted Grafana); `python -m grafana.alerts` prints the rule group for Grafana's provisioning API.
The per-queue targets (targets.yaml) are compiled into both. `python -m grafana.preview` renders the real-time
dashboard's main panels and the rules' states from a local run's data. Do not edit the generated files: change the
code and rebuild (tests/grafana fails on drift).
"""
