"""The data sources agree with the deployment: uids and plugin types with the Terraform outputs the
provisioning script uploads, regions and names with the Terraform's variables (Timestream in its own region)."""

from __future__ import annotations

import yaml

from grafana import build, datasources
from grafana.local import terraform
from tests.conftest import REPO_ROOT

PROVISIONED = {d["uid"]: d for d in yaml.safe_load(build.DATASOURCES_FILE.read_text())["datasources"]}


def test_uids_and_types_are_the_ones_terraform_and_the_provisioning_script_create() -> None:
    outputs = terraform.grafana_datasource_outputs()
    assert set(outputs) == {"timestream", "influxdb", "athena", "cloudwatch"}
    for key, ds in (
        ("timestream", datasources.TIMESTREAM),
        ("influxdb", datasources.INFLUXDB),
        ("athena", datasources.ATHENA),
        ("cloudwatch", datasources.CLOUDWATCH),
    ):
        assert outputs[key]["uid"] == ds.uid and outputs[key]["type"] == ds.type
        assert PROVISIONED[ds.uid]["type"] == ds.type
    script = (REPO_ROOT / "infra/scripts/provision_grafana.py").read_text()
    assert "connect-timestream" in script and "connect-athena" in script


def test_timestream_is_in_its_own_region_and_athena_where_connect_is() -> None:
    defaults = terraform.root_variable_defaults()
    example = (REPO_ROOT / "infra/terraform/terraform.tfvars.example").read_text()
    assert f'timestream_region = "{datasources.TIMESTREAM_REGION}"' in example
    assert PROVISIONED["connect-timestream"]["jsonData"]["defaultRegion"] == "eu-west-1"
    assert defaults["region"] == datasources.HOME_REGION == "eu-west-2"
    assert PROVISIONED["connect-athena"]["jsonData"]["defaultRegion"] == "eu-west-2"
    assert PROVISIONED["connect-cloudwatch"]["jsonData"]["defaultRegion"] == "eu-west-2"


def test_databases_and_workgroup_are_terraforms() -> None:
    defaults = terraform.root_variable_defaults()
    ts = PROVISIONED["connect-timestream"]["jsonData"]
    assert ts["defaultDatabase"] == f'"{defaults["timestream_database_name"]}"'  # stored quoted, as the plugin does
    athena = PROVISIONED["connect-athena"]["jsonData"]
    assert athena["database"] == defaults["glue_database_name"]
    assert athena["workgroup"] == defaults["name_prefix"] == datasources.FLINK_APPLICATION
    assert athena["catalog"] == "AwsDataCatalog"


def test_the_provisioning_script_uploads_exactly_the_generated_dashboards() -> None:
    """Terraform's grafana_dashboards_path is this folder: every *.json under it is uploaded, nothing else may be."""
    from grafana import figures, history, realtime
    from tests.infra.test_provision_grafana import load_script

    script = load_script()

    class Recorder(script.Grafana):
        def __init__(self) -> None:
            super().__init__("http://grafana.invalid", "token")
            self.uploaded: list[str] = []

        def request(self, method: str, path: str, body=None):
            if path == "/api/dashboards/db":
                self.uploaded.append(body["dashboard"]["uid"])
            return (404 if method == "GET" else 200), {}

    grafana = Recorder()
    assert terraform.root_variable_defaults()["grafana_dashboards_path"] == "../../grafana/dashboards"
    script.provision(grafana, {}, (terraform.TERRAFORM / "../../grafana/dashboards").resolve(), None)
    assert sorted(grafana.uploaded) == sorted([realtime.UID, realtime.uid(figures.INFLUXDB), history.UID])


def test_the_influxdb_data_source_reads_the_database_the_job_writes_in_influxql() -> None:
    """InfluxQL over the v1 API (the InfluxDB 1.x, 2 and 3 engines all serve it), the job's database, the URL and
    token from the Grafana server's environment (Grafana expands them in provisioning files)."""
    from flink_app.config import PROPERTY_GROUPS
    from local_stack.influxdb import DATABASE

    influx = PROVISIONED[datasources.INFLUXDB.uid]
    assert influx["type"] == "influxdb" and influx["jsonData"]["version"] == "InfluxQL"
    assert influx["jsonData"]["dbName"] == PROPERTY_GROUPS["sink"]["influxdb.database"].default == DATABASE
    assert influx["url"] == "${CONNECT_INFLUXDB_URL}"
    assert influx["jsonData"]["httpHeaderName1"] == "Authorization"
    assert influx["secureJsonData"]["httpHeaderValue1"] == "Token ${CONNECT_INFLUXDB_TOKEN}"
