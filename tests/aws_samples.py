"""AWS's published sample payloads (tests/fixtures/aws_samples), repaired minimally into valid JSON.

The repairs are the ones the fixtures' README lists: `//` comments and trailing commas removed, and the
sample-specific fixes in `SPECIFIC_REPAIRS`. Nothing else in a sample changes.
"""

import json
import re
from pathlib import Path
from typing import Any

PUBLISHED = Path(__file__).resolve().parent / "fixtures" / "aws_samples" / "published"
# Fixes of one sample each, after comments are removed: file -> (text as published, text repaired).
SPECIFIC_REPAIRS = {
    "sample-agent-event-stream.txt": (
        '"MaximumSlots": 3  \n                    {',
        '"MaximumSlots": 3\n                    },{',
    ),
    # `agentInfo` is closed twice, which would end `detail` before its `queueInfo`.
    "contact-events-connected-to-agent.txt": (
        "                 }\n            }\n        },\n",
        "                 }\n            },\n",
    ),
}


def _without_comments(text: str) -> str:
    """`//` to the end of the line, outside strings."""
    out, in_string, i = [], False, 0
    while i < len(text):
        c = text[i]
        if in_string:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
            out.append(c)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def repaired(name: str) -> str:
    text = _without_comments((PUBLISHED / name).read_text())
    if name in SPECIFIC_REPAIRS:
        published, fixed = SPECIFIC_REPAIRS[name]
        assert published in text, f"{name}: the repair no longer applies"
        text = text.replace(published, fixed)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    return json.dumps(json.loads(text))  # one line, as on the stream


def load(name: str) -> dict[str, Any]:
    return json.loads(repaired(name))


def names() -> list[str]:
    return sorted(p.name for p in PUBLISHED.glob("*.txt"))
