"""The alert rules, executed like the panel queries: each Timestream rule's query runs on the pipeline's output and
its threshold is applied as Grafana's alerting would (grafana.local.alerting), with a case that fires and one that
does not. The cases change the targets (as a user would in grafana/targets.yaml) or the moment of evaluation,
never the data.

The CloudWatch rules (dead letters, late agent events, late CTRs) cannot run here: there is no local CloudWatch.
They are validated structurally instead: the metric, namespace and dimensions are ones the project's code emits,
and the expressions reduce the last 10 minutes to a sum that fires above zero.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import duckdb
import pytest
import yaml

from grafana import alerts, build, targets
from grafana.local import alerting, timestream
from grafana.targets import Targets
from tests.grafana.conftest import UNSTAFFED_QUEUE, JobRun
from tests.grafana.test_queries import cloudwatch_problems
from tests.grafana.test_wallboard import without

COMMITTED = yaml.safe_load(build.ALERTING_FILE.read_text())
DEFAULT = vars(targets.load().default)


def rule(uid: str, queue_targets: Targets | None = None) -> dict[str, Any]:
    document = alerts.provisioning_document(queue_targets or targets.load())
    return next(r for r in document["groups"][0]["rules"] if r["uid"] == uid)


def with_targets(default: dict[str, Any], queues: dict[str, Any] | None = None) -> Targets:
    return targets.parse({"default": {**DEFAULT, **default}, "queues": queues or {}})


def test_the_committed_rules_are_the_ones_built_from_the_targets() -> None:
    assert alerts.provisioning_document(targets.load()) == COMMITTED
    uids = [r["uid"] for r in COMMITTED["groups"][0]["rules"]]
    assert uids == [
        "connect-service-level",
        "connect-oldest-contact",
        "connect-job-output-stale",
        "connect-dead-letters",
        "connect-late-agent-events",
        "connect-late-ctrs",
    ]
    assert all(
        r["labels"]["service"] == "connect-monitor" and r["labels"]["severity"] for r in COMMITTED["groups"][0]["rules"]
    )


def test_the_api_form_is_the_same_group_for_the_provisioning_http_api(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m grafana.alerts`: PUT /api/v1/provisioning/folder/{folderUid}/rule-groups/{group} (Managed Grafana)."""
    import json

    assert alerts.main() == 0
    document = json.loads(capsys.readouterr().out)
    assert document["folder"] == {"uid": alerts.FOLDER_UID, "title": alerts.FOLDER_TITLE}
    group = document["group"]
    assert group["title"] == alerts.GROUP and group["folderUid"] == alerts.FOLDER_UID and group["interval"] == 60
    (file_group,) = COMMITTED["groups"]
    for api_rule, file_rule in zip(group["rules"], file_group["rules"], strict=True):
        assert {k: api_rule[k] for k in file_rule} == file_rule
        assert api_rule["folderUID"] == alerts.FOLDER_UID and api_rule["ruleGroup"] == alerts.GROUP


def test_job_output_older_than_2_minutes_fires(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    stale = rule("connect-job-output-stale")
    assert alerting.evaluate(stale, engine, data_end).state == "Normal"  # 30 s after the newest snapshot
    assert alerting.evaluate(stale, engine, data_end + timedelta(seconds=60)).state == "Normal"
    later = alerting.evaluate(stale, engine, data_end + timedelta(minutes=10))
    assert later.state == "Alerting" and list(later.values.values()) == [630]
    stopped = alerting.evaluate(stale, engine, data_end + timedelta(days=2))  # nothing for a day: still a value
    assert stopped.state == "Alerting" and list(stopped.values.values()) == [86400]


def test_oldest_contact_above_its_queues_critical_threshold_fires(
    engine: duckdb.DuckDBPyConnection, data_end: datetime
) -> None:
    """Connect's oldest contact is 12 s in every queue (here without the job's live queue, which takes over where
    the job writes it: see the next test)."""
    with without(engine, "queue_contacts_waiting"):
        _oldest_contact_rule_on_connects_figures(engine, data_end)


def test_the_oldest_contact_rule_takes_the_jobs_live_queue_where_it_has_it(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    """The unstaffed queue's contacts wait on (until queue.max_wait.seconds): the rule fires for it alone."""
    job_run.require("queue_contacts_waiting")
    waiting = [r for r in timestream.final_state(job_run.rows) if r.table == "queue_contacts_waiting"]
    newest = max(r.time for r in waiting if r.time <= data_end)
    oldest: dict[str, float] = {}
    for r in waiting:
        if r.time == newest:
            name = r.dimensions["queue_name"]
            oldest[name] = max(oldest.get(name, 0.0), r.measures["oldest_contact_age_seconds"])
    critical = 600
    relaxed = with_targets({"oldest_contact_warning_seconds": 300, "oldest_contact_critical_seconds": critical})
    fired = alerting.evaluate(rule("connect-oldest-contact", relaxed), engine, data_end).labels_firing("queue")
    assert fired == {q for q, age in oldest.items() if age > critical}
    assert UNSTAFFED_QUEUE in fired, oldest


def _oldest_contact_rule_on_connects_figures(engine: duckdb.DuckDBPyConnection, data_end: datetime) -> None:
    relaxed = alerting.evaluate(rule("connect-oldest-contact", with_targets({})), engine, data_end)
    assert relaxed.state == "Normal" and len(relaxed.values) == 4  # every queue, the unstaffed one too
    strict = alerting.evaluate(
        rule(
            "connect-oldest-contact",
            with_targets({"oldest_contact_warning_seconds": 5, "oldest_contact_critical_seconds": 10}),
        ),
        engine,
        data_end,
    )
    assert strict.state == "Alerting" and strict.labels_firing("queue") == {
        "Sales",
        "Support",
        "Billing",
        UNSTAFFED_QUEUE,
    }
    one_queue = with_targets(
        {}, {"Billing": {"oldest_contact_warning_seconds": 5, "oldest_contact_critical_seconds": 10}}
    )
    assert alerting.evaluate(rule("connect-oldest-contact", one_queue), engine, data_end).labels_firing("queue") == {
        "Billing"
    }
    later = alerting.evaluate(rule("connect-oldest-contact"), engine, data_end + timedelta(minutes=30))
    assert later.state == "Normal" and not later.values  # no figure from the last 5 minutes: no data, not a page


def _served_last_15_minutes(job_run: JobRun, now: datetime) -> dict[str, float]:
    """Per queue, the service level of the contacts in the 15 minutes up to the rolling view's newest end (not
    after `now`), from the job's 60 s windows: the same contacts."""
    final = timestream.final_state(job_run.rows)
    windows = [r for r in final if r.table == "queue_contact_metrics"]
    ends = [r.time for r in final if r.table == "queue_contact_metrics_rolling" and r.time <= now]
    newest = max(ends or [r.time for r in windows])
    recent = [r for r in windows if r.time > newest - timedelta(minutes=15)]
    queued: dict[str, int] = {}
    within: dict[str, float] = {}
    for r in recent:
        queue = r.dimensions["queue_name"]
        queued[queue] = queued.get(queue, 0) + r.measures["contacts_queued"]
        within[queue] = within.get(queue, 0) + r.measures.get("service_level_20s", 0) * r.measures["contacts_queued"]
    return {q: within[q] / n for q, n in queued.items() if n}


def test_service_level_below_its_queues_target_fires(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    served = _served_last_15_minutes(job_run, data_end)
    assert served, "contacts in the last 15 minutes of the simulated hour"
    everyone_at_20s = {q: {"service_level_threshold_seconds": 20} for q in served}
    lenient = with_targets({"service_level_target": 0.0, "service_level_critical": 0.0}, everyone_at_20s)
    assert alerting.evaluate(rule("connect-service-level", lenient), engine, data_end).state == "Normal"
    perfect = with_targets({"service_level_target": 1.0, "service_level_critical": 0.0}, everyone_at_20s)
    evaluation = alerting.evaluate(rule("connect-service-level", perfect), engine, data_end)
    assert evaluation.labels_firing("queue") == {q for q, value in served.items() if value < 1.0}
    for labels, margin in evaluation.values.items():
        assert margin == pytest.approx(served[dict(labels)["queue"]] - 1.0)
    worst = min(served, key=served.get)
    only_worst = with_targets(
        {"service_level_target": 0.0, "service_level_critical": 0.0},
        {**everyone_at_20s, worst: {"service_level_threshold_seconds": 20, "service_level_target": 1.0}},
    )
    fired = alerting.evaluate(rule("connect-service-level", only_worst), engine, data_end).labels_firing("queue")
    assert fired == ({worst} if served[worst] < 1.0 else set())


def test_the_service_level_rule_reads_the_rolling_view_once_the_job_writes_it(
    engine: duckdb.DuckDBPyConnection, job_run: JobRun, data_end: datetime
) -> None:
    job_run.require("queue_contact_metrics_rolling")
    perfect = with_targets({"service_level_target": 1.0, "service_level_critical": 0.0})
    evaluation = alerting.evaluate(rule("connect-service-level", perfect), engine, data_end)
    assert evaluation.values, "rolling figures for the queues with contacts"


@pytest.mark.parametrize("uid", ["connect-dead-letters", "connect-late-agent-events", "connect-late-ctrs"])
def test_cloudwatch_rules_watch_metrics_the_code_emits(uid: str) -> None:
    """Not executed (no local CloudWatch): structural checks only, see the module docstring."""
    cloudwatch_rule = rule(uid)
    query, reduce, threshold = cloudwatch_rule["data"]
    assert cloudwatch_problems(query["model"]) == []
    assert query["relativeTimeRange"] == {"from": 600, "to": 0} and query["model"]["statistic"] == "Sum"
    assert reduce["model"]["type"] == "reduce" and reduce["model"]["reducer"] == "sum"
    assert reduce["model"]["settings"] == {"mode": "replaceNN", "replaceWithValue": 0}  # no datapoint: 0, not NaN
    assert threshold["model"]["conditions"][0]["evaluator"] == {"params": [0], "type": "gt"}
    assert cloudwatch_rule["condition"] == "C" and cloudwatch_rule["noDataState"] == "OK"
    with pytest.raises(alerting.NotExecutable):
        alerting.evaluate(cloudwatch_rule, duckdb.connect(), datetime.now())


def test_a_table_with_two_numbers_is_refused_as_grafana_does() -> None:
    with pytest.raises(alerting.AlertQueryError, match="more than one numeric column"):
        alerting.numeric(["queue", "a", "b"], [("Sales", 1, 2.0)])
    assert alerting.numeric(["queue", "v"], [("Sales", 1), ("Billing", None)]) == {frozenset({("queue", "Sales")}): 1.0}
