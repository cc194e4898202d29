"""What the roles may do, from the evaluated policies: Grafana's role can run what its plugins call and
nothing wider, the job writes exactly its tables, and every statement on "*" holds only actions that AWS
gives no resource type (checked against IAM's own action table, bundled with policy_sentry)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import pytest
from policy_sentry.querying.actions import get_action_data

from .iam_eval import Account, Request
from .tf_eval import ACCOUNT, Instance

REGION = "eu-west-2"
CATALOG = f"arn:aws:athena:{REGION}:{ACCOUNT}:datacatalog/AwsDataCatalog"


@pytest.fixture(scope="module")
def root(evaluate: Callable[..., Instance]) -> Instance:
    return evaluate(create_stream=True)


@pytest.fixture(scope="module")
def account(root: Instance) -> Account:
    return Account.of(root)


@cache
def resource_types(action: str) -> frozenset[str]:
    """ARN formats IAM lets `action` be scoped to ('*' alone: none)."""
    service, name = action.split(":", 1)
    data = get_action_data(service, name)
    assert data, f"IAM's table does not know {action}"
    return frozenset(entry["resource_arn_format"] for entries in data.values() for entry in entries)


def test_statements_on_star_hold_only_actions_without_a_resource_type(account: Account) -> None:
    problems = []
    checked = 0
    for role, policies in account.roles.items():
        for policy in policies:
            for statement in policy["Statement"]:
                if statement["Effect"] != "Allow" or statement.get("Resource") != ["*"]:
                    continue
                for action in statement["Action"]:
                    checked += 1
                    scoped = resource_types(action) - {"*"}
                    if scoped:
                        problems.append(f"{role} {statement.get('Sid')}: {action} on '*' could be scoped to {scoped}")
    assert checked >= 10
    assert not problems, "\n".join(problems)


def grafana(account: Account) -> str:
    return account.role("connect-monitor-grafana")


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        # The Timestream plugin: the health check runs `SELECT 1`, then queries, cancellations, pickers.
        ("timestream:SelectValues", "*"),
        ("timestream:CancelQuery", "*"),
        ("timestream:DescribeEndpoints", "*"),
        ("timestream:ListDatabases", "*"),
        # The Athena plugin's query editor: catalog, database, table and workgroup pickers, then a query.
        ("athena:ListDataCatalogs", "*"),
        ("athena:ListWorkGroups", "*"),
        ("athena:ListDatabases", CATALOG),
        ("athena:ListTableMetadata", CATALOG),
        ("athena:GetTableMetadata", CATALOG),
        ("athena:GetDataCatalog", CATALOG),
        ("glue:GetDatabases", f"arn:aws:glue:{REGION}:{ACCOUNT}:catalog"),
    ],
)
def test_grafana_may_call_what_its_plugins_call(account: Account, action: str, resource: str) -> None:
    assert account.identity_allows(Request(grafana(account), action, resource)), (action, resource)


def test_grafana_queries_every_table_and_the_workgroup(root: Instance, account: Account) -> None:
    tables = root.find("timestream[0]").outputs["table_arns"]
    for arn in tables.values():
        assert account.identity_allows(Request(grafana(account), "timestream:Select", arn))
    history = root.find("history").outputs
    for action in ("athena:StartQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"):
        assert account.identity_allows(Request(grafana(account), action, history["athena_workgroup_arn"]))
    assert len(history["glue_table_arns"]) == 3
    for arn in history["glue_table_arns"]:
        assert account.identity_allows(Request(grafana(account), "glue:GetTable", arn))


def test_grafana_reads_nothing_else(account: Account) -> None:
    other_catalog = CATALOG.replace("AwsDataCatalog", "SomeoneElses")
    assert not account.identity_allows(Request(grafana(account), "athena:ListDatabases", other_catalog))
    other_table = f"arn:aws:timestream:eu-west-1:{ACCOUNT}:database/other/table/x"
    assert not account.identity_allows(Request(grafana(account), "timestream:Select", other_table))
    assert not account.identity_allows(Request(grafana(account), "timestream:WriteRecords", "*"))


def test_the_job_writes_exactly_its_tables(root: Instance, account: Account) -> None:
    flink_tables = set(root.outputs["timestream_tables_by_writer"]["flink"])
    assert flink_tables == {
        "agent_state_by_queue",
        "queue_contact_metrics",
        "queue_contact_metrics_rolling",
        "queue_contact_metrics_daily",
        "queue_contacts_waiting",
    }
    job = account.role("connect-monitor-flink")
    for name, arn in root.find("timestream[0]").outputs["table_arns"].items():
        allowed = account.identity_allows(Request(job, "timestream:WriteRecords", arn))
        assert allowed == (name in flink_tables), name


def test_the_daily_table_keeps_rows_in_memory_while_they_are_rewritten(root: Instance) -> None:
    tables = root.find("timestream[0]").vars["tables"]
    # Its row time is the local midnight and the row is rewritten for up to ~26 h: a 24 h memory store
    # would push the last rewrites to the magnetic store (hours before they are queryable).
    assert tables["queue_contact_metrics_daily"]["memory_store_retention_hours"] >= 27
    assert all(t["memory_store_retention_hours"] >= 24 for t in tables.values())
