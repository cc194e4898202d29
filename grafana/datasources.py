"""The three data sources the dashboards use, named once: uid, plugin type and settings.

The uids are the ones infra/scripts/provision_grafana.py creates in Amazon Managed Grafana from the Terraform
outputs (modules/grafana `datasources`); tests/grafana checks that they agree. The region split follows the
Terraform: Timestream for LiveAnalytics in `timestream_region` (eu-west-1 in the example and the docs: it is not
offered in eu-west-2), Athena, Glue, CloudWatch and everything else in `region` (eu-west-2, where Connect is).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grafana_foundation_sdk.models import dashboard

HOME_REGION = "eu-west-2"  # Terraform `region`
TIMESTREAM_REGION = "eu-west-1"  # Terraform `timestream_region` (terraform.tfvars.example, docs/DEPLOY.md)
TIMESTREAM_DATABASE = "connect_monitor"  # Terraform `timestream_database_name`
INFLUXDB_DATABASE = "connect_monitor"  # Terraform `influxdb_database_name` (the bucket, mapped to this v1 database)
GLUE_DATABASE = "connect_history"  # Terraform `glue_database_name`
ATHENA_WORKGROUP = "connect-monitor"  # Terraform `name_prefix` (the history module's workgroup)
FLINK_APPLICATION = "connect-monitor"  # Terraform `name_prefix` (the Managed Flink application's name)
LAMBDA_METRICS_NAMESPACE = "ConnectMonitor"  # lambdas/common/observability.py DEFAULT_NAMESPACE


@dataclass(frozen=True)
class DataSource:
    uid: str
    type: str
    name: str
    json_data: dict[str, Any] = field(default_factory=dict)

    @property
    def ref(self) -> dashboard.DataSourceRef:
        return dashboard.DataSourceRef(type_val=self.type, uid=self.uid)


TIMESTREAM = DataSource(
    "connect-timestream",
    "grafana-timestream-datasource",
    "Connect metrics (Timestream)",
    # The plugin stores the default database quoted; `$__database` expands to it.
    {"authType": "default", "defaultRegion": TIMESTREAM_REGION, "defaultDatabase": f'"{TIMESTREAM_DATABASE}"'},
)
ATHENA = DataSource(
    "connect-athena",
    "grafana-athena-datasource",
    "Connect history (Athena)",
    {
        "authType": "default",
        "defaultRegion": HOME_REGION,
        "catalog": "AwsDataCatalog",
        "database": GLUE_DATABASE,
        "workgroup": ATHENA_WORKGROUP,
    },
)
CLOUDWATCH = DataSource(
    "connect-cloudwatch",
    "cloudwatch",
    "Connect monitor health (CloudWatch)",
    {"authType": "default", "defaultRegion": HOME_REGION},
)
# The live-metrics store of Terraform's `store = "influxdb"` (Timestream for InfluxDB, queried in InfluxQL through
# the v1 API). Terraform's modules/grafana output defines it and infra/scripts/provision_grafana.py creates it
# with its API token from Secrets Manager; tests/infra/test_store.py holds the uid, type and database equal to
# Terraform's. Not in ALL: the self-hosted provisioning file below stays the Timestream deployment's.
INFLUXDB = DataSource(
    "connect-influxdb",
    "influxdb",
    "Connect metrics (InfluxDB)",
    {"version": "InfluxQL", "dbName": INFLUXDB_DATABASE, "httpMode": "POST"},
)
ALL = (TIMESTREAM, ATHENA, CLOUDWATCH)
# Grafana's built-in data source that hands a panel another panel's results (nothing to provision).
DASHBOARD = DataSource("-- Dashboard --", "datasource", "-- Dashboard --")
EXPRESSIONS_UID = "__expr__"  # alert rules' server-side expressions (reduce, math, threshold)


def provisioning_document() -> dict[str, Any]:
    """Grafana's data source provisioning file (apiVersion 1) for a self-hosted Grafana.

    `authType: default` uses the AWS SDK's credential chain of the Grafana server. Amazon Managed Grafana is
    provisioned by infra/scripts/provision_grafana.py instead (workspace IAM role)."""
    return {
        "apiVersion": 1,
        "datasources": [
            {
                "name": ds.name,
                "uid": ds.uid,
                "type": ds.type,
                "access": "proxy",
                "editable": False,
                "jsonData": ds.json_data,
            }
            for ds in ALL
        ],
    }
