"""The shared stream, created or adopted: readers get the key that encrypts it, or the plan fails naming the
variable; a created stream is one Connect writes to. Evaluated by Terraform (tf_eval), policies as data."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .iam_eval import Account, Request
from .tf_eval import ACCOUNT, Instance

STREAM = "data.aws_kinesis_stream.existing"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_ARN = f"arn:aws:kms:eu-west-2:{ACCOUNT}:key/{KEY_ID}"
OTHER_KEY_ARN = f"arn:aws:kms:eu-west-2:{ACCOUNT}:key/99999999-0000-4000-8000-000000000000"
READERS = ("connect-monitor-flink", "connect-monitor-history-firehose", "connect-monitor-persist-agent-event-lambda")
KINESIS = {"kms:ViaService": "kinesis.eu-west-2.amazonaws.com"}
S3 = {"kms:ViaService": "s3.eu-west-2.amazonaws.com"}
KINESIS_ALIAS_ARN = "arn:aws:kinesis:eu-west-2:111122223333:alias/aws/kinesis"


def adopted(encryption_type: str, kms_key_id: str | None) -> dict:
    return {"aws_kinesis_stream.existing": {"encryption_type": encryption_type, "kms_key_id": kms_key_id}}


def stream_checks(root: Instance) -> list[str]:
    return root.find("kinesis").failed_checks(STREAM)


@pytest.mark.parametrize("key_as_reported", [KEY_ID, KEY_ARN, "alias/connect-stream"])
def test_an_adopted_stream_with_its_own_key_and_no_key_arn_fails_the_plan(
    evaluate: Callable[..., Instance], key_as_reported: str
) -> None:
    failed = stream_checks(evaluate(adopted("KMS", key_as_reported)))
    assert len(failed) == 1, failed
    assert "set existing_stream_kms_key_arn" in failed[0] and key_as_reported in failed[0]


@pytest.mark.parametrize(
    ("encryption", "key"), [("NONE", None), ("KMS", "alias/aws/kinesis"), ("KMS", KINESIS_ALIAS_ARN)]
)
def test_a_stream_without_a_customer_managed_key_needs_none(
    evaluate: Callable[..., Instance], encryption: str, key: str | None
) -> None:
    assert stream_checks(evaluate(adopted(encryption, key))) == []
    wrongly_given = stream_checks(evaluate(adopted(encryption, key), existing_stream_kms_key_arn=KEY_ARN))
    assert len(wrongly_given) == 1 and "existing_stream_kms_key_arn is" in wrongly_given[0], wrongly_given


@pytest.mark.parametrize("key_as_reported", [KEY_ID, KEY_ARN, "alias/connect-stream"])
def test_the_stream_key_given_passes(evaluate: Callable[..., Instance], key_as_reported: str) -> None:
    assert stream_checks(evaluate(adopted("KMS", key_as_reported), existing_stream_kms_key_arn=KEY_ARN)) == []


def test_another_key_than_the_streams_fails_the_plan(evaluate: Callable[..., Instance]) -> None:
    failed = stream_checks(evaluate(adopted("KMS", KEY_ID), existing_stream_kms_key_arn=OTHER_KEY_ARN))
    assert len(failed) == 1 and KEY_ID in failed[0] and OTHER_KEY_ARN in failed[0], failed


def test_every_reader_may_decrypt_the_adopted_streams_key(evaluate: Callable[..., Instance]) -> None:
    root = evaluate(adopted("KMS", KEY_ID), existing_stream_kms_key_arn=KEY_ARN)
    account = Account.of(root)
    for reader in READERS:
        request = Request(account.role(reader), "kms:Decrypt", KEY_ARN, KINESIS)
        assert account.identity_allows(request), f"{reader} cannot decrypt the adopted stream"
        elsewhere = Request(account.role(reader), "kms:Decrypt", KEY_ARN, S3)
        assert not account.identity_allows(elsewhere), f"{reader} may use the stream key outside Kinesis"


def test_every_reader_may_decrypt_a_created_stream(evaluate: Callable[..., Instance]) -> None:
    root = evaluate(create_stream=True)
    account = Account.of(root)
    key = root.find("kinesis").outputs["kms_key_arn"]
    assert key in account.keys
    for reader in READERS:
        assert account.kms_allows(Request(account.role(reader), "kms:Decrypt", key, KINESIS)), reader


# ---------------------------------------------------------------------------------------------
# Association with Connect
# ---------------------------------------------------------------------------------------------


def associations(root: Instance) -> set[str]:
    return {c["resource_type"] for c in root.find("kinesis").resources("aws_connect_instance_storage_config.this")}


def test_a_created_stream_is_associated_with_connect_by_default(evaluate: Callable[..., Instance]) -> None:
    root = evaluate(create_stream=True)
    assert root.failed_validations() == {}
    assert associations(root) == {"CONTACT_TRACE_RECORDS", "AGENT_EVENTS"}
    assert root.find("kinesis").vars["connect_instance_id"] == "00000000-0000-0000-0000-000000000000"


def test_a_created_stream_nobody_writes_to_is_refused(evaluate: Callable[..., Instance]) -> None:
    failed = evaluate(create_stream=True, associate_stream_with_connect=False).failed_validations()
    assert list(failed) == ["associate_stream_with_connect"], failed
    assert "associate_stream_with_connect" in failed["associate_stream_with_connect"][0]


@pytest.mark.parametrize(("associate", "expected"), [(None, set()), (True, {"CONTACT_TRACE_RECORDS", "AGENT_EVENTS"})])
def test_an_adopted_stream_is_associated_only_when_asked(
    evaluate: Callable[..., Instance], associate: bool | None, expected: set[str]
) -> None:
    root = evaluate(associate_stream_with_connect=associate)
    assert root.failed_validations() == {}
    assert associations(root) == expected
