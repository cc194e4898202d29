"""Grafana unified-alerting rules as code, built with the foundation SDK's alerting builders from the same SQL
fragments and targets as the wallboard, and provisioned from the repository (grafana/README.md):

- service level below its queue's target over the job's rolling 15 minutes (per queue);
- oldest contact waiting above its queue's critical threshold (per queue: the job's live queue, else Connect's);
- the job's output older than 2 minutes (also when it wrote nothing for a day);
- dead letters (unusable stream records) and late agent events / CTRs rising (CloudWatch).

Each Timestream rule returns one row per alert instance: string columns become its labels, the one number its
value, compared by a threshold expression. Contact points and notification policies are left to the user: the rules
carry `service: connect-monitor` and a `severity` label to route on.

    python -m grafana.alerts    # the rule group as the provisioning HTTP API takes it (Amazon Managed Grafana)

`python -m grafana.build` writes the same rules in Grafana's file-provisioning format
(grafana/provisioning/alerting/connect-monitor.yaml, self-hosted Grafana). JSON goes to stdout only: every *.json
under grafana/ is uploaded as a dashboard by infra/scripts/provision_grafana.py.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from grafana_foundation_sdk.builders import alerting, expr
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import alerting as alerting_model

from grafana import datasources, sql, wallboard
from grafana.panels import cloudwatch_metric, timestream
from grafana.targets import Targets

FOLDER_UID = "connect-monitor"
FOLDER_TITLE = "Connect monitor"
GROUP = "connect-monitor"
INTERVAL_SECONDS = 60
STALE_AFTER_SECONDS = 120
EVERYTHING = "1 = 1"  # rules have no template variables: every instance, queue and channel
LABELS = {"service": "connect-monitor"}
APPLICATION = {"Application": datasources.FLINK_APPLICATION}


def service_level_sql(targets: Targets) -> str:
    """Per queue: service level over the rolling 15 minutes minus the queue's target (negative: below it)."""
    figures = sql.contact_figures(targets.service_level())
    by_queue = "GROUP BY instance_id, queue_name"
    target = targets.case("service_level_target", "q.queue_name")
    return f"""
WITH {sql.last_15_minutes(EVERYTHING)},
rolling_figures AS (SELECT instance_id, queue_name, {figures} FROM rolling {by_queue}),
window_figures AS (SELECT instance_id, queue_name, {figures} FROM windows {by_queue}),
q AS (SELECT instance_id, queue_name FROM rolling UNION SELECT instance_id, queue_name FROM windows),
margins AS (
  SELECT q.instance_id, q.queue_name,
         {sql.ROLLING_OR_WINDOWS.format(figure="service_level")} - {target} AS margin
  FROM q
  LEFT JOIN rolling_instances ri ON ri.instance_id = q.instance_id
  LEFT JOIN rolling_figures r ON r.instance_id = q.instance_id AND r.queue_name = q.queue_name
  LEFT JOIN window_figures wi ON wi.instance_id = q.instance_id AND wi.queue_name = q.queue_name
)
SELECT instance_id AS "instance", queue_name AS "queue", margin AS "service level minus target"
FROM margins WHERE margin IS NOT NULL
"""


def oldest_contact_sql(targets: Targets) -> str:
    """Per queue: the oldest contact's wait minus the queue's critical threshold (positive: above it)."""
    critical = targets.case("oldest_contact_critical_seconds", "q.queue_name")
    return f"""
WITH {wallboard.waiting(EVERYTHING)},
q AS (SELECT instance_id, queue_name FROM waiting UNION SELECT instance_id, queue_name FROM connect_waiting),
margins AS (
  SELECT q.instance_id, q.queue_name, {wallboard.OLDEST} - {critical} AS margin
  FROM q
  LEFT JOIN waiting w ON w.instance_id = q.instance_id AND w.queue_name = q.queue_name
  LEFT JOIN connect_waiting c ON c.instance_id = q.instance_id AND c.queue_name = q.queue_name
)
SELECT instance_id AS "instance", queue_name AS "queue", margin AS "oldest minus critical"
FROM margins WHERE margin IS NOT NULL
"""


JOB_OUTPUT_AGE_SQL = f"""
SELECT coalesce(date_diff('second', max(time), now()), {sql.NO_OUTPUT_FOR_A_DAY}) AS "age"
FROM $__database.{sql.JOB_AGENTS}
WHERE time > ago(1d) AND measure_name = 'agent_state'
"""


def _query(ref_id: str, model: cogbuilder.Builder, uid: str, seconds: int | None = None) -> alerting.Query:
    query = alerting.Query(ref_id).datasource_uid(uid).model(model)
    if seconds is not None:
        query = query.relative_time_range(alerting_model.RelativeTimeRange(from_val=seconds, to=0))
    return query


def _threshold(ref_id: str, source: str, kind: str, value: float) -> alerting.Query:
    condition = expr.ExprTypeThresholdConditions().evaluator(
        expr.ExprTypeThresholdConditionsEvaluator().type(kind).params([value])
    )
    model = expr.TypeThreshold().ref_id(ref_id).expression(source).conditions([condition])
    return _query(ref_id, model, datasources.EXPRESSIONS_UID)


def _rule(uid: str, title: str, queries: list[alerting.Query], **settings: Any) -> alerting.Rule:
    rule = (
        alerting.Rule(title)
        .uid(uid)
        .queries(queries)
        .condition(queries[-1].build().ref_id)
        .folder_uid(FOLDER_UID)
        .rule_group(GROUP)
        .org_id(1)
        .for_val(settings["for_"])
        .no_data_state(settings.get("no_data", "OK"))
        .exec_err_state(settings.get("exec_error", "Error"))
        .labels({**LABELS, "severity": settings["severity"]})
        .annotations({"summary": settings["summary"], "description": settings["description"]})
    )
    return rule


def _timestream_rule(uid: str, title: str, query: str, kind: str, value: float, **settings: Any) -> alerting.Rule:
    queries = [
        _query("A", timestream(query, wait_for_result=True), datasources.TIMESTREAM.uid, 900),
        _threshold("B", "A", kind, value),
    ]
    return _rule(uid, title, queries, **settings)


def _cloudwatch_rule(uid: str, title: str, metric: tuple[str, str, dict[str, str]], **settings: Any) -> alerting.Rule:
    namespace, name, dimensions = metric
    reduce = (
        expr.TypeReduce()
        .ref_id("B")
        .expression("A")
        .reducer("sum")
        .settings(expr.ExprTypeReduceSettings().mode("replaceNN").replace_with_value(0))
    )
    queries = [
        _query("A", cloudwatch_metric("A", namespace, name, dimensions, name), datasources.CLOUDWATCH.uid, 600),
        _query("B", reduce, datasources.EXPRESSIONS_UID),
        _threshold("C", "B", "gt", 0),
    ]
    return _rule(uid, title, queries, **settings)


# (uid, title, (namespace, metric, dimensions), what is counted, description) of the CloudWatch rules.
CLOUDWATCH_RULES = (
    (
        "connect-dead-letters",
        "Dead letters rising",
        (datasources.LAMBDA_METRICS_NAMESPACE, "RejectedRecords", {"service": "persist_agent_event"}),
        "Unusable stream records",
        "Records that are neither an agent event nor a CTR (the job dead-letters them; persist_agent_event counts "
        "them): see the job's dead-letter output for the reasons.",
    ),
    (
        "connect-late-agent-events",
        "Late agent events rising",
        ("AWS/KinesisAnalytics", "agentEventsTooLate", APPLICATION),
        "Agent events too late to count",
        "Dead-lettered as too_late: a shard lagging or a catch-up (docs/ARCHITECTURE.md, Event time).",
    ),
    (
        "connect-late-ctrs",
        "Late CTRs rising",
        ("AWS/KinesisAnalytics", "ctrsTooLate", APPLICATION),
        "CTRs too late to count",
        "Dead-lettered as too_late: CTRs after their window's allowed lateness (docs/METRICS.md).",
    ),
)


def rules(targets: Targets) -> list[alerting.Rule]:
    return [
        _timestream_rule(
            "connect-service-level",
            "Service level below target",
            service_level_sql(targets),
            "lt",
            0,
            for_="5m",
            severity="warning",
            summary="{{ $labels.queue }}: service level below its target over the last 15 minutes",
            description="Service level minus the queue's target (grafana/targets.yaml): {{ $values.A }}.",
        ),
        _timestream_rule(
            "connect-oldest-contact",
            "Oldest contact above critical",
            oldest_contact_sql(targets),
            "gt",
            0,
            for_="1m",
            severity="critical",
            summary="{{ $labels.queue }}: a contact has waited longer than the queue's critical threshold",
            description="Seconds above the critical threshold (grafana/targets.yaml): {{ $values.A }}.",
        ),
        _timestream_rule(
            "connect-job-output-stale",
            "Job output older than 2 minutes",
            JOB_OUTPUT_AGE_SQL,
            "gt",
            STALE_AFTER_SECONDS,
            for_="0s",
            severity="critical",
            no_data="Alerting",
            exec_error="Alerting",
            summary="The Flink job wrote no agent snapshot for {{ $values.A }} s",
            description="The job is stopped or behind (86400: nothing for a day). Its output also pauses while no "
            "agent is logged in (no agent event moves its event time): mute this rule out of hours.",
        ),
        *(
            _cloudwatch_rule(
                uid,
                title,
                metric,
                for_="0s",
                severity="warning",
                summary=f"{what} in the last 10 minutes: {{{{ $values.B }}}}",
                description=description,
            )
            for uid, title, metric, what, description in CLOUDWATCH_RULES
        ),
    ]


def rule_group(targets: Targets) -> alerting.RuleGroup:
    """The group as the provisioning API takes it (PUT /api/v1/provisioning/folder/{folderUid}/rule-groups/{group})."""
    return alerting.RuleGroup(GROUP).folder_uid(FOLDER_UID).interval(INTERVAL_SECONDS).rules(rules(targets))


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=JSONEncoder))


FILE_RULE_KEYS = ("uid", "title", "condition", "data", "noDataState", "execErrState", "for", "labels", "annotations")


def provisioning_document(targets: Targets) -> dict[str, Any]:
    """Grafana's alerting file-provisioning format (provisioning/alerting/*.yaml, apiVersion 1) of the same group:
    the API's rule fields, the folder by title (`folder`), the interval as a duration."""
    group = _plain(rule_group(targets).build())
    return {
        "apiVersion": 1,
        "groups": [
            {
                "orgId": 1,
                "name": group["title"],
                "folder": FOLDER_TITLE,
                "interval": f"{group['interval']}s",
                "rules": [{key: rule[key] for key in FILE_RULE_KEYS if key in rule} for rule in group["rules"]],
            }
        ],
    }


def api_document(targets: Targets) -> str:
    """The rule group as the HTTP API takes it (PUT /api/v1/provisioning/folder/{uid}/rule-groups/{group}), with
    the folder it goes in: what infra/scripts/provision_grafana.py uploads to Amazon Managed Grafana."""
    document = {"folder": {"uid": FOLDER_UID, "title": FOLDER_TITLE}, "group": _plain(rule_group(targets).build())}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    from grafana import targets

    print(api_document(targets.load()), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
