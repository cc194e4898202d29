"""One home for the role pattern (modules/service_role: trust policy, role, inline policies, log group), and
`moved` blocks that carry every resource moved into it, so an existing deployment keeps its roles and logs."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from .tf_config import TERRAFORM, Module, unquote
from .tf_eval import Instance, cli_env, terraform_cli

SERVICE_ROLE = TERRAFORM / "modules/service_role"
ITS_TYPES = ("aws_iam_role", "aws_iam_role_policy", "aws_cloudwatch_log_group")
ADDRESS = re.compile(r"^\$\{(?:module\.(\w+)(?:\[[^\]]+\])?\.)?(aws_\w+)\.(\w+)(\[[^\]]+\])?\}$")


def test_roles_and_log_groups_come_from_the_service_role_module(modules: dict[Path, Module]) -> None:
    elsewhere = [
        f"{path.relative_to(TERRAFORM)}: {block.type}.{block.name}"
        for path, module in modules.items()
        if path != SERVICE_ROLE
        for block in module.resources
        if block.kind == "resource"
        and block.type in ("aws_iam_role", "aws_iam_role_policy", "aws_cloudwatch_log_group")
    ]
    assert not elsewhere, "use modules/service_role:\n" + "\n".join(elsewhere)


def moved_blocks(module: Module) -> list[dict]:
    return [block for doc in module.files.values() for block in doc.get("moved", [])]


def _gained_count(block: dict, path: Path, module: Module) -> bool:
    """`from` X, `to` X[0]: a resource or module call that gained count (one instance by default)."""
    source, target = block["from"][2:-1], block["to"][2:-1]
    if target != source + "[0]":
        return False
    if source.startswith("module."):
        call = module.module_calls.get(source.split(".", 1)[1])
        assert call is not None and "count" in call, f"{path.relative_to(TERRAFORM)}: {source} has no count"
    else:
        type_, name = source.split(".")
        body = next((b.body for b in module.resources if (b.kind, b.type, b.name) == ("resource", type_, name)), None)
        assert body is not None and "count" in body, f"{path.relative_to(TERRAFORM)}: {source} has no count"
    return True


def test_every_moved_block_leads_from_a_removed_address_to_a_declared_one(modules: dict[Path, Module]) -> None:
    into_modules = gained_count = 0
    for path, module in modules.items():
        declared = {(b.type, b.name) for b in module.resources if b.kind == "resource"}
        for block in moved_blocks(module):
            if _gained_count(block, path, module):
                gained_count += 1
                continue
            source, target = ADDRESS.match(block["from"]), ADDRESS.match(block["to"])
            assert source and target, block
            assert source.group(1) is None and (source.group(2), source.group(3)) not in declared, block["from"]
            call = module.module_calls[target.group(1)]
            child = modules[(path / unquote(call["source"])).resolve()]
            assert (target.group(2), target.group(3)) in {(b.type, b.name) for b in child.resources}, block["to"]
            into_modules += 1
    # flink 4, history 4, grafana 2, lambdas 3 functions x 3 + the scheduler's 3
    assert into_modules == 22, into_modules
    # the root's timestream module; the lambdas' scheduler role, schedule, mapping, target, permission, queue policy
    assert gained_count == 7, gained_count


def test_moved_instance_keys_are_the_instances_that_exist(evaluate: Callable[..., Instance], modules: dict) -> None:
    """The keys in `to` (function names, policy names, [0]) are those the module instances really have."""
    root = evaluate()
    existing = set()
    for instance in root.walk():
        for address in instance.tree["resources"]:
            for item in instance.resources(address):
                existing.add(item["tfeval_address"])
    paths = {instance.path for instance in root.walk()}
    for path, module in modules.items():
        for block in moved_blocks(module):
            target = block["to"][2:-1]
            if _gained_count(block, path, module):
                if target.startswith("module."):
                    name = target.removeprefix("module.")
                    assert any(p == name or p.endswith("." + name) for p in paths), (target, sorted(paths))
                else:
                    assert any(e.endswith("/" + target) for e in existing), target
                continue
            found = re.fullmatch(r"module\.(\w+)(\[\"?([^\]\"]+)\"?\])?\.(aws_\w+\.\w+)(\[\"?([^\]\"]+)\"?\])?", target)
            assert found, target
            child = found.group(1) + (f"[{found.group(3)}]" if found.group(3) else "")
            resource = f"{child}/{found.group(4)}" + (f"[{found.group(6)}]" if found.group(6) else "")
            assert any(e == resource or e.endswith("." + resource) for e in existing), (target, resource)


def test_every_file_is_terraform_fmt_clean() -> None:
    """`terraform fmt -check` of the Terraform the tests evaluate with (1.5.7): canonical layout everywhere."""
    done = subprocess.run(
        [str(terraform_cli()), "fmt", "-check", "-recursive", "-diff", "-no-color", str(TERRAFORM)],
        capture_output=True,
        text=True,
        env=cli_env(),
        check=False,
    )
    assert done.returncode == 0, f"run `terraform fmt -recursive infra/terraform`:\n{done.stdout}{done.stderr}"
