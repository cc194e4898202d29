"""The row shape the benchmarks write: the job's `agent_state_by_queue` output contract.

Declared here, not imported from `flink_app.outputs`, so that the benchmarks measure a fixed shape
while the job evolves: time, 3 dimensions, a version and 7 BIGINT measures, one multi-measure
record named `agent_state` per queue per 10 s boundary (docs/METRICS.md).
"""

MEASURE_NAME = "agent_state"
DIMENSIONS = ("instance_id", "queue_id", "queue_name")
MEASURES = (
    "agents_online",
    "agents_available",
    "agents_on_contact",
    "agents_after_contact_work",
    "agents_non_productive",
    "agents_error",
    "agents_staffed",
)
COLUMNS = [
    ("time", "TIMESTAMP(3)"),
    *((d, "STRING") for d in DIMENSIONS),
    ("version", "BIGINT"),
    *((m, "BIGINT") for m in MEASURES),
]
