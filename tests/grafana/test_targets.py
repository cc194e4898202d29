"""Per-queue targets: the committed file, the default-and-override rule, and the SQL the dashboards and rules get."""

from __future__ import annotations

from typing import Any

import pytest

from grafana import targets
from grafana.targets import TargetsError

DEFAULT: dict[str, Any] = {
    "service_level_threshold_seconds": 20,
    "service_level_target": 0.8,
    "service_level_critical": 0.7,
    "oldest_contact_warning_seconds": 60,
    "oldest_contact_critical_seconds": 180,
    "abandonment_warning": 0.05,
    "abandonment_ceiling": 0.1,
}


def test_the_committed_targets_load_with_a_default_and_per_queue_overrides() -> None:
    loaded = targets.load()
    assert loaded.queues, "the example file overrides some queues"
    for name, queue in loaded.queues.items():
        assert queue != loaded.default, f"{name} overrides nothing"


def test_a_listed_queue_takes_the_default_for_what_it_does_not_set() -> None:
    loaded = targets.parse({"default": DEFAULT, "queues": {"Sales": {"service_level_target": 0.9}}})
    sales = loaded.of("Sales")
    assert sales.service_level_target == 0.9 and sales.service_level_critical == 0.7
    assert loaded.of("Support") == loaded.default


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"default": {**DEFAULT, "service_level_threshold_seconds": 30}}, "not one of the job's"),
        ({"default": {**DEFAULT, "service_level_critical": 0.9}}, "must not be above service_level_target"),
        ({"default": {**DEFAULT, "abandonment_ceiling": 10}}, "share between 0 and 1"),
        ({"default": {**DEFAULT, "oldest_contact_warning_seconds": 300}}, "between 0 and the critical one"),
        ({"default": {**DEFAULT, "abandonment_warning": "5%"}}, "must be a number"),
        (
            {"default": {k: v for k, v in DEFAULT.items() if k != "abandonment_ceiling"}},
            "missing ['abandonment_ceiling",
        ),
        ({"default": DEFAULT, "queues": {"Sales": {"service_level": 0.9}}}, "unknown key(s) ['service_level']"),
        ({"default": DEFAULT, "queues": {"Sales": {"service_level_critical": 0.95}}}, "queue 'Sales'"),
        ({"queues": {}}, "expected a mapping with `default`"),
    ],
)
def test_a_wrong_file_names_the_key_and_the_fix(document: dict[str, Any], complaint: str) -> None:
    with pytest.raises(TargetsError) as raised:
        targets.parse(document)
    assert complaint in str(raised.value)


def test_the_sql_is_a_literal_unless_a_queue_overrides_it() -> None:
    loaded = targets.parse({"default": DEFAULT, "queues": {"Bob's": {"service_level_target": 0.9}}})
    assert loaded.case("abandonment_ceiling") == "0.1"
    assert loaded.case("service_level_target", "q.queue_name") == (
        "CASE q.queue_name WHEN 'Bob''s' THEN 0.9 ELSE 0.8 END"
    )
    assert loaded.service_level() == "service_level_20s"
    per_queue = targets.parse({"default": DEFAULT, "queues": {"Support": {"service_level_threshold_seconds": 60}}})
    assert (
        per_queue.service_level() == "CASE queue_name WHEN 'Support' THEN service_level_60s ELSE service_level_20s END"
    )


def test_panels_over_several_queues_band_by_the_default() -> None:
    default = targets.parse({"default": DEFAULT}).default
    assert default.service_level_steps() == ((None, "red"), (0.7, "orange"), (0.8, "green"))
    assert default.abandonment_steps() == ((None, "green"), (0.05, "orange"), (0.1, "red"))
