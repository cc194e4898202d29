"""The template variables as Grafana's templateSrv applies them, at the edge where the dashboards used to break.

When no agent is logged in the job writes no snapshot, the lists are empty and "All" is all there is. Grafana turns
"All" into every listed value, i.e. nothing, and `queue_name IN ()` is a SQL error in every panel; with a custom
all-value it inserts that value as it is (`'__all__'`), which `sql.selected` treats as "every row".
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import pytest

from grafana import sql
from grafana.local import dashboard
from grafana.local.interpolation import ALL, QueryContext
from grafana.local.timestream import SyntaxRefused
from tests.grafana.test_queries import DOCUMENTS, SQL_QUERIES, VARIABLE_QUERIES, all_selected

NOTHING_LISTED = {"instance": [], "queue": [], "channel": []}
RANGE = timedelta(hours=1)


@pytest.mark.parametrize("query", SQL_QUERIES, ids=[q.id for q in SQL_QUERIES])
def test_every_panel_query_runs_when_all_lists_nothing(
    query: dashboard.PanelQuery, engine: duckdb.DuckDBPyConnection, data_end: datetime
) -> None:
    context = query.context(data_end, RANGE, all_selected(), options=NOTHING_LISTED)
    dashboard.run(engine, query.datasource_type, query.sql, context)  # raises on a SQL error


@pytest.mark.parametrize("case", VARIABLE_QUERIES, ids=[f"{c[0]}: ${c[1]}" for c in VARIABLE_QUERIES])
def test_every_variable_query_runs_when_all_lists_nothing(
    case: tuple[str, str, str, str], engine: duckdb.DuckDBPyConnection, data_end: datetime
) -> None:
    document, _, source_type, text = case
    custom_all = dashboard.all_values(DOCUMENTS[document])
    query = dashboard.PanelQuery(document, "", "", source_type, {}, None, None, custom_all)
    dashboard.run(engine, source_type, text, query.context(data_end, RANGE, all_selected(), options=NOTHING_LISTED))


def test_without_the_custom_all_value_all_would_be_an_empty_in(
    engine: duckdb.DuckDBPyConnection, data_end: datetime
) -> None:
    """What the dashboards before issue 15 sent (no allValue): the failure the tests above guard against."""
    context = QueryContext(data_end - RANGE, data_end, variables=all_selected(), options=NOTHING_LISTED)
    old_filter = "SELECT 1 FROM $__database.agent_state_by_queue WHERE queue_name IN (${queue:sqlstring})"
    with pytest.raises(SyntaxRefused, match="empty IN list"):
        dashboard.run(engine, "grafana-timestream-datasource", old_filter, context)


def test_all_holds_every_row_and_a_selection_only_its_own(
    engine: duckdb.DuckDBPyConnection, data_end: datetime
) -> None:
    count = f"SELECT count(DISTINCT queue_name) FROM $__database.agent_state_by_queue WHERE {sql.QUEUE}"
    custom_all = dashboard.all_values(DOCUMENTS["connect-realtime.json"])

    def queues(selection: list[str]) -> int:
        context = QueryContext(data_end - RANGE, data_end, variables={"queue": selection}, all_values=custom_all)
        return dashboard.run(engine, "grafana-timestream-datasource", count, context)[1][0][0]

    assert queues([ALL]) == 3 and queues(["Sales"]) == 1 and queues(["Sales", "Billing"]) == 2


@pytest.mark.parametrize("name", DOCUMENTS)
def test_query_variables_refresh_on_load_not_at_every_auto_refresh(name: str) -> None:
    found = [v for v in DOCUMENTS[name]["templating"]["list"] if v["type"] == "query"]
    assert found and all(v["refresh"] == 1 for v in found)  # 1: on dashboard load; 2 ran at every auto-refresh
    assert not any("$__timeFilter" in v["query"] for v in found), "a list independent of the dashboard's range"
