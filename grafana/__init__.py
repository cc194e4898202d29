"""Grafana dashboards and data sources of connect-monitor, as code.

`python -m grafana.build` writes the generated artefacts: dashboards/*.json (uploaded by
infra/scripts/provision_grafana.py) and provisioning/datasources/connect-monitor.yaml (for a self-hosted
Grafana). `python -m grafana.preview` renders the real-time dashboard's main panels from a local run's data.
Do not edit the generated files: change the code and rebuild (tests/grafana fails on drift).
"""
