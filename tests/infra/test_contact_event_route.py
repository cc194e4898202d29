"""Contact events onto the shared stream: the EventBridge rule's second target puts each event, as its whole
envelope, onto the stream the job reads, with a role EventBridge alone assumes, which may put records on that
stream and encrypt them with its key (created or adopted), and nothing else."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from jsonpath_ng import parse as jsonpath

from traffic_generator.simulation import SimulationConfig, simulate

from .iam_eval import Account, Request, decide
from .tf_eval import ACCOUNT, Instance

TARGETS = "aws_cloudwatch_event_target"
ROLE = "connect-monitor-contact-events-to-stream"
KINESIS = {"kms:ViaService": "kinesis.eu-west-2.amazonaws.com"}
ADOPTED_KEY = f"arn:aws:kms:eu-west-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def targets(root: Instance) -> dict[str, dict]:
    lambdas = root.find("lambdas")
    found = {}
    for address in (f"{TARGETS}.contact_events", f"{TARGETS}.contact_events_to_stream"):
        for target in lambdas.resources(address):
            found[target["target_id"]] = target
    return found


def stream_target(root: Instance) -> dict:
    return targets(root)["shared-stream"]


def test_the_rule_invokes_the_function_and_puts_onto_the_stream(evaluate: Callable[..., Instance]) -> None:
    root = evaluate()
    found = targets(root)
    assert set(found) == {"persist-contact-event", "shared-stream"}
    target = found["shared-stream"]
    assert target["arn"] == root.outputs["stream_arn"]
    assert target["rule"] == found["persist-contact-event"]["rule"]
    assert target["kinesis_target"] == [{"partition_key_path": "$.detail.contactId"}]
    # The whole envelope, as the job parses it: no input, input path or transformer.
    for changes_the_event in ("input", "input_path", "input_transformer"):
        assert changes_the_event not in target["tfeval_args"], changes_the_event
    dlq = root.find("lambdas").resources("aws_sqs_queue.dlq")
    assert target["dead_letter_config"][0]["arn"] in [q["arn"] for q in dlq if "persist-contact-event" in q["name"]]


def test_every_contact_event_has_the_partition_key() -> None:
    _, emissions = simulate(
        SimulationConfig(start=datetime(2026, 1, 5, 9, tzinfo=UTC), duration_seconds=300, agents=6, junk_probability=0)
    )
    events = [json.loads(e.data) for e in emissions if e.kind == "contact_event"]
    assert events
    key = jsonpath("$.detail.contactId")
    assert all(len(key.find(event)) == 1 for event in events)


def test_only_the_contact_event_rule_passes_the_role(evaluate: Callable[..., Instance]) -> None:
    root = evaluate()
    account = Account.of(root)
    role = account.role(ROLE)
    assert stream_target(root)["role_arn"] == role
    rule = root.find("lambdas").resources("aws_cloudwatch_event_rule.contact_events")[0]
    rule_arn = root.find("lambdas").locals["contact_event_rule_arn"]
    assert rule_arn.endswith(f":rule/{rule['name']}")
    trust = [account.trust[role]]
    context = {"aws:SourceArn": rule_arn, "aws:SourceAccount": ACCOUNT}
    assert decide(trust, Request("events.amazonaws.com", "sts:AssumeRole", role, context), resource_policy=True)
    other_rule = {**context, "aws:SourceArn": rule_arn + "-other"}
    assert not decide(trust, Request("events.amazonaws.com", "sts:AssumeRole", role, other_rule), resource_policy=True)
    assert not decide(trust, Request("lambda.amazonaws.com", "sts:AssumeRole", role, context), resource_policy=True)


def test_the_role_puts_records_on_the_shared_stream_only(evaluate: Callable[..., Instance]) -> None:
    root = evaluate()
    account = Account.of(root)
    role = account.role(ROLE)
    stream = root.outputs["stream_arn"]
    for action in ("kinesis:PutRecord", "kinesis:PutRecords"):
        assert account.identity_allows(Request(role, action, stream))
        assert not account.identity_allows(Request(role, action, stream + "-other"))
    assert not account.identity_allows(Request(role, "kinesis:GetRecords", stream))
    assert not any("kms:" in a for p in account.roles[role] for s in p["Statement"] for a in s["Action"])


def test_the_role_encrypts_with_a_created_streams_key(evaluate: Callable[..., Instance]) -> None:
    root = evaluate(create_stream=True)
    account = Account.of(root)
    key = root.find("kinesis").outputs["kms_key_arn"]
    assert account.kms_allows(Request(account.role(ROLE), "kms:GenerateDataKey", key, KINESIS))
    assert not account.kms_allows(Request(account.role(ROLE), "kms:Decrypt", key, KINESIS))


def test_the_role_encrypts_with_an_adopted_streams_key(evaluate: Callable[..., Instance]) -> None:
    data = {"aws_kinesis_stream.existing": {"encryption_type": "KMS", "kms_key_id": ADOPTED_KEY}}
    root = evaluate(data, existing_stream_kms_key_arn=ADOPTED_KEY)
    account = Account.of(root)
    assert account.identity_allows(Request(account.role(ROLE), "kms:GenerateDataKey", ADOPTED_KEY, KINESIS))
    outside = {"kms:ViaService": "s3.eu-west-2.amazonaws.com"}
    assert not account.identity_allows(Request(account.role(ROLE), "kms:GenerateDataKey", ADOPTED_KEY, outside))


@pytest.mark.parametrize("create_stream", [False, True])
def test_turned_off_there_is_neither_target_nor_role(evaluate: Callable[..., Instance], create_stream: bool) -> None:
    root = evaluate(contact_events_to_stream=False, create_stream=create_stream)
    assert set(targets(root)) == {"persist-contact-event"}
    assert ROLE not in Account.of(root).names
