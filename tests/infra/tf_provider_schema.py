"""Terraform provider schemas read from the generated CDK Terrain (cdktn) provider bindings.

No registry serves the Terraform AWS provider itself, but PyPI serves `cdktn-provider-aws` and
`cdktn-provider-archive`: bindings generated from the provider's schema, for one exact provider
version (their package.json names it). Each resource or data source is one JavaScript module in
the jsii bundle the wheel ships (`_jsii/*.jsii.tgz`), whose generated code says, for every
argument, its Terraform name, whether it is a block, and whether it is required / optional /
computed:

    static tfResourceType = "aws_kinesis_stream";
    // name - computed: false, optional: false, required: true
    synthesizeHclAttributes() { const attrs = { name: { value: ..., isBlock: false, ... }, ... } }
    function kinesisStreamStreamModeDetailsToHclTerraform(struct) { const attrs = { ... } }

This module turns that into a tree of `Attribute`s. It reads files, never imports the bindings
(importing them would start a Node.js jsii kernel).
"""

from __future__ import annotations

import importlib.util
import json
import re
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

# Binding package (PyPI) that carries the schema of each provider this configuration pins.
SCHEMA_PACKAGES = {"aws": "cdktn_provider_aws"}


def provider_of(resource_type: str) -> str:
    """Provider local name of a resource type: aws_s3_bucket -> aws."""
    return resource_type.split("_", 1)[0]


_RESOURCE_TYPE = re.compile(r'static tfResourceType = "([^"]+)";')
_CLASS = re.compile(r"^class (\w+) extends (?:cdktn|cdktf)\.(\w+) \{", re.M)
_FUNCTION = re.compile(r"^function (\w+)ToHclTerraform\(struct\) \{", re.M)
_FLAGS = re.compile(r"^\s*// (\w+) - computed: (true|false), optional: (true|false), required: (true|false)$", re.M)
_ATTR = re.compile(
    r"^\s*(\w+): \{\n\s*value: (.*?),\n\s*isBlock: (true|false),\n\s*type: \"(\w+)\",",
    re.M | re.S,
)
_NESTED_FN = re.compile(r"(\w+)ToHclTerraform\b")
_READABLE = re.compile(r"\.get\w*Attribute\('(\w+)'\)|\(this, '(\w+)'")


@dataclass
class Attribute:
    name: str
    is_block: bool
    kind: str  # simple | list | set | map | struct
    nested: dict[str, Attribute] | None = None
    required: bool | None = None  # None: the bindings did not say
    computed_only: bool = False


@dataclass
class ProviderSchema:
    provider: str  # e.g. registry.terraform.io/hashicorp/aws
    version: str
    resources: dict[str, dict[str, Attribute]] = field(default_factory=dict)
    data_sources: dict[str, dict[str, Attribute]] = field(default_factory=dict)
    # Every type name the provider has (resources and data sources), parsed or not.
    all_types: set[str] = field(default_factory=set)
    # Attributes an expression may read (arguments and computed attributes), by parsed type.
    readable: dict[tuple[str, str], set[str]] = field(default_factory=dict)


def bundle_path(package: str) -> Path:
    """The jsii bundle of an installed binding package, e.g. `cdktn_provider_aws`."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"Python package {package} is not installed: pip install the pinned {package.replace('_', '-')} "
            "(see tests/infra/README.md)"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    bundles = sorted((root / "_jsii").glob("*.jsii.tgz"))
    if not bundles:
        raise FileNotFoundError(f"{root}/_jsii has no *.jsii.tgz bundle")
    return bundles[0]


def _chunks(source: str) -> list[str]:
    """Split a generated module into its top-level `function` and `class` definitions."""
    starts = sorted({m.start() for m in _CLASS.finditer(source)} | {m.start() for m in _FUNCTION.finditer(source)})
    return [source[a:b] for a, b in zip(starts, [*starts[1:], len(source)], strict=True)]


def _attrs_block(chunk: str, marker: str) -> str:
    """The `const attrs = { ... };` literal following `marker` in a chunk ('' if absent)."""
    at = chunk.find(marker)
    if at < 0:
        return ""
    begin = chunk.find("const attrs = {", at)
    if begin < 0:
        return ""
    end = chunk.find("\n        };", begin)
    end2 = chunk.find("\n    };", begin)
    stops = [e for e in (end, end2) if e >= 0]
    return chunk[begin : min(stops)] if stops else chunk[begin:]


def _parse_attrs(text: str) -> dict[str, tuple[bool, str, str | None]]:
    out: dict[str, tuple[bool, str, str | None]] = {}
    for m in _ATTR.finditer(text):
        name, value, is_block, kind = m.group(1), m.group(2), m.group(3) == "true", m.group(4)
        nested = _NESTED_FN.search(value)
        out[name] = (is_block, kind, nested.group(1) if nested else None)
    return out


def _parse_module(source: str) -> tuple[str, str, dict[str, Attribute], set[str]] | None:
    """(terraform type, 'resource'|'data', top-level attributes) of one generated module."""
    structs: dict[str, dict[str, tuple[bool, str, str | None]]] = {}
    flags: dict[str, dict[str, tuple[bool, bool, bool]]] = {}
    top: dict[str, tuple[bool, str, str | None]] | None = None
    top_flags: dict[str, tuple[bool, bool, bool]] = {}
    tf_type = kind = None
    for chunk in _chunks(source):
        chunk_flags = {
            m.group(1): (m.group(2) == "true", m.group(3) == "true", m.group(4) == "true")
            for m in _FLAGS.finditer(chunk)
        }
        fn = _FUNCTION.match(chunk)
        if fn:
            structs[fn.group(1)] = _parse_attrs(_attrs_block(chunk, "ToHclTerraform(struct)"))
            continue
        cls = _CLASS.match(chunk)
        if not cls:
            continue
        name, base = cls.group(1), cls.group(2)
        if base in ("TerraformResource", "TerraformDataSource"):
            found = _RESOURCE_TYPE.search(chunk)
            if found:
                tf_type = found.group(1)
                kind = "resource" if base == "TerraformResource" else "data"
                top = _parse_attrs(_attrs_block(chunk, "synthesizeHclAttributes()"))
                top_flags = chunk_flags
                readable = {a or b for a, b in _READABLE.findall(chunk)}
        elif name.endswith("OutputReference"):
            struct = name[: -len("OutputReference")]
            flags[struct[:1].lower() + struct[1:]] = chunk_flags
    if tf_type is None or top is None:
        return None

    def build(raw: dict[str, tuple[bool, str, str | None]], raw_flags: dict, depth: int) -> dict[str, Attribute]:
        result: dict[str, Attribute] = {}
        for attr_name, (is_block, attr_kind, nested_fn) in raw.items():
            computed, optional, required = raw_flags.get(attr_name, (False, True, None))
            nested = None
            if nested_fn and nested_fn in structs and depth < 20:
                nested = build(structs[nested_fn], flags.get(nested_fn, {}), depth + 1)
            result[attr_name] = Attribute(
                name=attr_name,
                is_block=is_block,
                kind=attr_kind,
                nested=nested,
                required=required if attr_name in raw_flags else None,
                computed_only=computed and not optional and not required,
            )
        return result

    return tf_type, kind, build(top, top_flags, 0), readable | set(top)


def load(package: str, wanted: set[str] | None = None) -> ProviderSchema:
    """Read the resources and data sources of one binding package.

    Every type name is collected; only those in `wanted` (all if None) are parsed in full, which
    keeps the AWS provider to about 2 s instead of 12.
    """
    resources: dict[str, dict[str, Attribute]] = {}
    data_sources: dict[str, dict[str, Attribute]] = {}
    provider = version = None
    all_types: set[str] = set()
    readable: dict[tuple[str, str], set[str]] = {}
    with tarfile.open(bundle_path(package), "r:gz") as bundle:
        for member in bundle:
            if member.name == "package/package.json":
                meta = json.load(bundle.extractfile(member))
                info = (meta.get("cdktn") or meta.get("cdktf") or {}).get("provider", {})
                provider, version = info.get("name"), info.get("version")
                continue
            if not (member.name.startswith("package/lib/") and member.name.endswith("/index.js")):
                continue
            source = bundle.extractfile(member).read().decode()
            found = _RESOURCE_TYPE.search(source)
            if not found:
                continue
            all_types.add(found.group(1))
            if wanted is not None and found.group(1) not in wanted:
                continue
            parsed = _parse_module(source)
            if parsed:
                tf_type, kind, attrs, readable_attrs = parsed
                (resources if kind == "resource" else data_sources)[tf_type] = attrs
                readable[(kind, tf_type)] = readable_attrs
    if not provider or not version:
        raise ValueError(f"{package}: package.json names no provider version")
    return ProviderSchema(
        provider=provider,
        version=version,
        resources=resources,
        data_sources=data_sources,
        all_types=all_types,
        readable=readable,
    )
