"""Per-queue targets (grafana/targets.yaml): service level, oldest contact, abandonment, with a default for all queues.

Grafana has no way for a panel or an alert rule to read a file at query time (short of a plugin such as Infinity,
which Amazon Managed Grafana does not enable here), so the targets are compiled into the SQL at build time: one
`CASE queue_name WHEN ... END` per figure. The dashboards and the alert rules are built from the same `Targets`, so
a cell and a rule can never disagree about a queue's target.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from grafana.variables import SERVICE_LEVEL_THRESHOLDS

FILE = Path(__file__).resolve().parent / "targets.yaml"


class TargetsError(ValueError):
    """The targets file is not what grafana/targets.py expects; the message names the key and the fix."""


@dataclass(frozen=True)
class QueueTargets:
    service_level_threshold_seconds: int
    service_level_target: float  # green at or above
    service_level_critical: float  # red below
    oldest_contact_warning_seconds: float  # amber above
    oldest_contact_critical_seconds: float  # red above
    abandonment_warning: float  # amber above
    abandonment_ceiling: float  # red above

    def check(self, where: str) -> None:
        if str(self.service_level_threshold_seconds) not in SERVICE_LEVEL_THRESHOLDS:
            raise TargetsError(
                f"{where}: service_level_threshold_seconds {self.service_level_threshold_seconds} is not one of the "
                f"job's service_level.thresholds.seconds {SERVICE_LEVEL_THRESHOLDS}"
            )
        for name in ("service_level_target", "service_level_critical", "abandonment_warning", "abandonment_ceiling"):
            if not 0 <= getattr(self, name) <= 1:
                raise TargetsError(f"{where}: {name} is a share between 0 and 1, not {getattr(self, name)}")
        if self.service_level_critical > self.service_level_target:
            raise TargetsError(f"{where}: service_level_critical must not be above service_level_target")
        if not 0 <= self.oldest_contact_warning_seconds <= self.oldest_contact_critical_seconds:
            raise TargetsError(f"{where}: oldest_contact_warning_seconds must be between 0 and the critical one")
        if self.abandonment_warning > self.abandonment_ceiling:
            raise TargetsError(f"{where}: abandonment_warning must not be above abandonment_ceiling")

    @property
    def service_level_column(self) -> str:
        return f"service_level_{self.service_level_threshold_seconds}s"

    def service_level_steps(self) -> tuple[tuple[float | None, str], ...]:
        """Grafana thresholds (a step applies from its value up) for panels over several queues."""
        return ((None, "red"), (self.service_level_critical, "orange"), (self.service_level_target, "green"))

    def abandonment_steps(self) -> tuple[tuple[float | None, str], ...]:
        return ((None, "green"), (self.abandonment_warning, "orange"), (self.abandonment_ceiling, "red"))

    def oldest_steps(self) -> tuple[tuple[float | None, str], ...]:
        return (
            (None, "green"),
            (self.oldest_contact_warning_seconds, "orange"),
            (self.oldest_contact_critical_seconds, "red"),
        )


FIELDS = tuple(f.name for f in fields(QueueTargets))


@dataclass(frozen=True)
class Targets:
    default: QueueTargets
    queues: dict[str, QueueTargets]

    def of(self, queue: str) -> QueueTargets:
        return self.queues.get(queue, self.default)

    def case(self, field: str, column: str = "queue_name") -> str:
        """SQL for `field` of the row's queue: a literal when no queue overrides it, else a CASE on `column`."""
        return self._case({name: str(getattr(t, field)) for name, t in self.queues.items()}, field, column)

    def service_level(self, column: str = "queue_name") -> str:
        """SQL for the row's service level at its queue's own threshold (service_level_<X>s of that row)."""
        return self._case(
            {name: t.service_level_column for name, t in self.queues.items()}, "service_level_column", column
        )

    def service_level_groups(self) -> dict[str, tuple[str, ...]]:
        """The queues whose service level is another column than the default's, by that column (for a dialect
        without CASE, which queries each group of queues on its own)."""
        groups: dict[str, list[str]] = {}
        for name, queue in sorted(self.queues.items()):
            if queue.service_level_column != self.default.service_level_column:
                groups.setdefault(queue.service_level_column, []).append(name)
        return {column: tuple(names) for column, names in sorted(groups.items())}

    def _case(self, per_queue: dict[str, str], field: str, column: str) -> str:
        default = str(getattr(self.default, field))
        overrides = {name: value for name, value in sorted(per_queue.items()) if value != default}
        if not overrides:
            return default
        branches = " ".join(f"WHEN {_quote(name)} THEN {value}" for name, value in overrides.items())
        return f"CASE {column} {branches} ELSE {default} END"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _targets(values: dict[str, Any], base: QueueTargets | None, where: str) -> QueueTargets:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise TargetsError(f"{where}: unknown key(s) {unknown}; known: {list(FIELDS)}")
    if base is None:
        missing = sorted(set(FIELDS) - set(values))
        if missing:
            raise TargetsError(f"{where}: default must set every key; missing {missing}")
        result = QueueTargets(**values)
    else:
        result = replace(base, **values)
    for name in FIELDS:
        value = getattr(result, name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TargetsError(f"{where}: {name} must be a number, not {value!r}")
    result.check(where)
    return result


def parse(document: Any, source: str = "targets") -> Targets:
    if not isinstance(document, dict) or set(document) - {"default", "queues"} or "default" not in document:
        raise TargetsError(f"{source}: expected a mapping with `default` and optionally `queues`")
    default = _targets(document["default"] or {}, None, f"{source}: default")
    queues = document.get("queues") or {}
    if not isinstance(queues, dict):
        raise TargetsError(f"{source}: `queues` maps queue names to their targets")
    return Targets(
        default, {str(name): _targets(v or {}, default, f"{source}: queue {name!r}") for name, v in queues.items()}
    )


def load(path: Path = FILE) -> Targets:
    return parse(yaml.safe_load(path.read_text()), str(path.name))
