"""The job's own freshness metrics, read from a local job's REST API while a benchmark runs.

The job registers each stage as gauges of a distribution over its operator's last 1,000 samples (`<name>P50`,
`<name>P99`, `io.github.connectmonitor.Distribution`), plain gauges (`watermarkLagMillis`, the Kinesis
consumer's `millisBehindLatest`) and Flink's own `backPressuredTimeMsPerSecond`. A `MetricsSampler` reads them
every few seconds; a stage's figure over the run is then the median of its sampled p50s and the highest sampled
p99 (or, for a plain gauge, the median and the highest sample): the same numbers a CloudWatch dashboard of the
job shows, summarised over the measured window.
"""

import json
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median

KINESISANALYTICS = ".kinesisanalytics."


@dataclass(frozen=True)
class Stage:
    """One measured stage: `metric` (without P50/P99), and which operator's (a substring of its metric id)."""

    label: str
    metric: str
    operator: str = ""
    distribution: bool = True  # a Distribution (P50/P99 gauges) or a plain gauge


# In the order a record goes through the job. Milliseconds unless the metric says otherwise.
AGENT_STAGES = (
    Stage("read lag: wall clock - event time as the parse step sees an agent event", "agentEventReadLagMillis"),
    Stage("Kinesis consumer: milliseconds behind latest (per shard)", "millisBehindLatest", distribution=False),
    Stage("watermark lag in the per-agent operator", "watermarkLagMillis", "agent state: per agent", False),
    # (Not the per-instance operator's: its gauge is the watermark it last saw, and it sees one element per
    # boundary, so the gauge saws by an interval; its boundary → rows-out stage below is the exact one.)
    Stage("boundary T → its rows leave the per-instance operator", "snapshotEmitLagMillis"),
    Stage("sink: WriteRecords call (agent_state_by_queue)", "writeRequestMillis", "agent_state_by_queue"),
    Stage("sink: row time T → stored (agent_state_by_queue)", "rowTimeToStoredMillis", "agent_state_by_queue"),
)
CONTACT_STAGES = (
    Stage(
        "a CTR reaches its window → the window's figures leave (emit interval included)",
        "contactEmitLagMillis",
        "contacts: per queue tumbling window",
    ),
    Stage("sink: WriteRecords call (queue_contact_metrics)", "writeRequestMillis", "queue_contact_metrics_timestream"),
)
BATCH_FILL = Stage(
    "sink: records per WriteRecords call (agent_state_by_queue)", "recordsPerRequest", "agent_state_by_queue"
)
BACK_PRESSURE = "backPressuredTimeMsPerSecond"


@dataclass
class StageFigure:
    """Over the sampled window: p50 = median of the sampled p50s; p99 = the highest sampled p99."""

    p50: float
    p99: float
    samples: int


def _get(url: str, timeout: float = 5.0) -> object:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def _metric_matches(metric_id: str, stage: Stage, suffix: str) -> bool:
    if not metric_id.endswith(stage.metric + suffix):
        return False
    if stage.metric != "millisBehindLatest" and KINESISANALYTICS not in metric_id:
        return False
    return stage.operator in metric_id


@dataclass
class MetricsSampler:
    """Reads every stage's gauges from the job at `rest_url` each time `sample()` is called."""

    rest_url: str
    stages: tuple[Stage, ...] = AGENT_STAGES + CONTACT_STAGES + (BATCH_FILL,)
    values: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (stage label, "p50"|"p99") -> samples
    back_pressure: list[float] = field(default_factory=list)  # the highest vertex's ms/s, per sample
    errors: int = 0

    def _vertex_metrics(self) -> dict[str, float]:
        jobs = _get(f"{self.rest_url}/jobs")
        running = [j["id"] for j in jobs.get("jobs", []) if j.get("status") == "RUNNING"]  # type: ignore[union-attr]
        values: dict[str, float] = {}
        for job_id in running:
            detail = _get(f"{self.rest_url}/jobs/{job_id}")
            for vertex in detail.get("vertices", []):  # type: ignore[union-attr]
                base = f"{self.rest_url}/jobs/{job_id}/vertices/{vertex['id']}/metrics"
                ids = [m["id"] for m in _get(base)]  # type: ignore[union-attr]
                wanted = [i for i in ids if KINESISANALYTICS in i or i.endswith((".millisBehindLatest", BACK_PRESSURE))]
                for start in range(0, len(wanted), 40):  # keep the query string short
                    query = ",".join(wanted[start : start + 40])
                    for metric in _get(f"{base}?get={urllib.request.quote(query, safe=',')}"):  # type: ignore[union-attr]
                        try:
                            values[f"{vertex['name']}|{metric['id']}"] = float(metric["value"])
                        except (KeyError, TypeError, ValueError):
                            continue
        return values

    def sample(self) -> None:
        try:
            metrics = self._vertex_metrics()
        except (OSError, ValueError, KeyError):
            self.errors += 1  # the job starting or stopping: the next sample counts
            return
        for stage in self.stages:
            suffixes = (("p50", "P50"), ("p99", "P99")) if stage.distribution else (("gauge", ""),)
            for key, suffix in suffixes:
                found = [v for k, v in metrics.items() if _metric_matches(k, stage, suffix)]
                if found:
                    self.values.setdefault((stage.label, key), []).append(max(found))
        pressure = [v for k, v in metrics.items() if k.endswith(BACK_PRESSURE)]
        if pressure:
            self.back_pressure.append(max(pressure))

    def figure(self, stage: Stage) -> StageFigure | None:
        if stage.distribution:
            p50s, p99s = self.values.get((stage.label, "p50"), []), self.values.get((stage.label, "p99"), [])
        else:
            p50s = p99s = self.values.get((stage.label, "gauge"), [])
        if not p50s or not p99s:
            return None
        return StageFigure(median(p50s), max(p99s), len(p99s))


class SamplingThread:
    """Calls `sample()` on every sampler every `period` seconds while `active()` is true, until `stop()`."""

    def __init__(self, samplers: list[MetricsSampler], period: float, active: Callable[[], bool]) -> None:
        self._samplers = samplers
        self._period = period
        self._active = active
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="job metrics", daemon=True)

    def start(self) -> "SamplingThread":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stopping.wait(self._period):
            if self._active():
                for sampler in self._samplers:
                    sampler.sample()
