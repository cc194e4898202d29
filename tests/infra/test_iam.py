"""Least privilege in every policy document: no wildcard in an allowed action, and "*" as a
resource or principal only where AWS requires it, each such place commented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import tf_config
from .tf_config import Module, body_items, unquote

STAR_LIST = re.compile(r'^\s*(resources|identifiers)\s*=\s*\["\*"\]')


def _statements(body: dict[str, Any]):
    yield from body.get("statement", [])
    for entry in body.get("dynamic", []):
        for label, dyn in entry.items():
            if unquote(label) == "statement":
                yield from dyn.get("content", [])


def _resolve_actions(value: Any, module: Module) -> list[str] | None:
    """Literal action lists, or `local.NAME` lists; None when only known at plan time."""
    if isinstance(value, list):
        return [unquote(v) for v in value]
    if isinstance(value, str):
        found = re.fullmatch(r"\$\{local\.(\w+)\}", value)
        if found and isinstance(module.locals.get(found.group(1)), list):
            return [unquote(v) for v in module.locals[found.group(1)]]
        inline = re.fullmatch(r"\$\{concat\(local\.(\w+), \[(.*)\]\)\}", value)
        if inline:
            return [unquote(v) for v in module.locals[inline.group(1)]] + re.findall(r'"([^"]+)"', inline.group(2))
    return None


def test_no_allowed_action_has_a_wildcard(modules: dict[Path, Module]) -> None:
    problems = []
    checked = 0
    for module in modules.values():
        for block in module.resources:
            if block.type != "aws_iam_policy_document":
                continue
            for statement in _statements(block.body):
                if unquote(statement.get("effect", '"Allow"')) == "Deny":
                    continue
                assert "not_actions" not in statement, f"{block.address}: NotAction allows everything else"
                actions = _resolve_actions(statement.get("actions"), module)
                if actions is None:
                    continue  # from a variable: the variable's validation forbids wildcards
                checked += len(actions)
                problems += [f"{block.address}: allows {a!r}" for a in actions if "*" in a]
    assert checked > 50
    assert not problems, "\n".join(problems)


def test_variables_that_feed_actions_forbid_wildcards(modules: dict[Path, Module]) -> None:
    lambdas = modules[tf_config.TERRAFORM / "modules/lambdas"].variables["instance_data_connect_actions"]
    kms = modules[tf_config.TERRAFORM / "modules/kms_key"].variables["service_principals"]
    assert any("*" in v["condition"] or "Get|List" in v["condition"] for v in lambdas["validation"])
    assert any('strcontains(a, "*")' in v["condition"] for v in kms["validation"])


def test_every_star_resource_or_principal_is_commented() -> None:
    problems = []
    for path in tf_config.tf_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if STAR_LIST.search(line) and "#" not in line:
                problems.append(f"{path.relative_to(tf_config.REPO)}:{number}: '*' without a comment saying why")
    assert not problems, "\n".join(problems)


SERVICE_ROLE = tf_config.TERRAFORM / "modules/service_role"


def test_policies_are_built_from_policy_documents(modules: dict[Path, Module]) -> None:
    """Inline jsonencode() policies would escape the checks above. The service_role module attaches the
    documents its callers pass (var.policies): each of those must be an aws_iam_policy_document too."""
    problems = []
    for path, module in modules.items():
        for block in module.resources:
            for key in ("policy", "assume_role_policy"):
                value = body_items(block.body).get(key)
                passed_in = path == SERVICE_ROLE and value == "${each.value}"
                if isinstance(value, str) and "aws_iam_policy_document" not in value and not passed_in:
                    problems.append(f"{block.address}: {key} is not an aws_iam_policy_document")
        for name, call in module.module_calls.items():
            if (path / unquote(call["source"])).resolve() != SERVICE_ROLE:
                continue
            policies = call["policies"]
            documents = policies.values() if isinstance(policies, dict) else [policies]
            for document in documents:
                if not re.fullmatch(r"\$\{data\.aws_iam_policy_document\.\w+(\[[^\]]+\])?\.json\}", str(document)):
                    problems.append(f"{path.relative_to(tf_config.TERRAFORM)}: module {name} attaches {document}")
    assert not problems, "\n".join(problems)
