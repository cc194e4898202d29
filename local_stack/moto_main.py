"""moto's server (`moto.server.main`), with the cost per Kinesis record made constant.

moto's `Shard` finds its last sequence number by listing every key it holds on each record put
(`get_max_sequence_number`) and scans the shard from its start on each `GetRecords`: the cost per record grows
with the stream, and at 220 records/s of 2.7 KB moto fell behind after about 200 s (39,000 records) and stalled.
A shard's sequence numbers are consecutive (each put takes the last one + 1), so both can index the shard
directly; `patch_kinesis_shards` does that and changes nothing else (`tests/unit/test_local_stack.py` holds the
patched methods equal to moto's own on the same shard).
"""

import sys
from collections.abc import Callable
from typing import Any


def _last_key(records: dict[int, Any]) -> int:
    return next(reversed(records)) if records else 0


def _first_key(records: dict[int, Any]) -> int:
    return next(iter(records)) if records else 0


def get_records(self: Any, last_sequence_id: str, limit: int | None) -> tuple[list[Any], int, int]:
    """moto's `Shard.get_records`, reading from `last_sequence_id + 1` by key instead of from the start."""
    last = int(last_sequence_id)
    records = self.records
    results = []
    sequence = max(last + 1, _first_key(records))
    while sequence in records and (limit is None or len(results) < limit):
        results.append(records[sequence])
        last = sequence
        sequence += 1
    behind = records[_last_key(records)].created_at - results[-1].created_at if results else 0.0
    return results, last, int(behind * 1000)


def patch_kinesis_shards(shard_class: type | None = None) -> Callable[[], None]:
    """Replaces the three methods on moto's `Shard` (or `shard_class`); returns a function that undoes it."""
    if shard_class is None:
        from moto.kinesis.models import Shard

        shard_class = Shard
    originals = {
        name: getattr(shard_class, name)
        for name in ("get_records", "get_max_sequence_number", "get_min_sequence_number")
    }
    shard_class.get_records = get_records  # type: ignore[attr-defined]
    shard_class.get_max_sequence_number = lambda self: _last_key(self.records)  # type: ignore[attr-defined]
    shard_class.get_min_sequence_number = lambda self: _first_key(self.records)  # type: ignore[attr-defined]

    def undo() -> None:
        for name, method in originals.items():
            setattr(shard_class, name, method)

    return undo


def main(argv: list[str] | None = None) -> None:
    from moto.server import main as moto_main

    patch_kinesis_shards()
    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
