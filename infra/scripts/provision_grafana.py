"""Create or update the Grafana data sources, dashboards and alert rules of connect-monitor.

    terraform -chdir=infra/terraform output -json > /tmp/tf-outputs.json
    python infra/scripts/provision_grafana.py --outputs /tmp/tf-outputs.json --create-token

Amazon Managed Grafana: with --create-token the script asks AWS for a 15-minute token of the
workspace's `provisioner` service account (created by Terraform) and never stores it.
Self-hosted Grafana: pass --url and a token in GRAFANA_TOKEN, and --auth-type default so the
data sources use the AWS credential chain of the Grafana server.

Data sources keep fixed uids (connect-timestream, connect-athena, connect-cloudwatch; connect-influxdb instead of
connect-timestream with Terraform's store = "influxdb"): dashboards in grafana/ refer to them by uid. A definition's
`secureJsonDataFromSecrets` (the InfluxDB data source's API token) is read from Secrets Manager with the caller's
AWS credentials and sent as secureJsonData: the token is never in Terraform's state or outputs.
Dashboards are uploaded with overwrite, so re-running is safe. The alert rules
(grafana/provisioning/alerting/connect-monitor.api.json, written by `python -m grafana.build`) go into the folder
"Connect monitor" as one rule group, replaced as a whole; contact points and notification policies stay yours.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

TERRAFORM_DIR = Path(__file__).resolve().parent.parent / "terraform"
ALERT_RULES = TERRAFORM_DIR.parent.parent / "grafana" / "provisioning" / "alerting" / "connect-monitor.api.json"


class ProvisionError(RuntimeError):
    """A failed step; the message names it and the fix."""


def output_values(path: Path) -> dict[str, Any]:
    try:
        raw = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ProvisionError(
            f"cannot read Terraform outputs {path}: {exc} (run `terraform output -json > {path}`)"
        ) from None
    return {name: entry.get("value") for name, entry in raw.items()}


class Grafana:
    def __init__(self, url: str, token: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status, json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def upsert_datasource(self, definition: dict[str, Any]) -> str:
        uid = definition["uid"]
        status, _ = self.request("GET", f"/api/datasources/uid/{uid}")
        if status == 200:
            status, answer = self.request("PUT", f"/api/datasources/uid/{uid}", definition)
            action = "updated"
        elif status == 404:
            status, answer = self.request("POST", "/api/datasources", definition)
            action = "created"
        else:
            raise ProvisionError(f"GET data source {uid}: HTTP {status}; check the token and the URL")
        if status != 200:
            raise ProvisionError(f"data source {uid} not {action}: HTTP {status} {answer}")
        return action

    def upload_dashboard(self, path: Path) -> str:
        try:
            dashboard = json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ProvisionError(f"dashboard {path} is not valid JSON: {exc}") from None
        dashboard.pop("id", None)
        if not dashboard.get("uid"):
            raise ProvisionError(f"dashboard {path} has no uid: give it a stable uid so re-runs update it")
        status, answer = self.request("POST", "/api/dashboards/db", {"dashboard": dashboard, "overwrite": True})
        if status != 200:
            raise ProvisionError(f"dashboard {path.name} not uploaded: HTTP {status} {answer}")
        return str(dashboard["uid"])

    def upsert_alert_rules(self, path: Path) -> str:
        """The folder (kept if it exists) and the rule group, replaced as a whole (grafana/build.py writes `path`)."""
        document = json.loads(path.read_text())
        folder, group = document["folder"], document["group"]
        status, answer = self.request("POST", "/api/folders", folder)
        if status not in (200, 409, 412):  # 409/412: the folder is there already
            raise ProvisionError(f"folder {folder['uid']}: HTTP {status} {answer}")
        route = f"/api/v1/provisioning/folder/{folder['uid']}/rule-groups/{quote(group['title'])}"
        status, answer = self.request("PUT", route, group)
        if status != 200:
            raise ProvisionError(f"alert rules {group['title']}: HTTP {status} {answer}")
        return f"{group['title']} ({len(group['rules'])} rules) in folder {folder['title']}"


def secret_token(secret_arn: str) -> str:
    """The API token a Secrets Manager secret holds: the token itself, or JSON with a `token` key (the shape AWS's
    InfluxDB rotation function keeps). The same rule as the job's InfluxDB sink."""
    import boto3  # the AWS SDK is needed only for secrets
    from botocore.exceptions import BotoCoreError, ClientError

    region = secret_arn.split(":")[3]
    try:
        answer = boto3.client("secretsmanager", region_name=region).get_secret_value(SecretId=secret_arn)
    except (BotoCoreError, ClientError) as exc:
        raise ProvisionError(
            f"cannot read secret {secret_arn}: {exc} (was the token put into it? docs/DEPLOY.md, InfluxDB tokens)"
        ) from None
    return token_of(answer.get("SecretString") or "", secret_arn)


def token_of(value: str, secret_arn: str) -> str:
    text = value.strip()
    if text.startswith("{"):
        try:
            text = str(json.loads(text).get("token") or "").strip()
        except (json.JSONDecodeError, AttributeError):
            text = ""
    if not text:
        raise ProvisionError(f"secret {secret_arn} holds no token: put the token, or JSON with a token key, into it")
    return text


def with_secrets(definition: dict[str, Any], read_secret: Callable[[str], str]) -> dict[str, Any]:
    """`secureJsonDataFromSecrets` ({field: {secret_arn, template}}) resolved into Grafana's secureJsonData."""
    sources = definition.pop("secureJsonDataFromSecrets", None) or {}
    for field, source in sources.items():
        token = read_secret(source["secret_arn"])
        definition.setdefault("secureJsonData", {})[field] = source.get("template", "{token}").replace("{token}", token)
    return definition


def temporary_token(workspace_id: str, service_account_id: str, region: str | None) -> tuple[str, Any]:
    import boto3  # the AWS SDK is needed only for Amazon Managed Grafana

    client = boto3.client("grafana", region_name=region)
    answer = client.create_workspace_service_account_token(
        workspaceId=workspace_id,
        serviceAccountId=service_account_id,
        name="provision-grafana",
        secondsToLive=900,
    )
    token = answer["serviceAccountToken"]

    def revoke() -> None:
        client.delete_workspace_service_account_token(
            workspaceId=workspace_id, serviceAccountId=service_account_id, tokenId=token["id"]
        )

    return token["key"], revoke


def provision(
    grafana: Grafana,
    datasources: dict[str, dict[str, Any]],
    dashboards_dir: Path | None,
    auth_type: str | None,
    alert_rules: Path | None = None,
    read_secret: Callable[[str], str] = secret_token,
) -> list[str]:
    done = []
    for definition in datasources.values():
        definition = with_secrets(json.loads(json.dumps(definition)), read_secret)
        if auth_type and definition.get("type") != "influxdb":  # AWS plugins only: InfluxDB uses its token
            definition.setdefault("jsonData", {})["authType"] = auth_type
        done.append(f"data source {definition['uid']} {grafana.upsert_datasource(definition)}")
    if dashboards_dir and dashboards_dir.is_dir():
        for path in sorted(dashboards_dir.rglob("*.json")):
            done.append(f"dashboard {grafana.upload_dashboard(path)} uploaded from {path.name}")
    if alert_rules and alert_rules.is_file():
        done.append(f"alert rules {grafana.upsert_alert_rules(alert_rules)}")
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outputs", type=Path, required=True, help="file of `terraform output -json`")
    parser.add_argument("--url", help="Grafana URL (default: the workspace URL from the outputs)")
    parser.add_argument("--create-token", action="store_true", help="get a 15-minute token from AWS (Managed Grafana)")
    parser.add_argument("--region", help="region of the Grafana workspace (default: the AWS SDK's)")
    parser.add_argument("--auth-type", help="override the data sources' authType, e.g. default for self-hosted Grafana")
    parser.add_argument(
        "--no-alert-rules",
        dest="alert_rules",
        action="store_false",
        help="do not provision the alert rules (grafana/provisioning/alerting/connect-monitor.api.json)",
    )
    args = parser.parse_args(argv)

    try:
        outputs = output_values(args.outputs)
        url = args.url or outputs.get("grafana_workspace_url")
        datasources = outputs.get("grafana_datasources")
        if not url or not datasources:
            raise ProvisionError(
                "no Grafana URL or data sources in the outputs (enable_managed_grafana = false?): pass --url"
            )
        revoke = None
        if args.create_token:
            workspace = outputs.get("grafana_workspace_id")
            account = outputs.get("grafana_provisioner_service_account_id")
            if not workspace or not account:
                raise ProvisionError(
                    "--create-token needs a Managed Grafana workspace: use GRAFANA_TOKEN for self-hosted"
                )
            token, revoke = temporary_token(workspace, account, args.region)
        else:
            token = os.environ.get("GRAFANA_TOKEN", "")
            if not token:
                raise ProvisionError("set GRAFANA_TOKEN (a Grafana service account token) or pass --create-token")
        dashboards = outputs.get("grafana_dashboards_path")
        dashboards_dir = (TERRAFORM_DIR / dashboards).resolve() if dashboards else None
        try:
            rules = ALERT_RULES if args.alert_rules else None
            for line in provision(Grafana(url, token), datasources, dashboards_dir, args.auth_type, rules):
                print(line)
        finally:
            if revoke:
                revoke()
    except ProvisionError as exc:
        print(f"provision_grafana: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
