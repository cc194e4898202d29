"""infra/terraform evaluated by a real Terraform CLI, with AWS stood in for by plain values.

No registry serves the AWS provider, so `terraform plan` is out of reach; the Terraform language is not. This
module copies the configuration into a temporary tree where every `resource` and `data` block becomes a local
value, then asks `terraform console` (1.5.7, the last MPL release, built from its Go module) for everything at
once: each module instance's variables (converted to their declared types), locals, outputs, module calls
(count and for_each expanded), resource arguments (dynamic blocks expanded), variable validations and
resource pre/postconditions, for the root variables a test chooses.

What the provider would compute is stood in for: attributes that are arguments take the argument's value,
the rest are unique tokens (`arn:aws:tfeval:<region>:<account>:<module>/<type>.<name>[key]` for `arn`), so
a role's ARN in one policy and in another is the same string. A few data sources answer like AWS would:
`aws_caller_identity` (account 111122223333), `aws_region` (the provider's region), `aws_partition`, and
`aws_kinesis_stream` (an adopted stream; its encryption comes from the test). `aws_iam_policy_document`
blocks are kept as their statements, rendered to IAM JSON by `policy_json`.

Terraform 1.5.7 evaluates validations that refer to other variables (a 1.9 feature) here because they are
evaluated as locals, not as validations.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import hcl2
import pytest

from .tf_config import REPO, TERRAFORM, body_items, is_block, unquote

TERRAFORM_VERSION = "1.5.7"
TERRAFORM_CLI = REPO / ".tools" / "bin" / "terraform"
INSTALL_HINT = (
    f"Terraform {TERRAFORM_VERSION} CLI not found at {TERRAFORM_CLI.relative_to(REPO)}: run `make terraform-cli` "
    f"(GOBIN=$PWD/.tools/bin go install github.com/hashicorp/terraform@v{TERRAFORM_VERSION}, about 2 minutes) "
    "or set TERRAFORM to its path"
)
ACCOUNT = "111122223333"
ERROR = "tfeval-error"  # what a failing condition or message evaluates to (via try())
META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
KEY = "__TFEVAL_KEY__"  # stands for count.index / each.key until a block is expanded


def terraform_cli() -> Path:
    """The Terraform CLI the tests use: $TERRAFORM, else the project-local build; fails with the fix."""
    candidate = Path(os.environ.get("TERRAFORM") or TERRAFORM_CLI)
    if not candidate.is_file():
        pytest.fail(INSTALL_HINT)
    version = subprocess.run([candidate, "version"], capture_output=True, text=True, env=cli_env(), check=False)
    if f"Terraform v{TERRAFORM_VERSION}" not in version.stdout:
        pytest.fail(f"{candidate} is not Terraform {TERRAFORM_VERSION}: {version.stdout.strip()!r}. {INSTALL_HINT}")
    return candidate


def cli_env() -> dict[str, str]:
    # Offline and quiet: no version check against HashiCorp's servers, no user CLI configuration.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TF_")}
    return {**env, "CHECKPOINT_DISABLE": "1", "TF_CLI_CONFIG_FILE": os.devnull, "TF_IN_AUTOMATION": "1"}


# ---------------------------------------------------------------------------------------------
# HCL as python-hcl2 gives it -> expression text
# ---------------------------------------------------------------------------------------------


def expression(value: Any) -> str:
    """A python-hcl2 value as one HCL expression."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        if value.startswith("${") and value.endswith("}"):
            return f"({value[2:-1]})"
        return value  # a quoted string or template, kept as written
    if isinstance(value, list):
        return "[" + ", ".join(expression(v) for v in value) + "]"
    if isinstance(value, dict):
        items = []
        for key, item in body_items(value).items():
            name = f"({key[2:-1]})" if key.startswith("${") else key
            items.append(f"{name} = {expression(item)}")
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"cannot render {value!r}")


def body_expression(body: dict[str, Any]) -> str:
    """A block body as an object: attributes as they are, nested and dynamic blocks as lists of objects."""
    fields: dict[str, str] = {}
    blocks: dict[str, list[str]] = defaultdict(list)
    for key, value in body_items(body).items():
        if key in META:
            continue
        if key == "dynamic":
            for entry in value:
                for label, dynamic in entry.items():
                    blocks[unquote(label)].append(dynamic_expression(unquote(label), dynamic))
        elif is_block(value):
            blocks[key].append("[" + ", ".join(body_expression(b) for b in value) + "]")
        else:
            # One argument that cannot be evaluated here (filemd5 of a zip not built yet) spoils only itself.
            fields[key] = f"try({expression(value)}, {json.dumps(ERROR)})"
    for label, parts in blocks.items():
        fields[label] = parts[0] if len(parts) == 1 else "concat(" + ", ".join(parts) + ")"
    return "{" + ", ".join(f"{k} = {v}" for k, v in fields.items()) + "}"


def dynamic_expression(label: str, dynamic: dict[str, Any]) -> str:
    iterator = unquote(str(dynamic.get("iterator", label))).strip("${}")
    for_each = expression(dynamic["for_each"])
    content = body_expression(dynamic["content"][0])
    return f"[for {iterator} in [for k, v in {for_each} : {{key = k, value = v}}] : {content}]"


def template(value: Any) -> str:
    return "${" + value + "}"


# ---------------------------------------------------------------------------------------------
# The stub tree
# ---------------------------------------------------------------------------------------------


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def resource_local(kind: str, type_: str, name: str) -> str:
    return f"tfeval_{'d' if kind == 'data' else 'r'}__{type_}__{_safe(name)}"


@dataclass
class _Block:
    kind: str  # resource | data
    type: str
    name: str
    body: dict[str, Any]


class _Module:
    """One directory of .tf files, rewritten into its stub."""

    def __init__(self, path: Path, readable: dict[tuple[str, str], set[str]]) -> None:
        self.path = path
        self.readable = readable
        self.docs: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for tf in sorted(path.glob("*.tf")):
            with tf.open() as handle:
                doc = hcl2.load(handle)
            for key, entries in doc.items():
                if isinstance(entries, list):
                    self.docs[key].extend(entries)
        self.blocks: list[_Block] = []
        for kind in ("resource", "data"):
            for entry in self.docs.get(kind, []):
                for type_label, named in entry.items():
                    for name, body in named.items():
                        self.blocks.append(_Block(kind, unquote(type_label), unquote(name), body))
        self.declared = {(b.kind, b.type, b.name) for b in self.blocks}

    def labelled(self, key: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for entry in self.docs.get(key, []):
            for label, body in entry.items():
                if not label.startswith("__"):
                    out[unquote(label)] = body
        return out

    def locals(self) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for entry in self.docs.get("locals", []):
            merged.update(body_items(entry))
        return merged

    def rewrite(self, text: str) -> str:
        """References to resources and data sources -> the locals standing in for them."""

        def data(match: re.Match[str]) -> str:
            if ("data", match.group(1), match.group(2)) in self.declared:
                return "local." + resource_local("data", match.group(1), match.group(2))
            return match.group(0)

        def resource(match: re.Match[str]) -> str:
            if ("resource", match.group(1), match.group(2)) in self.declared:
                return "local." + resource_local("resource", match.group(1), match.group(2))
            return match.group(0)

        text = re.sub(r"(?<![\w.\"/:-])data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)", data, text)
        return re.sub(r"(?<![\w.\"/:-])(aws_[a-z0-9_]+)\.([A-Za-z0-9_-]+)", resource, text)

    def rewrite_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.rewrite(value)
        if isinstance(value, list):
            return [self.rewrite_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self.rewrite_value(v) for k, v in value.items()}
        return value

    def provider_regions(self) -> dict[str, str]:
        """Region expression of each provider configuration of this module, by alias ('' = default)."""
        regions: dict[str, str] = {}
        for entry in self.docs.get("provider", []):
            for _, body in entry.items():
                alias = unquote(body.get("alias", '""'))
                regions[alias] = expression(self.rewrite_value(body["region"]))
        return regions

    def stub(self, is_root: bool) -> str:
        out: list[str] = []
        variables = {name: body for name, body in self.labelled("variable").items()}
        if not is_root:
            variables["tfeval_path"] = {"type": "${string}"}
            variables["tfeval_region"] = {"type": "${string}"}
        variables["tfeval_data"] = {"type": "${any}", "default": {}}
        for name, body in variables.items():
            kept = "".join(f"  {k} = {expression(body[k])}\n" for k in ("default", "nullable") if k in body)
            if "type" in body:  # a type constraint is not an expression: no parentheses
                constraint = str(body["type"])
                kept += f"  type = {constraint[2:-1] if constraint.startswith('${') else constraint}\n"
            out.append(f'variable "{name}" {{\n{kept}}}')

        regions = self.provider_regions()
        locals_: dict[str, Any] = {k: self.rewrite_value(v) for k, v in self.locals().items()}
        locals_["tfeval_region"] = template(regions[""]) if is_root else "${var.tfeval_region}"
        locals_["tfeval_path"] = '""' if is_root else "${var.tfeval_path}"
        for block in self.blocks:
            locals_[resource_local(block.kind, block.type, block.name)] = template(self.instances(block))
            locals_[resource_local(block.kind, block.type, block.name) + "__checks"] = template(self.checks(block))

        calls = {}
        children = {}
        for name, body in self.labelled("module").items():
            call = {k: self.rewrite_value(v) for k, v in body.items() if k not in ("providers", "depends_on")}
            suffix = ""
            if "count" in body:
                suffix = "[${count.index}]"
                children[name] = f"[for m in module.{name} : m.tfeval]"
            elif "for_each" in body:
                suffix = "[${each.key}]"
                children[name] = f"{{for k, m in module.{name} : k => m.tfeval}}"
            else:
                children[name] = f"module.{name}.tfeval"
            call["tfeval_path"] = template(f'trimprefix("${{local.tfeval_path}}.{name}{suffix}", ".")')
            alias = re.fullmatch(r"\$\{aws\.(\w+)\}", str(body.get("providers", {}).get("aws", "")))
            call["tfeval_region"] = template(regions[alias.group(1)]) if alias else "${local.tfeval_region}"
            call["tfeval_data"] = "${var.tfeval_data}"
            calls[name] = call

        outputs = {name: self.rewrite_value(body["value"]) for name, body in self.labelled("output").items()}
        validations = {
            name: "["
            + ", ".join(
                f"{{condition = try({expression(self.rewrite_value(v['condition']))}, {json.dumps(ERROR)}), "
                f"error_message = try({expression(self.rewrite_value(v['error_message']))}, {json.dumps(ERROR)})}}"
                for v in body.get("validation", [])
            )
            + "]"
            for name, body in self.labelled("variable").items()
        }
        tree = {
            "path": "local.tfeval_path",
            "region": "local.tfeval_region",
            "vars": "{" + ", ".join(f"{n} = var.{n}" for n in self.labelled("variable")) + "}",
            "locals": "{" + ", ".join(f"{n} = local.{n}" for n in self.locals()) + "}",
            "outputs": "{" + ", ".join(f"{n} = {expression(v)}" for n, v in outputs.items()) + "}",
            "validations": "{" + ", ".join(f"{n} = {v}" for n, v in validations.items()) + "}",
            "resources": "{"
            + ", ".join(
                f'"{"data." if b.kind == "data" else ""}{b.type}.{b.name}" = {{instances = '
                f"local.{resource_local(b.kind, b.type, b.name)}, checks = "
                f"local.{resource_local(b.kind, b.type, b.name)}__checks}}"
                for b in self.blocks
            )
            + "}",
            "modules": "{" + ", ".join(f"{n} = {v}" for n, v in children.items()) + "}",
        }
        tree_expression = "{" + ", ".join(f"{k} = {v}" for k, v in tree.items()) + "}"
        if is_root:
            locals_["tfeval"] = template(tree_expression)
        out.append("locals {\n" + "".join(f"  {k} = {expression(v)}\n" for k, v in locals_.items()) + "}")
        for name, call in calls.items():
            args = "".join(f"  {k} = {expression(v)}\n" for k, v in call.items() if not k.startswith("__"))
            out.append(f'module "{name}" {{\n{args}}}')
        if not is_root:
            outputs["tfeval"] = template(tree_expression)
        out += [f'output "{name}" {{\n  value = {expression(value)}\n}}' for name, value in outputs.items()]
        return "\n".join(out) + "\n"

    def _iterate(self, block: _Block, item: str) -> str:
        """`item` (an expression using count/each, KEY standing for the instance key) for each instance."""
        if "count" in block.body:
            count = expression(self.rewrite_value(block.body["count"]))
            return f"[for count in [for i in range({count}) : {{index = i}}] : {item.replace(KEY, 'count.index')}]"
        if "for_each" in block.body:
            for_each = expression(self.rewrite_value(block.body["for_each"]))
            return (
                f"{{for each in [for k, v in {for_each} : {{key = k, value = v}}] : "
                f"each.key => {item.replace(KEY, 'each.key')}}}"
            )
        return item.replace(f"[${{{KEY}}}]", "").replace(f"[{KEY}]", "")

    def instances(self, block: _Block) -> str:
        address = ("data." if block.kind == "data" else "") + f"{block.type}.{block.name}[${{{KEY}}}]"
        where = '"${local.tfeval_path}/' + address + '"'
        # Values fixed here win over arguments; computed ones are tokens unless an argument gives them.
        tokens = {"tfeval_address": where}
        tokens.update(
            {
                ("data", "aws_caller_identity"): {"account_id": f'"{ACCOUNT}"', "arn": f'"arn:aws:iam::{ACCOUNT}:x"'},
                ("data", "aws_region"): {"region": "local.tfeval_region", "name": "local.tfeval_region"},
                ("data", "aws_partition"): {"partition": '"aws"', "dns_suffix": '"amazonaws.com"'},
                ("data", "aws_iam_policy_document"): {"json": where, "minified_json": where},
                ("data", "aws_kinesis_stream"): {
                    "arn": f'"arn:aws:kinesis:${{local.tfeval_region}}:{ACCOUNT}:stream/${{args.name}}"',
                    "encryption_type": '"NONE"',
                    "kms_key_id": "null",
                },
            }.get((block.kind, block.type), {})
        )
        computed = {
            "arn": f'"arn:aws:tfeval:${{local.tfeval_region}}:{ACCOUNT}:${{local.tfeval_path}}/{address}"',
            "id": '"tfeval:${local.tfeval_path}/' + address + '.id"',
        }
        for attribute in sorted(self.readable.get((block.kind, block.type), set()) - set(computed)):
            computed[attribute] = '"tfeval:${local.tfeval_path}/' + address + "." + attribute + '"'
        token_object = "{" + ", ".join(f"{k} = {v}" for k, v in {**computed, **tokens}.items()) + "}"
        overrides = f'lookup(var.tfeval_data, "{block.type}.{block.name}", {{}})'
        # Arguments stand for the attributes of the same name; tokens for the rest.
        item = (
            f"[for args in [try({body_expression(self.rewrite_value(block.body))}, {{}})] : merge({token_object}, "
            f"{{for k, v in args : k => v if !contains({json.dumps(list(tokens))}, k)}}, {overrides}, "
            "{tfeval_args = args})][0]"
        )
        return self._iterate(block, item)

    def checks(self, block: _Block) -> str:
        conditions = []
        for lifecycle in block.body.get("lifecycle", []):
            for kind in ("precondition", "postcondition"):
                for check in lifecycle.get(kind, []):
                    condition = expression(self.rewrite_value(check["condition"]))
                    message = expression(self.rewrite_value(check["error_message"]))
                    conditions.append(
                        f'{{kind = "{kind}", condition = try({condition}, "{ERROR}"), '
                        f'error_message = try({message}, "{ERROR}")}}'
                    )
        selected = f"local.{resource_local(block.kind, block.type, block.name)}[{KEY}]"
        return self._iterate(block, f"[for self in [{selected}] : [{', '.join(conditions)}]][0]")


class StubTree:
    """infra/terraform rewritten into a temporary directory, initialised once; `evaluate` per scenario."""

    def __init__(self, readable: dict[tuple[str, str], set[str]], source: Path = TERRAFORM) -> None:
        """`readable`: the attributes each (kind, type) has, from the provider schema (tf_provider_schema)."""
        self.cli = terraform_cli()
        self.top = Path(tempfile.mkdtemp(prefix="tfeval-"))
        self.root = self.top / "infra" / "terraform"
        for directory in sorted({p.parent for p in source.rglob("*.tf") if ".terraform" not in p.parts}):
            target = self.root / directory.relative_to(source)
            target.mkdir(parents=True, exist_ok=True)
            for extra in directory.iterdir():
                if extra.is_file() and extra.suffix != ".tf":
                    shutil.copy2(extra, target / extra.name)
            (target / "main.tf").write_text(_Module(directory, readable).stub(is_root=directory == source))
        # Paths the configuration reads relative to infra/terraform (../../packaging, ../../grafana, ...).
        for top in REPO.iterdir():
            if top.is_dir() and top.name not in ("infra",) and not top.name.startswith("."):
                (self.top / top.name).symlink_to(top)
        self._run("init", "-backend=false", "-input=false")

    def remove(self) -> None:
        shutil.rmtree(self.top, ignore_errors=True)

    def _run(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [str(self.cli), *args, "-no-color"],
            cwd=self.root,
            input=stdin,
            capture_output=True,
            text=True,
            env=cli_env(),
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"terraform {args[0]} failed in {self.root}:\n{done.stderr[-4000:]}")
        return done.stdout

    def evaluate(self, variables: dict[str, Any], data: dict[str, Any] | None = None) -> Instance:
        """Every module instance of the configuration for these root variables (and data source answers)."""
        with tempfile.NamedTemporaryFile("w", suffix=".tfvars.json", dir=self.root, delete=False) as handle:
            json.dump({**variables, "tfeval_data": data or {}}, handle)
        try:
            out = self._run("console", f"-var-file={handle.name}", stdin="jsonencode(local.tfeval)\n")
        finally:
            Path(handle.name).unlink()
        return Instance(json.loads(json.loads(out.strip())))


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


@dataclass
class Instance:
    """One evaluated module instance (`path` '' for the root, e.g. 'kinesis.key[0]')."""

    tree: dict[str, Any] = field(repr=False)

    @property
    def path(self) -> str:
        return self.tree["path"]

    @property
    def vars(self) -> dict[str, Any]:
        return self.tree["vars"]

    @property
    def locals(self) -> dict[str, Any]:
        return self.tree["locals"]

    @property
    def outputs(self) -> dict[str, Any]:
        return self.tree["outputs"]

    @property
    def validations(self) -> dict[str, list[dict[str, Any]]]:
        return self.tree["validations"]

    def failed_validations(self) -> dict[str, list[str]]:
        """Variable -> error messages of its validations that do not hold."""
        failed = {}
        for name, checks in self.validations.items():
            messages = [c["error_message"] for c in checks if c["condition"] is not True]
            if messages:
                failed[name] = messages
        return failed

    def resources(self, address: str) -> list[dict[str, Any]]:
        """The instances of `type.name` (or `data.type.name`) as a list (for_each keys in tfeval_address)."""
        instances = self.tree["resources"][address]["instances"]
        if isinstance(instances, dict) and "tfeval_address" not in instances:
            return list(instances.values())
        return instances if isinstance(instances, list) else [instances]

    def failed_checks(self, address: str) -> list[str]:
        """Error messages of the pre/postconditions of `address` that do not hold, over all its instances."""
        checks = self.tree["resources"][address]["checks"]
        if isinstance(checks, dict):
            groups = list(checks.values())
        elif checks and isinstance(checks[0], list):
            groups = checks
        else:
            groups = [checks]
        return [c["error_message"] for group in groups for c in group if c["condition"] is not True]

    @cached_property
    def children(self) -> dict[str, Instance]:
        found = {}
        for name, value in self.tree["modules"].items():
            if isinstance(value, list):
                found.update({f"{name}[{i}]": Instance(v) for i, v in enumerate(value)})
            elif "path" in value and "vars" in value:
                found[name] = Instance(value)
            else:
                found.update({f"{name}[{k}]": Instance(v) for k, v in value.items()})
        return found

    def walk(self):
        yield self
        for child in self.children.values():
            yield from child.walk()

    def find(self, path: str) -> Instance:
        for instance in self.walk():
            if instance.path == path:
                return instance
        raise KeyError(f"no module instance {path!r}: have {[i.path for i in self.walk()]}")

    def all_resources(self, type_: str) -> list[dict[str, Any]]:
        """Every instance of a resource type in this module and below."""
        found = []
        for instance in self.walk():
            for address in instance.tree["resources"]:
                if address.rsplit(".", 1)[0] == type_:
                    found += instance.resources(address)
        return found


def policy_json(document: dict[str, Any]) -> dict[str, Any]:
    """An evaluated aws_iam_policy_document as the provider renders it."""
    args = document["tfeval_args"]
    statements = []
    for s in args.get("statement", []):
        out: dict[str, Any] = {"Effect": s.get("effect") or "Allow"}
        if s.get("sid"):
            out["Sid"] = s["sid"]
        for source, target in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if s.get(source) is not None:
                out[target] = list(s[source])
        principals: dict[str, list[str]] = {}
        for p in s.get("principals") or []:
            principals.setdefault(p["type"], []).extend(p["identifiers"])
        if principals:
            out["Principal"] = principals
        conditions: dict[str, dict[str, list[str]]] = {}
        for c in s.get("condition") or []:
            conditions.setdefault(c["test"], {}).setdefault(c["variable"], []).extend(c["values"])
        if conditions:
            out["Condition"] = conditions
        statements.append(out)
    return {"Version": "2012-10-17", "Statement": statements}
