"""The data sources the dashboards use, named once: uid, plugin type and settings.

The Timestream, Athena and CloudWatch uids are the ones infra/scripts/provision_grafana.py creates in Amazon Managed
Grafana from the Terraform outputs (modules/grafana `datasources`); tests/grafana checks that they agree. The region
split follows the Terraform: Timestream for LiveAnalytics in `timestream_region` (eu-west-1 in the example and the
docs: it is not offered in eu-west-2), Athena, Glue, CloudWatch and everything else in `region` (eu-west-2, where
Connect is).

InfluxDB (the job's second store, `sink/types = influxdb`: Timestream for InfluxDB on AWS) is read in InfluxQL
through the v1 query API, which the InfluxDB 1.x, 2 and 3 engines all serve; its URL and token are the Grafana
server's environment variables (Grafana expands `$VAR` in provisioning files), as the Terraform does not output
them yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grafana_foundation_sdk.models import dashboard

HOME_REGION = "eu-west-2"  # Terraform `region`
TIMESTREAM_REGION = "eu-west-1"  # Terraform `timestream_region` (terraform.tfvars.example, docs/DEPLOY.md)
TIMESTREAM_DATABASE = "connect_monitor"  # Terraform `timestream_database_name`
GLUE_DATABASE = "connect_history"  # Terraform `glue_database_name`
ATHENA_WORKGROUP = "connect-monitor"  # Terraform `name_prefix` (the history module's workgroup)
FLINK_APPLICATION = "connect-monitor"  # Terraform `name_prefix` (the Managed Flink application's name)
LAMBDA_METRICS_NAMESPACE = "ConnectMonitor"  # lambdas/common/observability.py DEFAULT_NAMESPACE
INFLUXDB_DATABASE = "connect_monitor"  # the job's sink/influxdb.database default; Terraform `influxdb_database_name`
INFLUXDB_URL_VARIABLE = "CONNECT_INFLUXDB_URL"  # https://ENDPOINT:8086 of the Timestream for InfluxDB instance
INFLUXDB_TOKEN_VARIABLE = "CONNECT_INFLUXDB_TOKEN"  # a read token (InfluxDB 2/3: `Authorization: Token ...`)


@dataclass(frozen=True)
class DataSource:
    uid: str
    type: str
    name: str
    json_data: dict[str, Any] = field(default_factory=dict)
    url: str | None = None  # only for a data source with its own endpoint (the AWS plugins find theirs)
    secure_json_data: dict[str, str] = field(default_factory=dict)

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
# the v1 API). Terraform's modules/grafana defines it too and infra/scripts/provision_grafana.py creates it with its
# API token from Secrets Manager; tests/infra/test_store.py holds the uid, type and database equal to Terraform's.
INFLUXDB = DataSource(
    "connect-influxdb",
    "influxdb",
    "Connect metrics (InfluxDB)",
    # InfluxQL through the v1 API; POST, so long queries never hit a URL length limit. The token goes in a header:
    # the v1 API of InfluxDB 2 and 3 takes `Authorization: Token <token>` (InfluxDB 1.x without auth ignores it).
    {"version": "InfluxQL", "dbName": INFLUXDB_DATABASE, "httpMode": "POST", "httpHeaderName1": "Authorization"},
    url=f"${{{INFLUXDB_URL_VARIABLE}}}",
    secure_json_data={"httpHeaderValue1": f"Token ${{{INFLUXDB_TOKEN_VARIABLE}}}"},
)
ALL = (TIMESTREAM, ATHENA, CLOUDWATCH, INFLUXDB)
# Grafana's built-in data source that hands a panel another panel's results (nothing to provision).
DASHBOARD = DataSource("-- Dashboard --", "datasource", "-- Dashboard --")
EXPRESSIONS_UID = "__expr__"  # alert rules' server-side expressions (reduce, math, threshold)


def provisioning_document() -> dict[str, Any]:
    """Grafana's data source provisioning file (apiVersion 1) for a self-hosted Grafana.

    `authType: default` uses the AWS SDK's credential chain of the Grafana server. Amazon Managed Grafana is
    provisioned by infra/scripts/provision_grafana.py instead (workspace IAM role)."""

    def entry(ds: DataSource) -> dict[str, Any]:
        document = {"name": ds.name, "uid": ds.uid, "type": ds.type, "access": "proxy", "editable": False}
        document |= {"url": ds.url} if ds.url else {}
        document["jsonData"] = ds.json_data
        return document | ({"secureJsonData": ds.secure_json_data} if ds.secure_json_data else {})

    return {"apiVersion": 1, "datasources": [entry(ds) for ds in ALL]}
