"""The bad-input corpus: malformed and adversarial Connect records, each with the outcome it must get.

`python -m tests.reliability.corpus` (re)writes the committed files in `corpus/` from the builders below;
`test_bad_input.py` checks that the files and the builders agree, so neither drifts. One JSON document per
line:

- `stream_<group>.jsonl`: `{"group", "id", "expect", "record"}` for the shared Kinesis stream. `record` is the raw text
  (a JSON string, so truncated or non-JSON text fits), or `record_b64` for bytes that are not UTF-8. `expect`
  is the `RejectedRecord` reason, or `agent_event` / `ctr` for adversarial input that is still valid (unicode
  names, a LOGOUT without snapshot, ...).
- `contact_events.jsonl`: `{"id", "expect", "event"}` for EventBridge contact events; `expect` is a reason
  or `ok`.

Cases too large to commit (payloads over 1 MiB, deep nesting) are built by `generated_stream_records()`.
"""

import base64
import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
CONTACT_EVENT_FILE = CORPUS / "contact_events.jsonl"
VALID = ("agent_event", "ctr", "contact_event")

Doc = dict[str, Any]


def _fixture(path: str) -> Doc:
    return json.loads((REPO_ROOT / path).read_text())


def agent_event() -> Doc:
    return _fixture("tests/fixtures/agent_event_state_change.json")


def ctr() -> Doc:
    return _fixture("tests/fixtures/ctr_handled.json")


def contact_event() -> Doc:
    return _fixture("tests/lambdas/fixtures/contact_event_connected_to_agent_camel.json")


def _set(doc: Doc, path: str, value: Any) -> Doc:
    """A copy of `doc` with the dotted `path` set (`[0]` indexes a list); `...` as value deletes the key."""
    doc = copy.deepcopy(doc)
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    key: Any = int(last[1:-1]) if last.startswith("[") else last
    if value is ...:
        del node[key]
    else:
        node[key] = value
    return doc


# Every field the model reads, with the reason a value of the wrong type gets. Paths are in the fixture
# documents; `Contacts.[0]` is the first contact.
AGENT_EVENT_FIELDS: dict[str, str] = {
    "EventType": "bad_EventType",
    "EventId": "bad_EventId",
    "EventTimestamp": "bad_EventTimestamp",
    "AgentARN": "bad_AgentARN",
    "InstanceARN": "bad_InstanceARN",
    "CurrentAgentSnapshot": "bad_CurrentAgentSnapshot",
    "CurrentAgentSnapshot.AgentStatus": "bad_AgentStatus",
    "CurrentAgentSnapshot.AgentStatus.Name": "bad_AgentStatus.Name",
    "CurrentAgentSnapshot.AgentStatus.Type": "bad_Type",
    "CurrentAgentSnapshot.AgentStatus.ARN": "bad_ARN",
    "CurrentAgentSnapshot.AgentStatus.StartTimestamp": "bad_AgentStatus.StartTimestamp",
    "CurrentAgentSnapshot.Configuration": "bad_Configuration",
    "CurrentAgentSnapshot.Configuration.Username": "bad_Username",
    "CurrentAgentSnapshot.Configuration.RoutingProfile": "bad_RoutingProfile",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.ARN": "bad_RoutingProfile.ARN",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.Name": "bad_Name",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues": "bad_InboundQueues",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0]": "bad_RoutingProfile.InboundQueues",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].ARN": "bad_RoutingProfile.InboundQueues.ARN",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].Name": "bad_Name",
    "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].Channels": "bad_Channels",
    "CurrentAgentSnapshot.Contacts": "bad_Contacts",
    "CurrentAgentSnapshot.Contacts.[0]": "bad_Contacts[]",
    "CurrentAgentSnapshot.Contacts.[0].ContactId": "bad_Contacts.ContactId",
    "CurrentAgentSnapshot.Contacts.[0].Channel": "bad_Channel",
    "CurrentAgentSnapshot.Contacts.[0].State": "bad_Contacts.State",
    "CurrentAgentSnapshot.Contacts.[0].InitiationMethod": "bad_InitiationMethod",
    "CurrentAgentSnapshot.Contacts.[0].StateStartTimestamp": "bad_Contacts.StateStartTimestamp",
    "CurrentAgentSnapshot.Contacts.[0].Queue": "bad_Contacts.Queue",
    "CurrentAgentSnapshot.Contacts.[0].Queue.ARN": "bad_Contacts.Queue.ARN",
}
CTR_FIELDS: dict[str, str] = {
    "ContactId": "bad_ContactId",
    "InstanceARN": "bad_InstanceARN",
    "Channel": "bad_Channel",
    "InitiationMethod": "bad_InitiationMethod",
    "InitiationTimestamp": "bad_InitiationTimestamp",
    "DisconnectTimestamp": "bad_DisconnectTimestamp",
    "LastUpdateTimestamp": "bad_LastUpdateTimestamp",
    "Queue": "bad_Queue",
    "Queue.ARN": "bad_Queue.ARN",
    "Queue.Name": "bad_Name",
    "Queue.Duration": "bad_Duration",
    "Queue.EnqueueTimestamp": "bad_Queue.EnqueueTimestamp",
    "Queue.DequeueTimestamp": "bad_Queue.DequeueTimestamp",
    "Agent": "bad_Agent",
    "Agent.ARN": "bad_ARN",
    "Agent.Username": "bad_Username",
    "Agent.ConnectedToAgentTimestamp": "bad_Agent.ConnectedToAgentTimestamp",
    "Agent.AgentInteractionDuration": "bad_AgentInteractionDuration",
    "Agent.CustomerHoldDuration": "bad_CustomerHoldDuration",
    "Agent.AfterContactWorkDuration": "bad_AfterContactWorkDuration",
    "Agent.NumberOfHolds": "bad_NumberOfHolds",
}
CONTACT_EVENT_FIELDS: dict[str, str] = {
    "id": "bad_id",
    "time": "bad_time",
    "detail": "bad_detail",
    "detail.eventType": "bad_eventType",
    "detail.contactId": "bad_contactId",
    "detail.instanceArn": "bad_instanceArn",
    "detail.channel": "bad_channel",
    "detail.initiationMethod": "bad_initiationMethod",
    "detail.initiationTimestamp": "bad_initiationTimestamp",
    "detail.queueInfo": "bad_queueInfo",
    "detail.queueInfo.queueArn": "bad_queueArn",
    "detail.queueInfo.queueType": "bad_queueType",
    "detail.queueInfo.enqueueTimestamp": "bad_enqueueTimestamp",
    "detail.agentInfo": "bad_agentInfo",
    "detail.agentInfo.agentArn": "bad_agentArn",
    "detail.agentInfo.connectedToAgentTimestamp": "bad_connectedToAgentTimestamp",
}

NUMBER_FIELDS = (
    "Duration",
    "AgentInteractionDuration",
    "CustomerHoldDuration",
    "AfterContactWorkDuration",
    "NumberOfHolds",
)
OBJECT_FIELDS = (
    "CurrentAgentSnapshot",
    "AgentStatus",
    "Configuration",
    "RoutingProfile",
    "Queue",
    "Agent",
    "detail",
    "queueInfo",
    "agentInfo",
)
# Wrong types for a field: for number fields a string replaces the number.
WRONG_TYPES: dict[str, Any] = {"int": 42, "float": 4.5, "bool": True, "list": [], "object": {"S": "x"}}


def _wrong_types(path: str) -> Iterator[tuple[str, Any]]:
    last = path.rsplit(".", 1)[-1]
    for name, value in WRONG_TYPES.items():
        if last in NUMBER_FIELDS and name in ("int", "float"):
            continue
        if name == "object" and (last.startswith("[") or last in OBJECT_FIELDS):
            continue  # an object is the right type
        if last in ("InboundQueues", "Contacts", "Channels") and name == "list":
            continue
        yield name, value
    if last in NUMBER_FIELDS:
        yield "string", "15"


def _line(case_id: str, expect: str, record: str | bytes) -> Doc:
    if isinstance(record, bytes):
        return {"id": case_id, "expect": expect, "record_b64": base64.b64encode(record).decode()}
    return {"id": case_id, "expect": expect, "record": record}


def _dumps(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False)


def stream_records() -> list[Doc]:
    cases: list[Doc] = []
    group = ""

    def add(case_id: str, expect: str, record: str | bytes) -> None:
        cases.append({"group": group, **_line(case_id, expect, record)})

    ae, cr = _dumps(agent_event()), _dumps(ctr())

    group = "not_json"  # Not JSON, or not an object.
    for cut in (1, len(ae) // 10, len(ae) // 2, len(ae) - 1):
        add(f"truncated_agent_event_at_{cut}", "not_json", ae[:cut])
    for cut in (len(cr) // 3, len(cr) - 2):
        add(f"truncated_ctr_at_{cut}", "not_json", cr[:cut])
    add("empty", "not_json", "")
    add("whitespace", "not_json", " \t\r")
    add("nul_bytes", "not_json", "\x00\x00\x00")
    add("binary_not_utf8", "not_json", b"\xff\xfe\x00{\x81")
    add("utf8_bom_then_json", "not_json", "\ufeff" + ae)
    add("utf8_bom_then_json_bytes", "not_json", b"\xef\xbb\xbf" + ae.encode())
    add("utf16_json_bytes", "not_json", ae.encode("utf-16"))
    add("single_quotes", "not_json", ae.replace('"', "'"))
    add("trailing_comma", "not_json", ae[:-1] + ",}")
    add("two_documents", "not_json", ae + ae)
    add("integer_over_4300_digits", "not_json", '{"EventType": ' + "9" * 5000 + "}")
    add("json_null", "not_an_object", "null")
    add("json_array", "not_an_object", "[" + ae + "]")
    add("json_string", "not_an_object", json.dumps(ae))
    add("json_number", "not_an_object", "1767603720123")
    add("json_true", "not_an_object", "true")
    add("json_nan", "not_json", "NaN")  # RFC 8259 has no NaN (Python's json would take it)
    group = "kinds"  # Objects of neither kind, unknown event types, missing snapshots and fields.
    add("empty_object", "unknown_kind", "{}")
    add("unrelated_object", "unknown_kind", '{"hello": "world"}')
    # Contact events, as the EventBridge rule puts them on the stream.
    ce = contact_event()
    add("eventbridge_envelope_on_the_stream", "contact_event", _dumps(ce))
    add("contact_event_unknown_type", "unknown_event_type", _dumps(_set(ce, "detail.eventType", "SOMETHING_NEW")))
    add("contact_event_data_updated", "contact_event", _dumps(_set(ce, "detail.eventType", "CONTACT_DATA_UPDATED")))
    add("contact_event_other_source", "not_a_contact_event", _dumps(_set(ce, "source", "aws.events")))
    add("contact_event_other_detail_type", "not_a_contact_event", _dumps(_set(ce, "detail-type", "Agent Event")))
    add("contact_event_source_not_text", "not_a_contact_event", _dumps(_set(ce, "source", ["aws.connect"])))
    add("contact_event_without_detail", "bad_detail", _dumps(_set(ce, "detail", ...)))
    add("contact_event_instance_ARN_casing", "contact_event", _dumps(_set(_set(ce, "detail.instanceArn", ...),
        "detail.instanceARN", ce["detail"]["instanceArn"])))  # fmt: skip
    add("contact_event_channel_mixed_case", "contact_event", _dumps(_set(ce, "detail.channel", "Voice")))
    add(
        "contact_event_not_yet_connected_placeholder",
        "contact_event",
        _dumps(_set(ce, "detail.agentInfo.connectedToAgentTimestamp", "1970-01-01T00:00:00.001Z")),
    )
    add(
        "contact_event_agent_queue",
        "contact_event",
        _dumps(_set(ce, "detail.queueInfo.queueArn", ce["detail"]["instanceArn"] + "/queue/agent/a1")),
    )
    # Keys fold by ASCII letters only: the Kelvin sign lower-cases to "k" in Unicode, not here.
    add("contact_event_keys_fold_only_ascii", "contact_event",
        _dumps(_set(ce, "detail.agentInfo.afterContactWor\u212aEndTimestamp", "not a time")))  # fmt: skip
    add("lower_case_keys", "unknown_kind", _dumps({k.lower(): v for k, v in agent_event().items()}))
    # Unknown or absent event types.
    for i, event_type in enumerate(["PING", "login", "STATE_CHANGE ", "HEART-BEAT", "\u0000", "LOGIN\u200b", "Ŀogin"]):
        add(f"unknown_event_type_{i}", "unknown_event_type", _dumps(_set(agent_event(), "EventType", event_type)))
    add("event_type_empty", "missing_EventType", _dumps(_set(agent_event(), "EventType", "")))
    add("event_type_null", "missing_EventType", _dumps(_set(agent_event(), "EventType", None)))
    add("agent_arn_only", "missing_EventType", '{"AgentARN": "arn:aws:connect:eu-west-2:1:instance/i/agent/a"}')
    add("duplicate_keys_last_wins", "unknown_event_type", ae[:-1] + ', "EventType": "PING"}')
    # Agent events without their snapshot: only LOGOUT may omit it.
    for event_type in ("LOGIN", "STATE_CHANGE", "HEART_BEAT"):
        add(
            f"{event_type.lower()}_without_snapshot",
            "missing_CurrentAgentSnapshot",
            _dumps(_set(_set(agent_event(), "EventType", event_type), "CurrentAgentSnapshot", ...)),
        )
    add(
        "logout_without_snapshot",
        "agent_event",
        _dumps(_set(_set(agent_event(), "EventType", "LOGOUT"), "CurrentAgentSnapshot", ...)),
    )
    add(
        "logout_snapshot_null",
        "agent_event",
        _dumps(_set(_set(agent_event(), "EventType", "LOGOUT"), "CurrentAgentSnapshot", None)),
    )
    # Required fields missing.
    for path, reason in [
        ("EventId", "missing_EventId"),
        ("AgentARN", "missing_AgentARN"),
        ("EventTimestamp", "bad_EventTimestamp"),
        ("CurrentAgentSnapshot.AgentStatus", "bad_AgentStatus"),
        ("CurrentAgentSnapshot.AgentStatus.Name", "missing_AgentStatus.Name"),
        ("CurrentAgentSnapshot.Contacts.[0].ContactId", "missing_Contacts.ContactId"),
        ("CurrentAgentSnapshot.Configuration.RoutingProfile.ARN", "missing_RoutingProfile.ARN"),
    ]:
        add(f"agent_event_without_{path}", reason, _dumps(_set(agent_event(), path, ...)))
    for path, reason in [
        ("ContactId", "missing_ContactId"),
        ("InstanceARN", "missing_InstanceARN"),
        ("DisconnectTimestamp", "bad_DisconnectTimestamp"),
        ("Queue.ARN", "missing_Queue.ARN"),
    ]:
        add(f"ctr_without_{path}", reason, _dumps(_set(ctr(), path, ...)))
    add(
        "ctr_without_format_version_or_contact_id",
        "unknown_kind",
        _dumps(_set(_set(ctr(), "AWSContactTraceRecordFormatVersion", ...), "ContactId", ...)),
    )
    add("ctr_contact_id_only", "bad_DisconnectTimestamp", '{"ContactId": "c1"}')
    add("ctr_without_last_update_uses_disconnect", "ctr", _dumps(_set(ctr(), "LastUpdateTimestamp", ...)))
    # Wrong types in every field the model reads.
    for fields, base, kind in (
        (AGENT_EVENT_FIELDS, agent_event, "agent_event"),
        (CTR_FIELDS, ctr, "ctr"),
        (CONTACT_EVENT_FIELDS, contact_event, "contact_event"),
    ):
        group = f"{kind}_wrong_types"
        for path, reason in fields.items():
            for type_name, value in _wrong_types(path):
                add(f"{kind}_{path}_as_{type_name}", reason, _dumps(_set(base(), path, value)))
    group = "numbers_and_timestamps"  # Numbers Python's json takes but no Connect field holds; timestamps.
    for literal in ("NaN", "Infinity", "-Infinity", "1e999"):
        # NaN and Infinity are not JSON (RFC 8259): the whole record is; 1e999 is JSON, but no finite number.
        reason = "not_json" if literal != "1e999" else None
        add(
            f"ctr_NumberOfHolds_{literal}",
            reason or "bad_NumberOfHolds",
            cr.replace('"NumberOfHolds": 1', f'"NumberOfHolds": {literal}'),
        )
        add(f"ctr_Duration_{literal}", reason or "bad_Duration", cr.replace('"Duration": 15', f'"Duration": {literal}'))
    add(
        "ctr_duration_huge_integer",
        "bad_AgentInteractionDuration",
        cr.replace('"AgentInteractionDuration": 200', '"AgentInteractionDuration": 1' + "0" * 400),
    )
    # Timestamps: far past, far future, unparsable, out of range after the zone is applied.
    for i, (moment, ok) in enumerate(
        [
            ("0001-01-01T00:00:00Z", False),
            ("0001-01-01T00:00:00+01:00", False),
            ("1970-01-01T00:00:00Z", False),
            ("1999-12-31T23:59:59.999Z", False),
            ("2100-01-01T00:00:00Z", False),
            ("9999-12-31T23:59:59.999Z", False),
            ("9999-12-31T23:59:59-01:00", False),
            ("yesterday", False),
            ("2026-13-01T00:00:00Z", False),
            ("2026-02-30T09:00:00Z", False),
            ("2026-01-05T09:02:00+25:00", False),
            ("1767603720123", False),
            ("2026-01-05T09:02:00.000ZZ", False),
            ("\uff12\uff10\uff12\uff16-01-05T09:02:00Z", False),
            ("2026-01-05T25:00:00Z", False),
            # One strict profile (connect_model/timestamps.py), not everything Python's fromisoformat takes.
            ("2026-01-05", False),
            ("2026-01-05 09:02:00Z", False),
            ("2026-01-05T09:02Z", False),
            ("2026-01-05T09:02:00+0100", False),
            ("2026-01-05T09:02:00.000z", False),
            ("2026-W02-1T09:02:00Z", False),
            ("2026-01-05T09:02:00,5Z", False),
            ("2026-01-05T09:02:00.Z", False),
            ("2026-01-05T09:02:00.1234567891Z", False),
            ("2026-01-05T09:02:00.123456789Z", True),
            ("2026-01-05T09:02:00.5-00:30", True),
            ("2000-01-01T00:00:00Z", True),
            ("2026-01-05T09:02:00", True),
            ("2026-01-05T10:02:00.000+01:00", True),
            ("2099-12-31T23:59:59.999Z", True),
        ]
    ):
        expect_ae = "agent_event" if ok else "bad_EventTimestamp"
        add(f"event_timestamp_{i}", expect_ae, _dumps(_set(agent_event(), "EventTimestamp", moment)))
        add(
            f"disconnect_timestamp_{i}",
            "ctr" if ok else "bad_DisconnectTimestamp",
            _dumps(_set(ctr(), "DisconnectTimestamp", moment)),
        )
    add(
        "event_timestamp_epoch_millis_number",
        "bad_EventTimestamp",
        _dumps(_set(agent_event(), "EventTimestamp", 1767603720123)),
    )
    group = "unicode"  # Unicode in names: valid records whose names must come through unchanged.
    names = {
        "rtl_arabic": "المبيعات",
        "rtl_hebrew_mixed": "מכירות Sales ‏(2)",
        "emoji": "Sales 🚀📞👩🏽‍💻",
        "combining": "Ṡ̷̡a̴les",
        "zero_width": "Sa\u200bles\u200d",
        "nul_escape": "Sales\u0000Support",
        "control_chars": "Sales\u0007\u001b[31m",
        "bidi_override": "\u202eselaS",
        "cjk": "销售部",
        "quotes_and_backslashes": 'O\'Brien "VIP" \\ queue',
    }
    for label, name in names.items():
        doc = _set(agent_event(), "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].Name", name)
        doc = _set(doc, "CurrentAgentSnapshot.Configuration.Username", name)
        add(f"unicode_queue_and_agent_name_{label}", "agent_event", _dumps(doc))
        add(f"unicode_ctr_queue_name_{label}", "ctr", _dumps(_set(ctr(), "Queue.Name", name)))
    add(
        "unicode_escaped_surrogate_pair",
        "agent_event",
        json.dumps(
            _set(agent_event(), "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].Name", "🚀")
        ),
    )
    # A lone surrogate decodes in Python but cannot be encoded again: rejected, not passed on.
    placeholder = _set(agent_event(), "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].Name", "@")
    lone = _dumps(placeholder).replace('"@"', '"Sales \\ud800"')
    add("lone_surrogate_in_queue_name", "bad_Name", lone)
    add("lone_surrogate_in_agent_arn", "bad_AgentARN", ae.replace('"AgentARN": "arn', '"AgentARN": "\\udfffarn'))
    add("lone_surrogate_in_ctr_contact_id", "bad_ContactId", cr.replace('"ContactId": "cccc', '"ContactId": "\\udc00c'))
    # Unknown fields, however odd, are ignored.
    add("unknown_field_deeply_nested_500", "agent_event", ae[:-1] + ', "Extra": ' + "[" * 500 + "]" * 500 + "}")
    add("unknown_field_nested_channels", "agent_event", ae.replace('["VOICE", "CHAT"]', "[[[[1]]], {}, null]"))
    return cases


def generated_stream_records() -> list[Doc]:
    """Large cases, built at test time rather than committed."""
    ae = _dumps(agent_event())
    padding = 1_048_576 - len(ae.encode()) - len(', "Pad": ""')
    fits = ae[:-1] + ', "Pad": "' + "x" * padding + '"}'
    queues = [{"ARN": f"arn:aws:connect:eu-west-2:1:instance/i/queue/q{n}", "Name": f"Q{n}"} for n in range(5000)]
    return [
        _line(
            "many_inbound_queues_5000",
            "agent_event",
            _dumps(_set(agent_event(), "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues", queues)),
        ),
        _line(
            "queue_name_100k",
            "agent_event",
            _dumps(
                _set(
                    agent_event(),
                    "CurrentAgentSnapshot.Configuration.RoutingProfile.InboundQueues.[0].Name",
                    "Q" * 100_000,
                )
            ),
        ),
        _line("huge_1MiB_plus_one", "too_large", ae[:-1] + ', "Pad": "' + "x" * (padding + 1) + '"}'),
        _line("huge_exactly_1MiB_still_valid", "agent_event", fits),
        _line("huge_8MiB_of_brackets", "too_large", "[" * 8_388_608),
        _line("huge_emoji_string_4MiB", "too_large", '"' + "😀" * 1_048_576 + '"'),
        _line("deep_nesting_100k_arrays", "not_json", "[" * 100_000 + "]" * 100_000),
        _line("deep_nesting_50k_objects", "not_json", '{"a":' * 50_000 + "1" + "}" * 50_000),
        _line(
            "deep_nesting_in_unknown_field_100k", "not_json", ae[:-1] + ', "X": ' + "[" * 100_000 + "]" * 100_000 + "}"
        ),
        _line("many_small_keys_1MiB", "unknown_kind", "{" + ",".join(f'"k{n}":{n}' for n in range(65_000)) + "}"),
    ]


def contact_events() -> list[Doc]:
    cases: list[Doc] = []

    def add(case_id: str, expect: str, event: Any) -> None:
        cases.append({"id": case_id, "expect": expect, "event": event})

    add("valid", "ok", contact_event())
    add("not_an_object", "bad_event", ["not", "an", "object"])
    add("no_detail", "bad_detail", _set(contact_event(), "detail", ...))
    add("empty_detail", "missing_eventType", _set(contact_event(), "detail", {}))
    add(
        "pascal_case_detail",
        "ok",
        _set(contact_event(), "detail", {k[:1].upper() + k[1:]: v for k, v in contact_event()["detail"].items()}),
    )
    add("unknown_event_type_is_kept", "ok", _set(contact_event(), "detail.eventType", "SOMETHING_NEW"))
    add("deep_detail_500", "ok", _set(contact_event(), "detail.extra", _nested(500)))
    add("non_string_keys_are_ignored", "missing_eventType", _set(contact_event(), "detail", {"1": 2}))
    for path, reason in CONTACT_EVENT_FIELDS.items():
        for type_name, value in _wrong_types(path):
            add(f"{path}_as_{type_name}", reason, _set(contact_event(), path, value))
    for path, reason in [
        ("id", "missing_id"),
        ("detail.contactId", "missing_contactId"),
        ("detail.instanceArn", "missing_instanceArn"),
        ("time", "bad_time"),
    ]:
        add(f"without_{path}", reason, _set(contact_event(), path, ...))
    for i, moment in enumerate(
        [
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "1970-01-01T00:00:00Z",
            "tomorrow",
            "2026-01-05T09:00:00+24:00",
        ]
    ):
        add(f"time_{i}", "bad_time", _set(contact_event(), "time", moment))
        # Connect writes a time on 1970-01-01 for a step not reached yet: absent, not bad.
        add(
            f"enqueue_timestamp_{i}",
            "ok" if moment.startswith("1970-01-01T") else "bad_enqueueTimestamp",
            _set(contact_event(), "detail.queueInfo.enqueueTimestamp", moment),
        )
    add("queue_arn_lone_surrogate", "bad_queueArn", _set(contact_event(), "detail.queueInfo.queueArn", "q\ud800"))
    add("unicode_everywhere", "ok", _set(contact_event(), "detail.contactId", "ق📞\u0000\u202e"))
    return cases


def generated_contact_events() -> list[Doc]:
    """Nesting deeper than `json` can write (EventBridge's runtime can still hand such a dict over)."""
    return [
        {"id": "deep_detail_5000", "expect": "ok", "event": _set(contact_event(), "detail.extra", _nested(5000))},
        {
            "id": "deep_queue_info_5000",
            "expect": "ok",
            "event": _set(contact_event(), "detail.queueInfo.extra", _nested(5000)),
        },
    ]


def _nested(depth: int) -> Any:
    value: Any = {}
    for _ in range(depth):
        value = {"Nested": value}
    return value


def read(path: Path) -> list[Doc]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def committed_stream_records() -> list[Doc]:
    return [case for path in sorted(CORPUS.glob("stream_*.jsonl")) for case in read(path)]


def rendered_files() -> dict[Path, str]:
    """Every corpus file and its content, as the builders make them."""
    by_group: dict[str, list[Doc]] = {}
    for case in stream_records():
        by_group.setdefault(case["group"], []).append(case)
    files = {CORPUS / f"stream_{group}.jsonl": render(cases) for group, cases in by_group.items()}
    files[CONTACT_EVENT_FILE] = render(contact_events())
    return files


def raw_record(case: Doc) -> str | bytes:
    return base64.b64decode(case["record_b64"]) if "record_b64" in case else case["record"]


def render(cases: list[Doc]) -> str:
    # ASCII-escaped: lone surrogates and control characters survive any editor or git filter unchanged.
    return "".join(json.dumps(case, ensure_ascii=True) + "\n" for case in cases)


def main() -> int:
    CORPUS.mkdir(exist_ok=True)
    for stale in CORPUS.glob("*.jsonl"):
        stale.unlink()
    for path, text in rendered_files().items():
        path.write_text(text, encoding="ascii")
        print(f"{path.relative_to(REPO_ROOT)}: {text.count(chr(10))} cases, {len(text) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())


def job_expectation(case: dict[str, Any]) -> str:
    """What the job makes of a case: the model's outcome, except that a valid record timed more than 15 minutes
    ahead of the wall clock is a `future_timestamp` dead letter (it would drag the job's event time along)."""
    if case["expect"] not in VALID:
        return case["expect"]
    from datetime import UTC, datetime

    from connect_model import RejectedRecord, parse_stream_record, reject_future

    try:
        reject_future(parse_stream_record(raw_record(case)), datetime.now(UTC))
    except RejectedRecord as rejected:
        return rejected.reason
    return case["expect"]
