"""Reads the job's print-sink lines (`<table>> +I[<json>]`) back into documents."""

import json
import re
from typing import Any

_LINE = re.compile(r"^(?P<table>[a-z_]+)(?::\d+)?> (?P<kind>[+-][IUD])\[(?P<document>\{.*\})\]\s*$")


def parse_output_line(line: str) -> dict[str, Any] | None:
    """The JSON document of an insert/update line; None for log lines and retractions."""
    match = _LINE.match(line)
    if match is None or match["kind"] not in ("+I", "+U"):
        return None
    try:
        return json.loads(match["document"])
    except json.JSONDecodeError:
        return None
