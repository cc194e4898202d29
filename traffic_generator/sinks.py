"""Where generated records go: a Kinesis stream through PutRecords, or a JSONL file."""

import sys
import time
from typing import IO, Protocol

from traffic_generator.simulation import Emission

MAX_PUT_RECORDS = 500  # the PutRecords limit


class Sink(Protocol):
    def write(self, emission: Emission) -> None: ...
    def flush(self) -> None: ...
    def close(self) -> None: ...


class JsonlSink:
    """One record's data per line, exactly as it would be on the stream ('-' for stdout)."""

    def __init__(self, path: str) -> None:
        self._file: IO[str] = sys.stdout if path == "-" else open(path, "w", encoding="utf-8")  # noqa: SIM115

    def write(self, emission: Emission) -> None:
        self._file.write(emission.data + "\n")

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        if self._file is not sys.stdout:
            self._file.close()


class KinesisSink:
    """Batches PutRecords (≤ 500 records) and re-sends the records a partial failure names."""

    def __init__(self, client: object, stream_name: str, batch_size: int = 250, max_attempts: int = 8) -> None:
        if not 1 <= batch_size <= MAX_PUT_RECORDS:
            raise ValueError(f"--batch-size must be 1..{MAX_PUT_RECORDS}, got {batch_size}")
        self._client = client
        self._stream = stream_name
        self._batch_size = batch_size
        self._max_attempts = max_attempts
        self._pending: list[dict[str, object]] = []
        self.sent = 0

    def write(self, emission: Emission) -> None:
        self._pending.append({"Data": emission.data.encode(), "PartitionKey": emission.partition_key})
        if len(self._pending) >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        records, self._pending = self._pending, []
        delay = 0.05
        for attempt in range(1, self._max_attempts + 1):
            if not records:
                return
            response = self._client.put_records(StreamName=self._stream, Records=records)  # type: ignore[attr-defined]
            failed = [r for r, result in zip(records, response["Records"], strict=True) if "ErrorCode" in result]
            self.sent += len(records) - len(failed)
            records = failed
            if records and attempt < self._max_attempts:
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
        if records:
            raise RuntimeError(f"{len(records)} records still failing after {self._max_attempts} PutRecords attempts")

    def close(self) -> None:
        self.flush()
