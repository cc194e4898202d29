"""What a review against Grafana and the plugins' own source checks by hand, as code, on the generated files.

`dashboard_problems` reads a dashboard as Grafana's file provisioning hands it to Grafana (the JSON as it is) and
reports, each with the rule it breaks:

- variables: an `id` (Grafana before the Scenes renderer keys variables by it: the SDK's shared placeholder keeps
  one variable), "All" without a custom all-value (no options give `IN ()`), refresh on time-range change (every
  auto-refresh of a relative range), an unknown data source, a query naming an undefined variable;
- targets: a data source that is not provisioned, a field the plugin's query model does not have, a missing required
  field, a macro the plugin does not expand, Athena's `$__timeFilter(col)` (written in the server's local time),
  a stat or table whose Timestream target does not wait for the whole result, a `-- Dashboard --` target naming no
  panel with a query, and the same query run by two panels (share it instead).

`rules_problems` does the same for the alert rules' provisioning file; `sdk_losses` is the schema check: what the
foundation SDK's own models drop or change when they read a document back (an unknown key, a wrong shape).

Query models, from the plugins' source (read, not copied): Timestream src/types.ts `TimestreamQuery` (`rawQuery`,
`database`, `table`, `measure`) and src/DataSource.ts (`waitForResult`); Athena src/types.ts `AthenaQuery` with
@grafana/aws-sdk's `SQLQuery` (`rawSQL`, `format`, `connectionArgs`, `table`, `column`, `queryID`); InfluxDB from
Grafana's backend (pkg/tsdb/influxdb/models/model_parser.go: `query`, `rawQuery`, `resultFormat`, `alias`, `policy`,
`measurement`, `tags`, `groupBy`, `select`, `limit`, `slimit`, `tz`, `orderByTime`; raw InfluxQL needs `rawQuery`
true, else Grafana builds a query from the editor's fields and ignores the text); CloudWatch and `-- Dashboard --`
from the SDK's models (generated from Grafana's schemas).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.cog.plugins import register_default_plugins
from grafana_foundation_sdk.models import alerting, cloudwatch, expr
from grafana_foundation_sdk.models import dashboard as dashboard_model
from grafana_foundation_sdk.models import datasource as dashboard_datasource

from grafana import datasources, influxdb_query, timestream_query
from grafana.local.influxql import BACKEND_MACROS, GLOBAL_TIME_VARIABLES
from grafana.local.interpolation import ATHENA_MACROS, TIMESTREAM_MACROS, referenced_variables

GRAFANA_FIELDS = {"refId", "datasource", "hide", "queryType", "key"}  # Grafana's DataQuery, every plugin
PLUGIN_FIELDS = {
    datasources.TIMESTREAM.type: {"rawQuery", "database", "table", "measure", "waitForResult"},
    datasources.ATHENA.type: {"rawSQL", "format", "connectionArgs", "table", "column", "queryID"},
    datasources.INFLUXDB.type: {
        "query",
        "rawQuery",
        "resultFormat",
        "alias",
        "policy",
        "measurement",
        "tags",
        "groupBy",
        "select",
        "limit",
        "slimit",
        "tz",
        "orderByTime",
    },
}
REQUIRED = {
    datasources.TIMESTREAM.type: ("rawQuery",),
    datasources.ATHENA.type: ("rawSQL", "format", "connectionArgs"),
    datasources.INFLUXDB.type: ("query", "rawQuery", "resultFormat"),
}
RESULT_FORMATS = (influxdb_query.TIME_SERIES, influxdb_query.TABLE)
ATHENA_CONNECTION_ARGS = {"region", "catalog", "database", "resultReuseEnabled", "resultReuseMaxAgeInMinutes"}
SDK_MODELS = {"cloudwatch": cloudwatch.CloudWatchMetricsQuery, "datasource": dashboard_datasource.Dataquery}
MACROS = {
    datasources.TIMESTREAM.type: TIMESTREAM_MACROS,
    datasources.ATHENA.type: ATHENA_MACROS,
    datasources.INFLUXDB.type: BACKEND_MACROS,
}
# Names a query may use without the dashboard defining them: Grafana's own (InfluxQL: its backend's $timeFilter and
# $interval, and the global ${__from} / ${__to}).
GLOBAL_NAMES = {datasources.INFLUXDB.type: {"timeFilter", "interval", *GLOBAL_TIME_VARIABLES}}
SQL_FIELD = {datasources.TIMESTREAM.type: "rawQuery", datasources.ATHENA.type: "rawSQL"}
SQL_FIELD[datasources.INFLUXDB.type] = "query"  # the query's text, whatever its language
ON_TIME_RANGE_CHANGED = 2
WAITS_FOR_RESULT = ("stat", "table")
NO_DATA_STATES, ERROR_STATES = {"OK", "Alerting", "NoData"}, {"OK", "Alerting", "Error"}


def _known_sources() -> set[tuple[str, str]]:
    return {(ds.type, ds.uid) for ds in (*datasources.ALL, datasources.DASHBOARD)}


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=JSONEncoder))


def _model_fields_problems(where: str, source_type: str, target: dict[str, Any]) -> list[str]:
    if source_type in PLUGIN_FIELDS:
        problems = [f"{where}: field {k!r} is not in the {source_type} query model" for k in sorted(target)
                    if k not in PLUGIN_FIELDS[source_type] | GRAFANA_FIELDS]  # fmt: skip
        problems += [f"{where}: no {k!r}" for k in REQUIRED[source_type] if not target.get(k) and target.get(k) != 0]
        if source_type == datasources.INFLUXDB.type:
            if target.get("rawQuery") is not True:
                problems.append(f"{where}: rawQuery must be true, else Grafana builds the query from the editor")
            if target.get("resultFormat") not in RESULT_FORMATS:
                problems.append(f"{where}: resultFormat {target.get('resultFormat')!r} is none of {RESULT_FORMATS}")
            return problems
        extra = set(target.get("connectionArgs") or {}) - ATHENA_CONNECTION_ARGS
        return problems + [f"{where}: connectionArgs {sorted(extra)} unknown to the Athena plugin"] * bool(extra)
    model = SDK_MODELS.get(source_type)
    if model is None:
        return [f"{where}: no query model known for data source type {source_type!r}"]
    lost = set(target) - set(_plain(model.from_json(target)))
    return [f"{where}: field {k!r} is not in the {source_type} query model" for k in sorted(lost)]


def _sql_problems(where: str, source_type: str, text: str, variables: set[str]) -> list[str]:
    problems = [f"{where}: macro {m} is not one the {source_type} plugin expands"
                for m in sorted(set(re.findall(r"\$__\w+", text)) - set(MACROS[source_type]))]  # fmt: skip
    if source_type == datasources.INFLUXDB.type and re.search(r"\bnow\(\)", text):
        problems.append(f"{where}: now() is the InfluxDB server's clock: use ${{__to}}ms, the dashboard's end")
    if source_type == datasources.ATHENA.type and re.search(r"\$__timeFilter\s*\(", text):
        problems.append(f"{where}: Athena's $__timeFilter(col) is in the server's local time: use $__timeFrom()")
    undefined = referenced_variables(text) - variables - {""} - GLOBAL_NAMES.get(source_type, set())
    problems += [f"{where}: variable ${name} is not defined by the dashboard" for name in sorted(undefined)]
    return problems


def _variable_problems(board: dict[str, Any]) -> list[str]:
    problems, found = [], board.get("templating", {}).get("list", [])
    ids = Counter(v["id"] for v in found if "id" in v)
    for v in found:
        where = f"variable ${v['name']}"
        if "id" in v:
            shared = " (shared by several variables)" if ids[v["id"]] > 1 else ""
            problems.append(f"{where}: has an id {v['id']}{shared}: Grafana before Scenes keys variables by id")
        if v.get("includeAll") and not v.get("allValue"):
            problems.append(f"{where}: 'All' has no custom all-value: with no options it expands to nothing")
        if v.get("type") == "query":
            if v.get("refresh") == ON_TIME_RANGE_CHANGED:
                problems.append(f"{where}: refreshes on time-range change, i.e. at every auto-refresh")
            source = v.get("datasource") or {}
            if (source.get("type"), source.get("uid")) not in _known_sources():
                problems.append(f"{where}: data source {source} is not provisioned")
            query = v["query"] if isinstance(v["query"], str) else v["query"].get("query", "")
            problems += _sql_problems(where, source.get("type"), query, {x["name"] for x in found})
    names = Counter(v["name"] for v in found)
    return problems + [f"variable ${n}: defined {c} times" for n, c in names.items() if c > 1]


def dashboard_problems(board: dict[str, Any]) -> list[str]:
    problems = _variable_problems(board)
    variables = {v["name"] for v in board.get("templating", {}).get("list", [])}
    panels = {p["id"]: p for p in board.get("panels", [])}
    if len(panels) != len(board.get("panels", [])):
        problems.append("panel ids are not unique")
    runs: Counter[tuple[str, str]] = Counter()
    for panel in board.get("panels", []):
        for target in panel.get("targets") or []:
            where = f"panel {panel.get('title')!r} [{target.get('refId')}]"
            source = target.get("datasource") or panel.get("datasource") or {}
            kind = source.get("type")
            if (kind, source.get("uid")) not in _known_sources():
                problems.append(f"{where}: data source {source} is not provisioned")
                continue
            problems += _model_fields_problems(where, kind, target)
            if kind in SQL_FIELD and target.get(SQL_FIELD[kind]):
                text = target[SQL_FIELD[kind]]
                problems += _sql_problems(where, kind, text, variables)
                runs[(kind, text)] += 1
            waits = target.get("waitForResult")
            if kind == datasources.TIMESTREAM.type and panel["type"] in WAITS_FOR_RESULT and not waits:
                problems.append(f"{where}: a {panel['type']} must wait for the whole result (waitForResult)")
            if kind == datasources.DASHBOARD.type:
                shown = panels.get(target.get("panelId"), {})
                if not any((t.get("datasource") or {}).get("type") in SQL_FIELD for t in shown.get("targets") or []):
                    problems.append(f"{where}: -- Dashboard -- panelId {target.get('panelId')} has no query")
    problems += [f"the same {kind} query runs in {n} panels: run it once, share it (-- Dashboard --)"
                 for (kind, _), n in runs.items() if n > 1]  # fmt: skip
    return problems


def provisioned_dashboard_problems(boards: dict[str, dict[str, Any]]) -> list[str]:
    """What Grafana's file provider requires of the files in one folder: a title, a uid (at most 40 characters),
    both unique."""
    problems = []
    for name, board in boards.items():
        if not board.get("title") or not board.get("uid") or len(board["uid"]) > 40:
            problems.append(f"{name}: needs a title and a uid of at most 40 characters")
        problems += [f"{name}: {p}" for p in dashboard_problems(board)]
    for key in ("uid", "title"):
        counts = Counter(b.get(key) for b in boards.values())
        problems += [f"{key} {v!r} is used by {n} dashboards" for v, n in counts.items() if n > 1]
    return problems


def rules_problems(document: dict[str, Any]) -> list[str]:
    """The alert rules' file-provisioning document (apiVersion 1, groups of rules)."""
    problems = [] if document.get("apiVersion") == 1 else ["apiVersion must be 1"]
    uids: Counter[str] = Counter()
    known_uids = {ds.uid: ds.type for ds in datasources.ALL}
    for group in document.get("groups", []):
        if not (group.get("name") and group.get("folder") and group.get("interval")):
            problems.append(f"group {group.get('name')!r}: needs name, folder and interval")
        for rule in group.get("rules", []):
            where = f"rule {rule.get('uid')!r}"
            uids[rule.get("uid")] += 1
            refs = {item["refId"] for item in rule.get("data", [])}
            if rule.get("condition") not in refs:
                problems.append(f"{where}: condition {rule.get('condition')!r} is none of its queries {sorted(refs)}")
            if rule.get("noDataState") not in NO_DATA_STATES or rule.get("execErrState") not in ERROR_STATES:
                problems.append(f"{where}: noDataState / execErrState not one Grafana knows")
            for item in rule.get("data", []):
                problems += _rule_query_problems(f"{where} [{item['refId']}]", item, refs, known_uids)
    return problems + [f"rule uid {u!r} is used {n} times" for u, n in uids.items() if n > 1]


def _rule_query_problems(where: str, item: dict[str, Any], refs: set[str], known: dict[str, str]) -> list[str]:
    model, uid = item.get("model", {}), item.get("datasourceUid")
    if uid == datasources.EXPRESSIONS_UID:
        kinds = {"threshold": expr.TypeThreshold, "reduce": expr.TypeReduce, "math": expr.TypeMath}
        if model.get("type") not in kinds:
            return [f"{where}: expression type {model.get('type')!r} not used here"]
        problems = [f"{where}: expression refers to {model.get('expression')!r}, not a query"] * (
            model.get("type") != "math" and model.get("expression") not in refs
        )
        lost = set(model) - set(_plain(kinds[model["type"]].from_json(model)))
        return problems + [f"{where}: field {k!r} is not in the {model['type']} expression" for k in sorted(lost)]
    if uid not in known:
        return [f"{where}: data source uid {uid!r} is not provisioned"]
    problems = [] if "relativeTimeRange" in item else [f"{where}: a data source query needs its relativeTimeRange"]
    kind = known[uid]
    problems += _model_fields_problems(where, kind, model)
    if kind in SQL_FIELD:
        problems += _sql_problems(where, kind, model.get(SQL_FIELD[kind], ""), set())
    return problems


def _losses(original: Any, decoded: Any, path: str = "") -> list[str]:
    if isinstance(original, dict):
        if not isinstance(decoded, dict):
            return [f"{path}: read back as {type(decoded).__name__}"]
        return [p for k, v in original.items() for p in
                ([f"{path}/{k}: dropped"] if k not in decoded else _losses(v, decoded[k], f"{path}/{k}"))]  # fmt: skip
    if isinstance(original, list):
        if not isinstance(decoded, list) or len(decoded) != len(original):
            return [f"{path}: list read back differently"]
        return [
            p for i, (a, b) in enumerate(zip(original, decoded, strict=True)) for p in _losses(a, b, f"{path}[{i}]")
        ]
    return [] if original == decoded else [f"{path}: {original!r} read back as {decoded!r}"]


def sdk_losses(kind: str, document: dict[str, Any]) -> list[str]:
    """What the foundation SDK's models lose reading `document` back: `kind` is "dashboard" or "rule" (one rule
    of the provisioning file, in the API's shape)."""
    register_default_plugins()
    timestream_query.register()
    influxdb_query.register()
    model = {"dashboard": dashboard_model.Dashboard, "rule": alerting.Rule}[kind]
    try:
        decoded = _plain(model.from_json(document))
    except (TypeError, KeyError, AttributeError) as error:
        return [f"the SDK's {model.__name__} cannot read it: {error!r}"]
    return _losses(document, decoded)
