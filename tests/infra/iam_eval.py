"""Who may do what: the configuration's identity and key policies (evaluated by tf_eval) decided for a request.

The part of AWS's policy evaluation logic these policies use: Allow/Deny statements with Action/NotAction,
Resource, Principal (AWS ARNs, "*" and account roots, Service) and the condition operators String*/Arn*/Bool.
An operator outside that set raises, so a policy this module cannot judge fails its test instead of passing.
For a KMS key (same account): an explicit Deny anywhere refuses; the key policy allows the principal
directly; or it allows the account root, which delegates to the principal's IAM policy, which must allow too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .tf_eval import ACCOUNT, Instance, policy_json

OPERATORS = {"StringEquals", "StringNotEquals", "StringLike", "ArnEquals", "ArnLike", "Bool"}


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _like(pattern: str, value: str, case: bool = True) -> bool:
    """IAM's wildcards: `*` any run of characters, `?` one; nothing else is special."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case else re.IGNORECASE) is not None


@dataclass(frozen=True)
class Request:
    principal: str  # ARN of the calling role (or a service principal such as logs.eu-west-2.amazonaws.com)
    action: str
    resource: str
    context: dict[str, str] = field(default_factory=dict)

    @property
    def is_service(self) -> bool:
        return not self.principal.startswith("arn:")

    def value(self, key: str) -> str | None:
        keys = {k.lower(): v for k, v in self.context.items()}
        keys.setdefault("aws:principalarn", self.principal)
        if not self.is_service:
            keys.setdefault("kms:calleraccount", ACCOUNT)
        return keys.get(key.lower())


def _conditions_hold(statement: dict[str, Any], request: Request) -> bool:
    for operator, checks in statement.get("Condition", {}).items():
        if operator not in OPERATORS:
            raise ValueError(f"condition operator {operator} is not evaluated here: extend iam_eval")
        for key, expected in checks.items():
            actual = request.value(key)
            if actual is None:
                if operator == "StringNotEquals":
                    continue
                return False
            values = _listed(expected)
            if operator in ("StringEquals", "ArnEquals"):
                ok = actual in values
            elif operator == "StringNotEquals":
                ok = actual not in values
            elif operator == "Bool":
                ok = actual.lower() in (v.lower() for v in values)
            else:
                ok = any(_like(v, actual) for v in values)
            if not ok:
                return False
    return True


def _matches(statement: dict[str, Any], request: Request, *, with_principal: bool) -> str | None:
    """'direct', 'account' (the account root: delegation to IAM) or None: how the statement applies."""
    if "Action" in statement:
        if not any(_like(a, request.action, case=False) for a in _listed(statement["Action"])):
            return None
    elif any(_like(a, request.action, case=False) for a in _listed(statement.get("NotAction"))):
        return None
    if not any(_like(r, request.resource) for r in _listed(statement.get("Resource", "*"))):
        return None
    how = "direct"
    if with_principal:
        principal = statement.get("Principal", {})
        if principal == "*":
            principal = {"AWS": ["*"]}
        services, aws = _listed(principal.get("Service")), _listed(principal.get("AWS"))
        if request.is_service:
            how = "direct" if request.principal in services else None
        elif "*" in aws or request.principal in aws:
            how = "direct"
        elif f"arn:aws:iam::{ACCOUNT}:root" in aws:
            how = "account"
        else:
            how = None
        if how is None:
            return None
    return how if _conditions_hold(statement, request) else None


def decide(policies: list[dict[str, Any]], request: Request, *, resource_policy: bool = False) -> set[str]:
    """The effects that apply: {'Deny'} wins; {'Allow:direct'} / {'Allow:account'} otherwise; empty if none."""
    found = set()
    for policy in policies:
        for statement in policy["Statement"]:
            how = _matches(statement, request, with_principal=resource_policy)
            if how is None:
                continue
            if statement.get("Effect", "Allow") == "Deny":
                return {"Deny"}
            found.add(f"Allow:{how}")
    return found


@dataclass
class Account:
    """The roles and keys of one evaluated configuration, plus principals a test adds."""

    roles: dict[str, list[dict[str, Any]]]  # role ARN -> identity policies
    trust: dict[str, dict[str, Any]]  # role ARN -> trust policy
    names: dict[str, str]  # role name -> role ARN
    keys: dict[str, dict[str, Any]]  # key ARN -> key policy

    @classmethod
    def of(cls, root: Instance) -> Account:
        documents = {doc["json"]: policy_json(doc) for doc in root.all_resources("data.aws_iam_policy_document")}
        roles, trust, names, ids = {}, {}, {}, {}
        for role in root.all_resources("aws_iam_role"):
            roles[role["arn"]] = []
            trust[role["arn"]] = documents[role["assume_role_policy"]]
            names[role["name"]] = role["arn"]
            ids[role["id"]] = ids[role["name"]] = role["arn"]
        for attached in root.all_resources("aws_iam_role_policy"):
            roles[ids[attached["role"]]].append(documents[attached["policy"]])
        keys = {key["arn"]: documents[key["policy"]] for key in root.all_resources("aws_kms_key")}
        return cls(roles, trust, names, keys)

    def role(self, name: str) -> str:
        if name not in self.names:
            raise KeyError(f"no role {name}: have {sorted(self.names)}")
        return self.names[name]

    def identity_allows(self, request: Request, policies: list[dict[str, Any]] | None = None) -> bool:
        effects = decide(self.roles.get(request.principal, []) if policies is None else policies, request)
        return "Allow:direct" in effects

    def kms_allows(self, request: Request, policies: list[dict[str, Any]] | None = None) -> bool:
        """`request.resource` is a key of this configuration: its key policy and the caller's policies."""
        key = decide([self.keys[request.resource]], request, resource_policy=True)
        if "Deny" in key:
            return False
        if "Allow:direct" in key:
            return True
        return "Allow:account" in key and not request.is_service and self.identity_allows(request, policies)
