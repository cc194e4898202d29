"""checkov finds nothing, for both values of the root variable `store`, and every check skipped in the code
says why. checkov 3.3 checks every resource block whatever its count, so both runs check the same blocks
(with each store's variable values); the InfluxDB store's resources must be among them."""

from __future__ import annotations

import re

from . import tf_config
from .tf_config import CheckovRun

SKIP = re.compile(r"#\s*checkov:skip=(CKV2?_[A-Z0-9_]+)(?::(.*))?$")
MIN_REASON_WORDS = 6


def test_checkov_reports_no_failed_check(checkov_run: CheckovRun) -> None:
    lines = [
        f"{c['check_id']} {c.get('check_name', '')} -> {c['resource']} ({c['file_path']}:{c.get('file_line_range')})"
        for c in checkov_run.failed
    ]
    assert checkov_run.summary.get("parsing_errors", 0) == 0, checkov_run.summary
    assert checkov_run.summary.get("resource_count", 0) > 50, checkov_run.summary
    assert not lines, f"checkov failed checks (store = {checkov_run.store}):\n" + "\n".join(lines)


INFLUXDB_STORE_RESOURCES = (
    "module.influxdb.aws_security_group.this",
    "module.influxdb.aws_vpc_security_group_ingress_rule.clients",
    "module.influxdb.aws_secretsmanager_secret.token",
    "module.influxdb.module.key.aws_kms_key.this",
    "module.influxdb.module.logs.aws_s3_bucket.this",
    "module.vpc_endpoints[0].aws_security_group.this",
    "module.flink.aws_security_group.app[0]",
    "module.grafana[0].aws_security_group.workspace[0]",
)


def test_checkov_checks_the_influxdb_store(checkov_run: CheckovRun) -> None:
    missing = [address for address in INFLUXDB_STORE_RESOURCES if address not in checkov_run.checked]
    assert not missing, f"checkov (store = {checkov_run.store}) ran no check on {missing}"


def test_every_skip_is_inline_with_a_reason() -> None:
    problems = []
    skips = 0
    for path in tf_config.tf_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            match = SKIP.search(line)
            if not match:
                continue
            skips += 1
            reason = (match.group(2) or "").strip()
            if len(reason.split()) < MIN_REASON_WORDS:
                problems.append(
                    f"{path.relative_to(tf_config.REPO)}:{number}: {match.group(1)} skipped without a reason"
                )
    assert skips > 0
    assert not problems, "\n".join(problems)


def test_skips_take_effect(checkov_run: CheckovRun) -> None:
    """Each skip comment silences a check checkov really ran (a stale skip would hide nothing)."""
    skipped_ids = {c["check_id"] for c in checkov_run.skipped}
    written = {
        SKIP.search(line).group(1)
        for path in tf_config.tf_files()
        for line in path.read_text().splitlines()
        if SKIP.search(line)
    }
    assert written <= skipped_ids, f"skip comments for checks checkov did not run: {sorted(written - skipped_ids)}"
