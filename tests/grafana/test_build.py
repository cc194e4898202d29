"""The committed dashboards and provisioning files are exactly what the code generates, and well formed."""

from __future__ import annotations

import json

import pytest

from grafana import build, datasources, figures, history, realtime, targets

DOCUMENTS = {name: build.dashboard_document(name) for name in build.BUILDERS}


def test_committed_files_are_what_the_code_generates() -> None:
    stale = build.drift()
    assert not stale, f"out of date: {[str(p) for p in stale]}: run `python -m grafana.build` and commit"


def test_build_is_deterministic() -> None:
    assert build.artefacts() == build.artefacts()


@pytest.mark.parametrize("name", DOCUMENTS)
def test_dashboard_has_stable_uid_variables_and_refresh(name: str) -> None:
    board = DOCUMENTS[name]
    assert board["uid"] in (realtime.UID, realtime.uid(figures.INFLUXDB), history.UID)
    assert name == f"{board['uid']}.json"
    names = [v["name"] for v in board["templating"]["list"]]
    assert names == ["instance", "queue", "channel", "sl"]
    assert all(v.get("multi") and v.get("includeAll") for v in board["templating"]["list"][:3])
    assert board["refresh"] in ("30s", "5m")
    ids = [p["id"] for p in board["panels"]]
    assert ids == list(range(1, len(ids) + 1))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_panel_has_a_unit_thresholds_and_a_known_data_source(name: str) -> None:
    known = {(ds.type, ds.uid) for ds in (*datasources.ALL, datasources.DASHBOARD)}
    for panel in DOCUMENTS[name]["panels"]:
        if panel["type"] in ("row", "text"):  # text: a figure the InfluxDB dashboard cannot show, and why
            continue
        defaults = panel["fieldConfig"]["defaults"]
        assert defaults.get("unit"), f"{panel['title']}: no unit"
        assert defaults.get("thresholds", {}).get("steps"), f"{panel['title']}: no thresholds"
        assert panel.get("description"), f"{panel['title']}: no description"
        for target in panel["targets"]:
            source = target["datasource"]
            assert (source["type"], source["uid"]) in known, f"{panel['title']}: unknown data source {source}"


@pytest.mark.parametrize("store", figures.STORES, ids=lambda s: s.name)
def test_service_level_panels_colour_the_default_target_bands(store: figures.Store) -> None:
    panels = {p["title"]: p for p in DOCUMENTS[f"{realtime.uid(store)}.json"]["panels"]}
    series = panels["Service level within ${sl} s"]["fieldConfig"]["defaults"]
    default = targets.load().default
    assert series["custom"]["thresholdsStyle"]["mode"] == "area"
    assert [s["value"] for s in series["thresholds"]["steps"]] == [
        None,
        default.service_level_critical,
        default.service_level_target,
    ]
    assert series["unit"] == "percentunit" and series["min"] == 0 and series["max"] == 1


@pytest.mark.parametrize("store", figures.STORES, ids=lambda s: s.name)
def test_per_queue_row_repeats_over_the_queue_variable(store: figures.Store) -> None:
    panels = DOCUMENTS[f"{realtime.uid(store)}.json"]["panels"]
    rows = [p for p in panels if p["type"] == "row" and p.get("repeat") == "queue"]
    assert [r["title"] for r in rows] == ["Queue $queue"]


def test_provisioning_file_is_valid_yaml_listing_every_data_source() -> None:
    import yaml

    document = yaml.safe_load(build.DATASOURCES_FILE.read_text())
    assert document["apiVersion"] == 1
    assert [d["uid"] for d in document["datasources"]] == [ds.uid for ds in datasources.ALL]
    assert json.dumps(document)  # plain data only


def test_shared_panels_point_at_their_source_after_renumbering() -> None:
    """The history dashboard runs each of its two period queries in one panel; the others show those results."""
    panels = {p["id"]: p for p in DOCUMENTS[f"{history.UID}.json"]["panels"]}
    shared = [t for p in panels.values() for t in p.get("targets", []) if t["datasource"]["type"] == "datasource"]
    assert len(shared) == 8  # four more figures, each from the hourly and the daily query
    sources = {t["panelId"] for t in shared}
    assert {panels[i]["targets"][0]["datasource"]["uid"] for i in sources} == {"connect-timestream", "connect-athena"}
