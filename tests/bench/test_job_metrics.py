"""The benchmark's reading of the job's own metrics, against a stand-in for Flink's REST API on loopback."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from bench.job_metrics import AGENT_STAGES, MetricsSampler, Stage

SNAPSHOT = AGENT_STAGES[3]  # boundary T → rows out of the per-instance operator
WATERMARK_PER_AGENT = AGENT_STAGES[2]


class FakeFlinkRest:
    """One running job with one vertex; `values` are what the metric ids answer (changed between samples)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        rest = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/jobs":
                    body: object = {"jobs": [{"id": "j1", "status": "RUNNING"}]}
                elif url.path == "/jobs/j1":
                    body = {"vertices": [{"id": "v1", "name": "Source: kinesis -> parse -> agent state"}]}
                elif url.path == "/jobs/j1/vertices/v1/metrics":
                    wanted = parse_qs(url.query).get("get", [""])[0].split(",")
                    if wanted == [""]:
                        body = [{"id": name} for name in rest.values]
                    else:
                        body = [{"id": name, "value": rest.values[name]} for name in wanted if name in rest.values]
                else:
                    self.send_error(404)
                    return
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


@pytest.fixture
def rest() -> Iterator[FakeFlinkRest]:
    fake = FakeFlinkRest()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def test_a_stage_is_the_median_of_its_sampled_p50s_and_the_highest_p99(rest: FakeFlinkRest) -> None:
    sampler = MetricsSampler(rest.url)
    for p50, p99 in ((100, 900), (300, 2500), (200, 1200)):
        rest.values = {
            "0.agent_state__per_instance.kinesisanalytics.snapshotEmitLagMillisP50": str(p50),
            "0.agent_state__per_instance.kinesisanalytics.snapshotEmitLagMillisP99": str(p99),
            "0.agent_state__per_instance.kinesisanalytics.snapshotEmitLagMillisLast": "7",
            "0.backPressuredTimeMsPerSecond": "12",
        }
        sampler.sample()
    figure = sampler.figure(SNAPSHOT)
    assert figure is not None
    assert (figure.p50, figure.p99, figure.samples) == (200, 2500, 3)
    assert sampler.back_pressure == [12, 12, 12]


def test_a_gauge_of_another_operator_or_outside_the_group_is_not_taken(rest: FakeFlinkRest) -> None:
    rest.values = {
        # the same metric name, but the per-instance operator's: not the per-agent stage
        "0.agent state: per instance.kinesisanalytics.watermarkLagMillis": "5000",
        # outside the group Managed Flink publishes
        "0.agent state: per agent.watermarkLagMillis": "9000",
    }
    sampler = MetricsSampler(rest.url, stages=(WATERMARK_PER_AGENT,))
    sampler.sample()
    assert sampler.figure(WATERMARK_PER_AGENT) is None
    rest.values["0.agent state: per agent.kinesisanalytics.watermarkLagMillis"] = "6000"
    sampler.sample()
    figure = sampler.figure(WATERMARK_PER_AGENT)
    assert figure is not None and (figure.p50, figure.p99) == (6000, 6000)


def test_the_kinesis_consumers_lag_is_read_outside_the_group_as_the_connector_registers_it(
    rest: FakeFlinkRest,
) -> None:
    stage = Stage("behind", "millisBehindLatest", distribution=False)
    rest.values = {
        "0.Source__kinesis.KinesisConsumer.stream.s.shardId.shardId-000000000000.millisBehindLatest": "40",
        "0.Source__kinesis.KinesisConsumer.stream.s.shardId.shardId-000000000001.millisBehindLatest": "900",
    }
    sampler = MetricsSampler(rest.url, stages=(stage,))
    sampler.sample()
    figure = sampler.figure(stage)
    assert figure is not None and figure.p99 == 900  # the slowest shard


def test_a_job_not_answering_counts_as_an_error_not_a_sample() -> None:
    sampler = MetricsSampler("http://127.0.0.1:9", stages=(SNAPSHOT,))  # discard port: nothing listens
    sampler.sample()
    assert sampler.errors == 1 and sampler.figure(SNAPSHOT) is None
