"""infra/scripts/provision_grafana.py against a stand-in Grafana HTTP API on 127.0.0.1."""

from __future__ import annotations

import importlib.util
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from .tf_config import REPO

SCRIPT = REPO / "infra/scripts/provision_grafana.py"


def load_script():
    spec = importlib.util.spec_from_file_location("provision_grafana", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeGrafana(BaseHTTPRequestHandler):
    datasources: ClassVar[dict[str, dict]] = {}
    dashboards: ClassVar[dict[str, dict]] = {}
    folders: ClassVar[dict[str, dict]] = {}
    rule_groups: ClassVar[dict[str, dict]] = {}
    calls: ClassVar[list[tuple[str, str]]] = []

    def log_message(self, *args) -> None:  # keep pytest output quiet
        pass

    def _reply(self, status: int, body) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") != "Bearer secret":
            self._reply(401, {"message": "Unauthorized"})
            return False
        return True

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path))
        if not self._authorised():
            return
        uid = self.path.rsplit("/", 1)[-1]
        if uid in self.datasources:
            self._reply(200, self.datasources[uid])
        else:
            self._reply(404, {"message": "not found"})

    def do_POST(self) -> None:
        self.calls.append(("POST", self.path))
        if not self._authorised():
            return
        body = self._body()
        if self.path == "/api/datasources":
            self.datasources[body["uid"]] = body
        elif self.path == "/api/folders":
            if body["uid"] in self.folders:  # Grafana answers 409 (or 412) for a folder that exists
                self._reply(409, {"message": "a folder with the same uid already exists"})
                return
            self.folders[body["uid"]] = body
        else:
            self.dashboards[body["dashboard"]["uid"]] = body
        self._reply(200, {"message": "ok"})

    def do_PUT(self) -> None:
        self.calls.append(("PUT", self.path))
        if not self._authorised():
            return
        body = self._body()
        if self.path.startswith("/api/v1/provisioning/folder/"):
            folder = self.path.split("/")[5]
            if folder not in self.folders:
                self._reply(404, {"message": "folder not found"})
                return
            self.rule_groups[self.path] = body
        else:
            self.datasources[body["uid"]] = body
        self._reply(200, {"message": "ok"})


@pytest.fixture
def grafana():
    FakeGrafana.datasources, FakeGrafana.dashboards, FakeGrafana.calls = {}, {}, []
    FakeGrafana.folders, FakeGrafana.rule_groups = {}, {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGrafana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


DATASOURCES = {
    "timestream": {"uid": "connect-timestream", "type": "grafana-timestream-datasource", "jsonData": {}},
    "athena": {"uid": "connect-athena", "type": "grafana-athena-datasource", "jsonData": {}},
}


def write_outputs(tmp_path: Path, url: str, dashboards: Path) -> Path:
    outputs = {
        "grafana_workspace_url": {"value": url},
        "grafana_datasources": {"value": DATASOURCES},
        "grafana_dashboards_path": {"value": str(dashboards)},
    }
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs))
    return path


def test_creates_then_updates_datasources_and_uploads_dashboards(grafana, tmp_path, monkeypatch) -> None:
    script = load_script()
    dashboards = tmp_path / "dashboards"
    dashboards.mkdir()
    (dashboards / "live.json").write_text(json.dumps({"uid": "connect-live", "id": 12, "title": "Live"}))
    outputs = write_outputs(tmp_path, grafana, dashboards)
    monkeypatch.setenv("GRAFANA_TOKEN", "secret")

    assert script.main(["--outputs", str(outputs), "--auth-type", "default"]) == 0
    assert set(FakeGrafana.datasources) == {"connect-timestream", "connect-athena"}
    assert FakeGrafana.datasources["connect-athena"]["jsonData"]["authType"] == "default"
    assert "id" not in FakeGrafana.dashboards["connect-live"]["dashboard"]
    assert FakeGrafana.dashboards["connect-live"]["overwrite"] is True

    FakeGrafana.calls.clear()
    assert script.main(["--outputs", str(outputs)]) == 0
    assert ("PUT", "/api/datasources/uid/connect-timestream") in FakeGrafana.calls


def test_wrong_token_fails_with_a_message(grafana, tmp_path, monkeypatch, capsys) -> None:
    script = load_script()
    outputs = write_outputs(tmp_path, grafana, tmp_path / "none")
    monkeypatch.setenv("GRAFANA_TOKEN", "wrong")
    assert script.main(["--outputs", str(outputs)]) == 1
    assert "HTTP 401" in capsys.readouterr().err


def test_dashboard_without_uid_is_refused(grafana, tmp_path, monkeypatch, capsys) -> None:
    script = load_script()
    dashboards = tmp_path / "dashboards"
    dashboards.mkdir()
    (dashboards / "x.json").write_text(json.dumps({"title": "no uid"}))
    monkeypatch.setenv("GRAFANA_TOKEN", "secret")
    assert script.main(["--outputs", str(write_outputs(tmp_path, grafana, dashboards))]) == 1
    assert "has no uid" in capsys.readouterr().err


def test_provisions_the_alert_rules_in_their_folder_and_again_when_it_exists(grafana, tmp_path, monkeypatch) -> None:
    """Managed Grafana has no file provisioning: the folder and the rule group go through the HTTP API."""
    script = load_script()
    outputs = write_outputs(tmp_path, grafana, tmp_path / "none")
    monkeypatch.setenv("GRAFANA_TOKEN", "secret")
    document = json.loads(script.ALERT_RULES.read_text())
    route = f"/api/v1/provisioning/folder/{document['folder']['uid']}/rule-groups/{document['group']['title']}"
    for _ in range(2):  # the second time the folder exists: a 409, not an error
        assert script.main(["--outputs", str(outputs)]) == 0
    assert set(FakeGrafana.folders) == {"connect-monitor"}
    group = FakeGrafana.rule_groups[route.replace(" ", "%20")]
    assert {r["title"] for r in group["rules"]} == {r["title"] for r in document["group"]["rules"]}
    assert len(group["rules"]) >= 4
    FakeGrafana.rule_groups.clear()
    assert script.main(["--outputs", str(outputs), "--no-alert-rules"]) == 0
    assert not FakeGrafana.rule_groups


INFLUXDB_SECRET = "arn:aws:secretsmanager:eu-west-2:111122223333:secret:connect-monitor/influxdb/grafana-token-AbCdEf"
INFLUXDB = {
    "uid": "connect-influxdb",
    "type": "influxdb",
    "url": "https://example-abc.timestream-influxdb.eu-west-2.on.aws:8086",
    "jsonData": {"version": "InfluxQL", "dbName": "connect_monitor", "httpHeaderName1": "Authorization"},
    "secureJsonDataFromSecrets": {"httpHeaderValue1": {"secret_arn": INFLUXDB_SECRET, "template": "Token {token}"}},
}


@pytest.mark.parametrize("stored", ["tok-123", '{"engine": "timestream-influxdb", "token": "tok-123", "org": "o"}'])
def test_the_influxdb_token_comes_from_its_secret_and_reaches_grafana_only(grafana, stored: str) -> None:
    script = load_script()
    read = []

    def read_secret(arn: str) -> str:
        read.append(arn)
        return script.token_of(stored, arn)

    client = script.Grafana(grafana, "secret")
    script.provision(client, {"influxdb": INFLUXDB}, None, "default", None, read_secret=read_secret)
    sent = FakeGrafana.datasources["connect-influxdb"]
    assert read == [INFLUXDB_SECRET]
    assert sent["secureJsonData"] == {"httpHeaderValue1": "Token tok-123"}
    assert "secureJsonDataFromSecrets" not in sent and "authType" not in sent["jsonData"]
    assert INFLUXDB["secureJsonDataFromSecrets"]["httpHeaderValue1"]["secret_arn"] == INFLUXDB_SECRET  # not mutated


@pytest.mark.parametrize("stored", ["", "   ", '{"token": ""}', '{"org": "o"}'])
def test_an_empty_token_secret_stops_with_the_fix(stored: str) -> None:
    script = load_script()
    with pytest.raises(script.ProvisionError, match="holds no token"):
        script.token_of(stored, INFLUXDB_SECRET)
