"""Who can use each project key, decided from the evaluated key policies and role policies (iam_eval): every
principal of the account needs an explicit grant, except Amazon Connect's service-linked role, which writes
the stream through Kinesis only; and every project role can use exactly the keys its work needs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import STORE_VARIABLES
from .iam_eval import Account, Request
from .tf_eval import ACCOUNT, Instance

REGION = "eu-west-2"
SERVICES = ("s3", "sqs", "lambda", "kinesis", "timestream", "logs", "firehose", "kinesisanalytics", "secretsmanager")
CONNECT_SLR = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_7a1b2c3d"
)
# A principal of the account that may read every object of every bucket and the stream, without any kms:
# permission: with a key usable by "any principal of the account through S3" it would read contact records.
READER = f"arn:aws:iam::{ACCOUNT}:role/analyst"
READER_POLICY = {"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "kinesis:GetRecords"], "Resource": "*"}]}


@pytest.fixture(scope="module", params=["adopted stream", "created stream", "influxdb store"])
def account(request: pytest.FixtureRequest, evaluate: Callable[..., Instance]) -> tuple[Account, Instance]:
    store = STORE_VARIABLES["influxdb"] if request.param == "influxdb store" else {}
    root = evaluate(create_stream=request.param == "created stream", **store)
    return Account.of(root), root


def via(service: str, region: str = REGION) -> dict[str, str]:
    return {"kms:ViaService": f"{service}.{region}.amazonaws.com"}


def test_every_key_policy_names_its_users(account: tuple[Account, Instance]) -> None:
    accounts, _ = account
    assert len(accounts.keys) >= 4, sorted(accounts.keys)
    allowed = []
    for key in accounts.keys:
        region = "eu-west-1" if "timestream" in key else REGION
        for action in ("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt", "kms:CreateGrant"):
            for service in SERVICES:
                request = Request(READER, action, key, via(service, region))
                if accounts.kms_allows(request, [READER_POLICY]):
                    allowed.append(f"{action} on {key} through {service}")
    assert not allowed, "a principal without a kms: grant of its own may use a project key:\n" + "\n".join(allowed)


def test_connects_service_linked_role_writes_a_created_stream_through_kinesis_only(
    evaluate: Callable[..., Instance],
) -> None:
    root = evaluate(create_stream=True)
    accounts = Account.of(root)
    key = root.find("kinesis").outputs["kms_key_arn"]
    assert accounts.kms_allows(Request(CONNECT_SLR, "kms:GenerateDataKey", key, via("kinesis")), [])
    assert not accounts.kms_allows(Request(CONNECT_SLR, "kms:Decrypt", key, via("kinesis")), [])
    assert not accounts.kms_allows(Request(CONNECT_SLR, "kms:GenerateDataKey", key, via("s3")), [])
    other_service_role = CONNECT_SLR.replace("connect.amazonaws.com/AWSServiceRoleForAmazonConnect", "x/ForX")
    assert not accounts.kms_allows(Request(other_service_role, "kms:GenerateDataKey", key, via("kinesis")), [])
    for module in ("history", "flink", "lambdas", "timestream"):
        for project_key in (k for k in accounts.keys if f":{module}.key/" in k):
            assert not accounts.kms_allows(Request(CONNECT_SLR, "kms:GenerateDataKey", project_key, via("s3")), [])


def key_of(accounts: Account, module: str) -> str:
    addresses = (f"{module}.key", f"{module}.key[0]", f"{module}[0].key")
    found = [k for k in accounts.keys if any(f":{address}/" in k for address in addresses)]
    assert len(found) == 1, (module, sorted(accounts.keys))
    return found[0]


# (role, module whose key, action, service, the stores that have it) that the deployment needs to work at all.
BOTH = ("timestream", "influxdb")
NEEDED = [
    ("connect-monitor-history-firehose", "history", "kms:GenerateDataKey", "s3", BOTH),
    ("connect-monitor-grafana", "history", "kms:Decrypt", "s3", BOTH),
    ("connect-monitor-grafana", "history", "kms:GenerateDataKey", "s3", BOTH),
    ("connect-monitor-flink", "flink", "kms:Decrypt", "s3", BOTH),
    ("connect-monitor-flink", "influxdb", "kms:Decrypt", "secretsmanager", ("influxdb",)),
    ("connect-monitor-persist-agent-event-lambda", "lambdas", "kms:GenerateDataKey", "sqs", ("timestream",)),
    ("connect-monitor-persist-contact-event-lambda", "lambdas", "kms:Decrypt", "lambda", ("timestream",)),
    ("connect-monitor-instance-data-scheduler", "lambdas", "kms:GenerateDataKey", "sqs", ("timestream",)),
]


@pytest.mark.parametrize(("role", "module", "action", "service", "stores"), NEEDED)
def test_project_roles_use_the_keys_their_work_needs(
    account: tuple[Account, Instance], role: str, module: str, action: str, service: str, stores: tuple[str, ...]
) -> None:
    accounts, root = account
    if root.vars["store"] not in stores:
        pytest.skip(f"{role} uses no {module} key with store = {root.vars['store']}")
    key = key_of(accounts, module)
    assert accounts.kms_allows(Request(accounts.role(role), action, key, via(service))), (role, action, key)


def test_cloudwatch_logs_encrypts_only_the_project_log_groups(account: tuple[Account, Instance]) -> None:
    accounts, _ = account
    logs = f"logs.{REGION}.amazonaws.com"
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/kinesis-analytics/connect-monitor"
    key = key_of(accounts, "flink")
    context = {"kms:EncryptionContext:aws:logs:arn": group}
    assert accounts.kms_allows(Request(logs, "kms:GenerateDataKey", key, context))
    other = {"kms:EncryptionContext:aws:logs:arn": group.replace("connect-monitor", "someone-else")}
    assert not accounts.kms_allows(Request(logs, "kms:GenerateDataKey", key, other))
