"""The Terraform configuration under infra/terraform, parsed with python-hcl2 (no terraform binary).

python-hcl2 8 keeps string quotes ('"x"'), marks blocks with `__is_block__` and keeps comments
under `__comments__`; `unquote` and `is_block` hide that.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import hcl2

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "infra" / "terraform"

# Terraform language (not provider) arguments and blocks allowed in every resource / data block.
META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}


def is_marker(key: str) -> bool:
    """python-hcl2's own keys (__is_block__, __comments__, __inline_comments__, ...)."""
    return key.startswith("__") and key.endswith("__")


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def is_block(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and v.get("__is_block__") for v in value)


def body_items(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if not is_marker(k)}


@dataclass(frozen=True)
class CheckovRun:
    """One checkov run over infra/terraform (the conftest runs it once per session)."""

    summary: dict
    failed: list[dict]
    skipped: list[dict]
    stderr: str
    store: str = "timestream"  # the root variable `store` of this run
    checked: frozenset[str] | set[str] = frozenset()  # every resource address a check ran on


@dataclass
class Block:
    kind: str  # resource | data
    type: str
    name: str
    body: dict[str, Any]
    file: Path

    @property
    def address(self) -> str:
        prefix = "data." if self.kind == "data" else ""
        folder = self.file.parent.relative_to(TERRAFORM) if self.file.parent != TERRAFORM else "."
        return f"{folder}:{prefix}{self.type}.{self.name}"


@dataclass
class Module:
    path: Path
    files: dict[Path, dict[str, Any]] = field(default_factory=dict)
    resources: list[Block] = field(default_factory=list)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    module_calls: dict[str, dict[str, Any]] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    terraform: list[dict[str, Any]] = field(default_factory=list)

    @property
    def required_variables(self) -> set[str]:
        return {name for name, body in self.variables.items() if "default" not in body}


def _labelled(entries: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry in entries:
        for label, body in entry.items():
            out.append((unquote(label), body))
    return out


def load_module(path: Path) -> Module:
    module = Module(path=path)
    for tf in sorted(path.glob("*.tf")):
        with tf.open() as handle:
            doc = hcl2.load(handle)
        module.files[tf] = doc
        for kind in ("resource", "data"):
            for type_label, named in _labelled(doc.get(kind, [])):
                for name, body in named.items():
                    module.resources.append(Block(kind, type_label, unquote(name), body, tf))
        for name, body in _labelled(doc.get("variable", [])):
            module.variables[name] = body
        for name, body in _labelled(doc.get("output", [])):
            module.outputs[name] = body
        for name, body in _labelled(doc.get("module", [])):
            module.module_calls[name] = body
        for entry in doc.get("locals", []):
            module.locals.update(body_items(entry))
        module.terraform.extend(doc.get("terraform", []))
    return module


def tf_files() -> list[Path]:
    return sorted(TERRAFORM.rglob("*.tf"))


def load_all() -> dict[Path, Module]:
    """Every directory holding .tf files (the root and each module), by path."""
    dirs = sorted({f.parent for f in tf_files() if ".terraform" not in f.parts})
    return {d: load_module(d) for d in dirs}


def required_providers(module: Module) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for block in module.terraform:
        for req in block.get("required_providers", []):
            for name, spec in body_items(req).items():
                found[name] = {k: unquote(v) for k, v in spec.items()}
    return found
