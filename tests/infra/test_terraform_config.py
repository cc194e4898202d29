"""The Terraform configuration parses and its module graph resolves, as `terraform validate`
would check it: sources exist, arguments are declared variables, required variables are given."""

from __future__ import annotations

import re
from pathlib import Path

import hcl2
import pytest

from . import tf_config
from .tf_config import TERRAFORM, Module, body_items, required_providers, unquote

MODULE_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf")
MODULE_META_ARGUMENTS = {"source", "version", "count", "for_each", "providers", "depends_on"}


@pytest.mark.parametrize("path", tf_config.tf_files(), ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_tf_file_parses(path: Path) -> None:
    with path.open() as handle:
        assert isinstance(hcl2.load(handle), dict)


def test_every_module_has_the_standard_files(modules: dict[Path, Module]) -> None:
    for path in modules:
        missing = [name for name in MODULE_FILES if not (path / name).is_file()]
        assert not missing, f"{path.relative_to(TERRAFORM)} lacks {missing}"


def _calls(modules: dict[Path, Module]):
    for path, module in modules.items():
        for name, body in module.module_calls.items():
            source = unquote(body["source"])
            yield path, name, body, (path / source).resolve()


def test_module_sources_exist(modules: dict[Path, Module]) -> None:
    for path, name, _, target in _calls(modules):
        assert target in modules, f"{path.relative_to(TERRAFORM)}: module {name!r} source {target} has no .tf files"


def test_module_arguments_are_declared_variables(modules: dict[Path, Module]) -> None:
    problems = []
    for path, name, body, target in _calls(modules):
        passed = set(body_items(body)) - MODULE_META_ARGUMENTS
        undeclared = passed - set(modules[target].variables)
        if undeclared:
            problems.append(f"{path.relative_to(TERRAFORM)}: module {name!r} passes undeclared {sorted(undeclared)}")
    assert not problems, "\n".join(problems)


def test_required_variables_are_passed(modules: dict[Path, Module]) -> None:
    problems = []
    for path, name, body, target in _calls(modules):
        missing = modules[target].required_variables - set(body_items(body))
        if missing:
            problems.append(f"{path.relative_to(TERRAFORM)}: module {name!r} misses required {sorted(missing)}")
    assert not problems, "\n".join(problems)


def test_every_module_is_used(modules: dict[Path, Module]) -> None:
    called = {target for _, _, _, target in _calls(modules)}
    unused = set(modules) - called - {TERRAFORM}
    assert not unused, f"modules nobody calls: {sorted(str(p.relative_to(TERRAFORM)) for p in unused)}"


def test_every_variable_is_described_and_typed(modules: dict[Path, Module]) -> None:
    problems = []
    for path, module in modules.items():
        for name, body in module.variables.items():
            if not unquote(body.get("description", "")).strip():
                problems.append(f"{path.relative_to(TERRAFORM)}: variable {name} has no description")
            if "type" not in body:
                problems.append(f"{path.relative_to(TERRAFORM)}: variable {name} has no type")
    assert not problems, "\n".join(problems)


def test_every_output_is_described(modules: dict[Path, Module]) -> None:
    problems = [
        f"{path.relative_to(TERRAFORM)}: output {name} has no description"
        for path, module in modules.items()
        for name, body in module.outputs.items()
        if not unquote(body.get("description", "")).strip()
    ]
    assert not problems, "\n".join(problems)


def test_modules_accept_the_provider_versions_the_root_pins(modules: dict[Path, Module], root: Module) -> None:
    pins = required_providers(root)
    assert pins, "the root pins no providers"
    for name, spec in pins.items():
        assert spec["version"].count(".") == 2 and spec["version"][0].isdigit(), f"root must pin {name} exactly"
    for path, module in modules.items():
        for name, spec in required_providers(module).items():
            if path == TERRAFORM:
                continue
            assert name in pins, f"{path.relative_to(TERRAFORM)} needs provider {name} the root does not pin"
            assert f">= {pins[name]['version']}" in spec["version"], (
                f"{path.relative_to(TERRAFORM)}: {name} constraint {spec['version']!r} must start at the root pin"
            )


def test_tfvars_example_sets_every_required_and_only_declared_variables(root: Module) -> None:
    with (TERRAFORM / "terraform.tfvars.example").open() as handle:
        example = set(body_items(hcl2.load(handle)))
    assert root.required_variables <= example, f"example lacks {sorted(root.required_variables - example)}"
    assert example <= set(root.variables), f"example sets undeclared {sorted(example - set(root.variables))}"


def test_timestream_region_lists_agree(root: Module, modules: dict[Path, Module]) -> None:
    """The root validation and the module precondition name the same Timestream regions."""
    condition = root.variables["timestream_region"]["validation"][0]["condition"]
    module_regions = [unquote(r) for r in modules[TERRAFORM / "modules/timestream"].locals["timestream_regions"]]
    assert "eu-west-2" not in module_regions
    root_regions = re.findall(r'"([a-z]{2}(?:-[a-z]+)+-[0-9])"', condition)
    assert sorted(root_regions) == sorted(module_regions), (root_regions, module_regions)


def test_modules_have_no_hidden_defaults(modules: dict[Path, Module]) -> None:
    """Only the root has defaults (all in its variables.tf): a module gets every value from its caller."""
    problems = [
        f"{path.relative_to(TERRAFORM)}: variable {name} has a default"
        for path, module in modules.items()
        if path != TERRAFORM
        for name, body in module.variables.items()
        if "default" in body
    ]
    assert not problems, "\n".join(problems)
