"""The root variable `store`: "timestream" is today's deployment, untouched; "influxdb" replaces Timestream for
LiveAnalytics with a private Timestream for InfluxDB instance in the caller's VPC, the job and Grafana joining
that VPC. Evaluated by Terraform (tf_eval), policies judged as data (iam_eval)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .conftest import STORE_VARIABLES, SUBNET_IDS, VPC_ID
from .iam_eval import Account, Request
from .test_policy_scope import resource_types
from .tf_config import TERRAFORM, Module, body_items
from .tf_eval import ACCOUNT, Instance

REGION = "eu-west-2"
INFLUXDB = STORE_VARIABLES["influxdb"]
JOB_ROLE = "connect-monitor-flink"
SUBNET_ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{SUBNET_IDS[0]}"
VPC_ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/{VPC_ID}"
ENI_ARN = f"arn:aws:ec2:{REGION}:{ACCOUNT}:network-interface/eni-0123456789abcdef0"


@pytest.fixture(scope="module")
def timestream(evaluate: Callable[..., Instance]) -> Instance:
    return evaluate()


@pytest.fixture(scope="module")
def influxdb(evaluate: Callable[..., Instance]) -> Instance:
    return evaluate(**INFLUXDB)


def module_paths(root: Instance) -> set[str]:
    return {instance.path for instance in root.walk()}


def one(root: Instance, path: str, address: str) -> dict[str, Any]:
    found = root.find(path).resources(address)
    assert len(found) == 1, (address, found)
    return found[0]


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------


def test_an_unknown_store_is_refused_naming_both(evaluate: Callable[..., Instance]) -> None:
    failed = evaluate(store="livedb").failed_validations()
    assert "store" in failed, failed
    assert '"timestream"' in failed["store"][0] and '"influxdb"' in failed["store"][0]
    assert "Choosing the store" in failed["store"][0]


def test_influxdb_without_subnets_fails_validation_with_the_message(evaluate: Callable[..., Instance]) -> None:
    failed = evaluate(**{**INFLUXDB, "influxdb_subnet_ids": []}).failed_validations()
    assert list(failed) == ["influxdb_subnet_ids"], failed
    message = failed["influxdb_subnet_ids"][0]
    assert message.startswith('store = "influxdb" needs influxdb_subnet_ids')
    assert "creates no VPC" in message


def test_influxdb_without_a_vpc_fails_validation_with_the_message(evaluate: Callable[..., Instance]) -> None:
    failed = evaluate(**{**INFLUXDB, "vpc_id": None}).failed_validations()
    assert "vpc_id" in failed and "this project creates no VPC" in failed["vpc_id"][0], failed


def test_managed_grafana_needs_two_subnets(evaluate: Callable[..., Instance]) -> None:
    one_subnet = {**INFLUXDB, "influxdb_subnet_ids": SUBNET_IDS[:1]}
    assert "influxdb_subnet_ids" in evaluate(**one_subnet).failed_validations()
    assert evaluate(**one_subnet, enable_managed_grafana=False).failed_validations() == {}


def test_timestream_still_needs_its_region(evaluate: Callable[..., Instance]) -> None:
    failed = evaluate(timestream_region=None).failed_validations()
    assert list(failed) == ["timestream_region"], failed
    assert 'required with store = "timestream"' in failed["timestream_region"][0]


def test_both_stores_validate(timestream: Instance, influxdb: Instance) -> None:
    for root in (timestream, influxdb):
        assert root.failed_validations() == {}
        for name in ("flink", "lambdas", "grafana[0]"):
            failed = root.find(name).failed_validations()
            # stand-in tokens are no real ARNs: only the store's own variables are judged here
            assert not set(failed) & {"store", "timestream_region", "vpc", "functions"}, failed
    assert influxdb.find("influxdb[0]").failed_validations() == {}


# ---------------------------------------------------------------------------------------------
# store = "timestream": today's deployment
# ---------------------------------------------------------------------------------------------


def test_timestream_deploys_nothing_of_the_influxdb_store(timestream: Instance) -> None:
    paths = module_paths(timestream)
    assert "timestream[0]" in paths
    assert not any(p.startswith(("influxdb", "vpc_endpoints")) for p in paths), sorted(paths)
    flink = timestream.find("flink")
    assert flink.vars["vpc"] is None and flink.vars["influxdb"] is None
    assert flink.resources("aws_security_group.app") == []
    app = one(timestream, "flink", "aws_kinesisanalyticsv2_application.this")
    assert app["application_configuration"][0]["vpc_configuration"] == []
    workspace = one(timestream, "grafana[0]", "aws_grafana_workspace.this")
    assert workspace["vpc_configuration"] == []
    assert workspace["data_sources"] == ["ATHENA", "CLOUDWATCH", "TIMESTREAM"]
    assert len(timestream.find("lambdas").resources("aws_lambda_function.this")) == 3
    assert timestream.resources("aws_vpc_security_group_ingress_rule.existing_endpoints") == []


def test_timestream_job_properties_are_todays(timestream: Instance) -> None:
    sink = timestream.find("flink").locals["property_groups"]["sink"]
    assert sink == {"types": "timestream", "timestream.database": "connect_monitor", "timestream.region": "eu-west-1"}


def test_tfvars_that_spell_out_sink_types_still_plan(evaluate: Callable[..., Instance], timestream: Instance) -> None:
    """terraform.tfvars written before `store` existed set sink/types = timestream: still accepted, same result."""
    groups = {**timestream.vars["job_properties"], "sink": {"types": "timestream"}}
    root = evaluate(job_properties=groups)
    assert root.find("flink").failed_validations().get("property_groups") is None
    assert root.find("flink").locals["property_groups"] == timestream.find("flink").locals["property_groups"]


# ---------------------------------------------------------------------------------------------
# store = "influxdb"
# ---------------------------------------------------------------------------------------------


def test_influxdb_has_no_timestream_and_no_functions(influxdb: Instance) -> None:
    paths = module_paths(influxdb)
    assert not any(p.startswith("timestream") for p in paths), sorted(paths)
    assert {"influxdb[0]", "vpc_endpoints[0]"} <= paths
    lambdas = influxdb.find("lambdas")
    assert lambdas.resources("aws_lambda_function.this") == []
    # the job still gets contact events: the rule puts them onto the stream, failures into their DLQ
    targets = lambdas.resources("aws_cloudwatch_event_target.contact_events_to_stream")
    assert len(targets) == 1 and targets[0]["arn"] == influxdb.outputs["stream_arn"]
    assert [q["name"] for q in lambdas.resources("aws_sqs_queue.dlq")] == ["connect-monitor-persist-contact-event-dlq"]
    assert influxdb.outputs["timestream_region"] is None and influxdb.outputs["store"] == "influxdb"


def test_the_instance_is_the_smallest_private_one(influxdb: Instance) -> None:
    instance = one(influxdb, "influxdb[0]", "aws_timestreaminfluxdb_db_instance.this")
    assert instance["db_instance_type"] == "db.influx.medium"
    assert instance["db_storage_type"] == "InfluxIOIncludedT1" and instance["allocated_storage"] == 20
    assert instance["deployment_type"] == "SINGLE_AZ"
    assert instance["publicly_accessible"] is False
    assert sorted(instance["vpc_subnet_ids"]) == sorted(SUBNET_IDS)
    module = influxdb.find("influxdb[0]")
    assert instance["vpc_security_group_ids"] == [module.outputs["security_group_id"]]
    assert instance["bucket"] == "connect_monitor" and instance["port"] == 8086
    logs = instance["log_delivery_configuration"][0]["s3_configuration"][0]
    assert logs == {"bucket_name": module.outputs["log_bucket"], "enabled": True}
    assert influxdb.find("influxdb[0]").failed_checks("aws_timestreaminfluxdb_db_instance.this") == []


def test_larger_storage_types_need_400_gib(evaluate: Callable[..., Instance]) -> None:
    root = evaluate(**INFLUXDB, influxdb_storage_type="InfluxIOIncludedT2")
    failed = root.find("influxdb[0]").failed_checks("aws_timestreaminfluxdb_db_instance.this")
    assert len(failed) == 1 and "400 GiB" in failed[0], failed


def test_the_generated_admin_password_never_replaces_the_instance(modules: dict) -> None:
    module: Module = modules[TERRAFORM / "modules/influxdb"]
    block = next(b for b in module.resources if b.type == "aws_timestreaminfluxdb_db_instance")
    assert "data.aws_secretsmanager_random_password.admin" in body_items(block.body)["password"]
    assert "password" in str(block.body["lifecycle"][0]["ignore_changes"])
    generator = next(b for b in module.resources if b.type == "aws_secretsmanager_random_password")
    assert generator.body["exclude_punctuation"] is True  # the API takes letters and digits only


def test_job_properties_come_from_the_instance(influxdb: Instance) -> None:
    module = influxdb.find("influxdb[0]")
    sink = influxdb.find("flink").locals["property_groups"]["sink"]
    assert sink == {
        "types": "influxdb",
        "influxdb.url": f"https://{module.outputs['endpoint']}:8086",
        "influxdb.database": "connect_monitor",
        "influxdb.token.secret_arn": module.outputs["job_token_secret_arn"],
    }
    assert influxdb.outputs["influxdb_token_secret_arn"] == module.outputs["job_token_secret_arn"]
    assert influxdb.outputs["influxdb_endpoint"] == module.outputs["endpoint"]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("types", "timestream"),
        ("types", "influxdb,print"),
        ("influxdb.url", "https://elsewhere.example:8086"),
        ("influxdb.token.secret_arn", f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:other"),
        ("influxdb.database", "other"),
    ],
)
def test_infrastructure_sink_properties_cannot_be_overridden(
    evaluate: Callable[..., Instance], influxdb: Instance, key: str, value: str
) -> None:
    groups = {**influxdb.vars["job_properties"], "sink": {key: value}}
    failed = evaluate(**INFLUXDB, job_properties=groups).find("flink").failed_validations()
    assert "property_groups" in failed, failed
    assert "sink/types is the root variable `store` (influxdb here)" in failed["property_groups"][0]


def test_sink_types_equal_to_the_store_is_accepted(evaluate: Callable[..., Instance], influxdb: Instance) -> None:
    groups = {**influxdb.vars["job_properties"], "sink": {"types": "influxdb"}}
    assert "property_groups" not in evaluate(**INFLUXDB, job_properties=groups).find("flink").failed_validations()


def test_the_job_and_grafana_run_in_the_vpc(influxdb: Instance) -> None:
    flink = influxdb.find("flink")
    app = one(influxdb, "flink", "aws_kinesisanalyticsv2_application.this")
    vpc = app["application_configuration"][0]["vpc_configuration"]
    assert vpc == [{"subnet_ids": SUBNET_IDS, "security_group_ids": [flink.outputs["security_group_id"]]}]
    workspace = one(influxdb, "grafana[0]", "aws_grafana_workspace.this")
    grafana_sg = influxdb.find("grafana[0]").outputs["security_group_id"]
    assert workspace["vpc_configuration"] == [{"subnet_ids": SUBNET_IDS, "security_group_ids": [grafana_sg]}]
    assert workspace["data_sources"] == ["ATHENA", "CLOUDWATCH"]


def rules(root: Instance, path: str, address: str) -> list[dict[str, Any]]:
    return sorted(root.find(path).resources(address), key=lambda r: r["description"])


def test_only_the_job_grafana_and_listed_hosts_reach_port_8086(evaluate: Callable[..., Instance]) -> None:
    operator_sg = "sg-0123456789abcdef0"
    root = evaluate(**INFLUXDB, influxdb_allowed_security_group_ids=[operator_sg])
    ingress = root.find("influxdb[0]").resources("aws_vpc_security_group_ingress_rule.clients")
    sources = {r["referenced_security_group_id"] for r in ingress}
    assert sources == {
        root.find("flink").outputs["security_group_id"],
        root.find("grafana[0]").outputs["security_group_id"],
        operator_sg,
    }
    for rule in ingress:
        assert (rule["ip_protocol"], rule["from_port"], rule["to_port"]) == ("tcp", 8086, 8086)
        assert "cidr_ipv4" not in rule["tfeval_args"] or rule["tfeval_args"]["cidr_ipv4"] is None


def test_the_job_may_reach_its_store_and_the_aws_apis_only(influxdb: Instance) -> None:
    egress = {r["description"]: r for r in influxdb.find("flink").resources("aws_vpc_security_group_egress_rule.app")}
    store_sg = influxdb.find("influxdb[0]").outputs["security_group_id"]
    endpoints_sg = influxdb.find("vpc_endpoints[0]").outputs["security_group_id"]
    assert {(r["to_port"], r["referenced_security_group_id"], r["cidr_ipv4"]) for r in egress.values()} == {
        (8086, store_sg, None),
        (443, endpoints_sg, None),
    }


def endpoint_services(root: Instance) -> list[str]:
    endpoints = root.find("vpc_endpoints[0]").resources("aws_vpc_endpoint.this")
    for endpoint in endpoints:
        assert endpoint["vpc_endpoint_type"] == "Interface" and endpoint["private_dns_enabled"] is True
    return sorted(e["service_name"].removeprefix(f"com.amazonaws.{REGION}.") for e in endpoints)


def test_endpoints_cover_what_the_job_and_grafana_call(influxdb: Instance, evaluate: Callable[..., Instance]) -> None:
    assert endpoint_services(influxdb) == ["athena", "kinesis-streams", "monitoring", "secretsmanager"]
    without_grafana = evaluate(**INFLUXDB, enable_managed_grafana=False)
    assert endpoint_services(without_grafana) == ["kinesis-streams", "secretsmanager"]


def test_a_nat_gateway_instead_of_endpoints(evaluate: Callable[..., Instance]) -> None:
    root = evaluate(**INFLUXDB, vpc_endpoints="nat")
    assert "vpc_endpoints[0]" not in module_paths(root)
    https = [r for r in root.find("flink").resources("aws_vpc_security_group_egress_rule.app") if r["to_port"] == 443]
    assert [(r["cidr_ipv4"], r["referenced_security_group_id"]) for r in https] == [("0.0.0.0/0", None)]


def test_existing_endpoints_are_adopted(evaluate: Callable[..., Instance]) -> None:
    existing = ["sg-0aaaaaaaaaaaaaaaa"]
    unlisted = evaluate(**INFLUXDB, vpc_endpoints="existing").failed_validations()
    assert "existing_vpc_endpoint_security_group_ids" in str(unlisted.get("vpc_endpoints")), unlisted
    root = evaluate(**INFLUXDB, vpc_endpoints="existing", existing_vpc_endpoint_security_group_ids=existing)
    assert root.failed_validations() == {} and "vpc_endpoints[0]" not in module_paths(root)
    ingress = root.resources("aws_vpc_security_group_ingress_rule.existing_endpoints")
    assert {(r["security_group_id"], r["from_port"]) for r in ingress} == {(existing[0], 443)}
    assert {r["referenced_security_group_id"] for r in ingress} == {
        root.find("flink").outputs["security_group_id"],
        root.find("grafana[0]").outputs["security_group_id"],
    }
    https = [r for r in root.find("flink").resources("aws_vpc_security_group_egress_rule.app") if r["to_port"] == 443]
    assert [r["referenced_security_group_id"] for r in https] == existing


# ---------------------------------------------------------------------------------------------
# Who may do what with the InfluxDB store
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def account(influxdb: Instance) -> Account:
    return Account.of(influxdb)


def test_the_job_reads_its_token_secret_and_no_other(influxdb: Instance, account: Account) -> None:
    job = account.role(JOB_ROLE)
    module = influxdb.find("influxdb[0]").outputs
    assert account.identity_allows(Request(job, "secretsmanager:GetSecretValue", module["job_token_secret_arn"]))
    others = (module["grafana_token_secret_arn"], module["admin_secret_arn"], module["job_token_secret_arn"] + "-x")
    for other in others:
        assert not account.identity_allows(Request(job, "secretsmanager:GetSecretValue", other)), other
    assert not account.identity_allows(Request(job, "secretsmanager:PutSecretValue", module["job_token_secret_arn"]))


def test_the_job_decrypts_its_token_through_secrets_manager_only(influxdb: Instance, account: Account) -> None:
    job = account.role(JOB_ROLE)
    key = influxdb.find("influxdb[0]").outputs["kms_key_arn"]
    secretsmanager = {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}
    assert account.kms_allows(Request(job, "kms:Decrypt", key, secretsmanager))
    assert not account.kms_allows(Request(job, "kms:Decrypt", key, {"kms:ViaService": f"s3.{REGION}.amazonaws.com"}))
    assert not account.kms_allows(Request(job, "kms:Decrypt", key))
    assert not account.kms_allows(Request(job, "kms:Encrypt", key, secretsmanager))


def test_the_job_writes_no_timestream(account: Account) -> None:
    job = account.role(JOB_ROLE)
    actions = {a for policy in account.roles[job] for s in policy["Statement"] for a in s["Action"]}
    assert not any(a.startswith("timestream:") for a in actions), actions


def test_the_job_manages_network_interfaces_in_its_vpc_only(influxdb: Instance, account: Account) -> None:
    job = account.role(JOB_ROLE)
    own_sg = influxdb.find("flink").resources("aws_security_group.app")[0]["arn"]
    in_vpc = {"ec2:Vpc": VPC_ARN}
    for action in ("ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"):
        assert account.identity_allows(Request(job, action, ENI_ARN, in_vpc)), action
        assert not account.identity_allows(Request(job, action, ENI_ARN, {"ec2:Vpc": VPC_ARN + "0"})), action
    assert account.identity_allows(Request(job, "ec2:CreateNetworkInterface", SUBNET_ARN))
    assert account.identity_allows(Request(job, "ec2:CreateNetworkInterface", own_sg))
    assert not account.identity_allows(Request(job, "ec2:CreateNetworkInterface", SUBNET_ARN.replace("0a1b", "0fff")))
    for action in (
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
    ):
        assert account.identity_allows(Request(job, action, "*", {"ec2:Region": REGION})), action
        assert not account.identity_allows(Request(job, action, "*", {"ec2:Region": "us-east-1"})), action


def test_statements_on_star_are_the_ec2_describe_calls_with_a_condition(account: Account) -> None:
    problems = []
    for role, policies in account.roles.items():
        for policy in policies:
            for statement in policy["Statement"]:
                if statement["Effect"] != "Allow" or statement.get("Resource") != ["*"]:
                    continue
                for action in statement["Action"]:
                    scoped = resource_types(action) - {"*"}
                    if scoped:
                        problems.append(f"{role} {statement.get('Sid')}: {action} on '*' could be scoped to {scoped}")
    assert not problems, "\n".join(problems)
    job = account.role(JOB_ROLE)
    job_star = [s for s in (s for p in account.roles[job] for s in p["Statement"]) if s.get("Resource") == ["*"]]
    assert [s["Sid"] for s in job_star] == ["DescribeVpcNetwork"] and job_star[0]["Condition"], job_star


def test_key_policy_lets_log_delivery_encrypt_into_its_bucket_only(influxdb: Instance, account: Account) -> None:
    key = influxdb.find("influxdb[0]").outputs["kms_key_arn"]
    bucket = f"arn:aws:s3:::{influxdb.find('influxdb[0]').vars['log_bucket_name']}"
    service = "timestream-influxdb.amazonaws.com"
    context = "kms:EncryptionContext:aws:s3:arn"
    assert account.kms_allows(Request(service, "kms:GenerateDataKey", key, {context: bucket}))
    assert not account.kms_allows(Request(service, "kms:GenerateDataKey", key, {context: bucket + "x"}))
    assert not account.kms_allows(Request(service, "kms:Decrypt", key, {context: bucket}))


def test_grafana_reads_no_timestream_and_gets_the_influxdb_data_source(influxdb: Instance, account: Account) -> None:
    grafana = account.role("connect-monitor-grafana")
    actions = {a for policy in account.roles[grafana] for s in policy["Statement"] for a in s["Action"]}
    assert not any(a.startswith("timestream:") for a in actions), actions
    assert not any(a.startswith("secretsmanager:") for a in actions), "the provisioning script reads the token"
    sources = influxdb.outputs["grafana_datasources"]
    assert sorted(sources) == ["athena", "cloudwatch", "influxdb"]
    influx = sources["influxdb"]
    assert (influx["uid"], influx["type"]) == ("connect-influxdb", "influxdb")
    assert influx["url"] == influxdb.outputs["influxdb_url"]
    assert influx["jsonData"]["version"] == "InfluxQL" and influx["jsonData"]["dbName"] == "connect_monitor"
    assert influx["jsonData"]["httpHeaderName1"] == "Authorization"
    secret = influx["secureJsonDataFromSecrets"]["httpHeaderValue1"]
    assert secret == {"secret_arn": influxdb.outputs["influxdb_grafana_token_secret_arn"], "template": "Token {token}"}


def test_grafanas_data_source_uid_is_the_dashboards(influxdb: Instance) -> None:
    from grafana import datasources

    influx = influxdb.outputs["grafana_datasources"]["influxdb"]
    assert (influx["uid"], influx["type"]) == (datasources.INFLUXDB.uid, datasources.INFLUXDB.type)
    assert influx["jsonData"]["dbName"] == datasources.INFLUXDB.json_data["dbName"]
