"""Build one deployment zip per Lambda: `python -m lambdas.build [--out DIR] [--no-vendor] [NAME ...]`.

A package holds, at the zip root (Lambda's /var/task):

    lambdas/__init__.py
    lambdas/<function>.py          the handler module: handler = "lambdas.<function>.handler"
    lambdas/common/*.py            shared runtime code
    connect_model/*.py             the shared Connect data model
    aws_lambda_powertools/ ...     vendored from this environment (the version the tests ran), unless --no-vendor

boto3/botocore are not vendored: the Python 3.12 Lambda runtime provides them. With --no-vendor, attach the
AWS-managed Powertools layer for Python 3.12 instead. Zips are reproducible (sorted entries, fixed timestamps),
so Terraform's source_code_hash changes only when the content does. `FUNCTIONS` is the manifest the Terraform
module and its tests can import: handler, trigger, tables written, environment variables and the AWS API
actions each function calls.
"""

import argparse
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from lambdas.common.config import CONNECT_VARS, TIMESTREAM_VARS, EnvVar
from lambdas.common.tables import Table

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "lambdas" / "dist"
SHARED_SOURCES = ("lambdas/__init__.py", "lambdas/common", "connect_model")
VENDORED_DISTRIBUTIONS = ("aws-lambda-powertools",)
RUNTIME = "python3.12"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    trigger: str
    tables: tuple[Table, ...]
    environment: tuple[EnvVar, ...]
    # AWS API actions the function's code calls (for its least-privilege policy; the Kinesis event source
    # mapping's own read permissions come on top for persist_agent_event).
    api_actions: tuple[str, ...]

    @property
    def handler(self) -> str:
        return f"lambdas.{self.name}.handler"

    @property
    def module_path(self) -> str:
        return f"lambdas/{self.name}.py"


TIMESTREAM_ACTIONS = ("timestream:WriteRecords", "timestream:DescribeEndpoints")
CONNECT_ACTIONS = (
    "connect:ListQueues",
    "connect:ListRoutingProfiles",
    "connect:ListUsers",
    "connect:ListRoutingProfileQueues",
    "connect:GetCurrentMetricData",
    "connect:GetCurrentUserData",
)

FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "persist_contact_event",
            "EventBridge rule: source aws.connect, detail-type 'Amazon Connect Contact Event' (async invoke)",
            (Table.CONTACT_EVENTS,),
            TIMESTREAM_VARS,
            TIMESTREAM_ACTIONS,
        ),
        Function(
            "persist_agent_event",
            "Kinesis event source mapping on the agent event stream, FunctionResponseTypes=[ReportBatchItemFailures]",
            (Table.AGENT_EVENTS,),
            TIMESTREAM_VARS,
            TIMESTREAM_ACTIONS,
        ),
        Function(
            "persist_instance_data",
            "EventBridge schedule rate(1 minute) (async invoke; set maximum retry attempts to 0)",
            (Table.INSTANCE_METRICS, Table.INSTANCE_INVENTORY),
            TIMESTREAM_VARS + CONNECT_VARS,
            TIMESTREAM_ACTIONS + CONNECT_ACTIONS,
        ),
    )
}


def _source_files(relative: str) -> Iterator[tuple[Path, str]]:
    path = REPO_ROOT / relative
    if path.is_file():
        yield path, relative
        return
    for file in sorted(path.rglob("*.py")):
        if "__pycache__" not in file.parts:
            yield file, file.relative_to(REPO_ROOT).as_posix()


def _distribution_files(name: str, seen: set[str]) -> Iterator[tuple[Path, str]]:
    """Installed files of a distribution and of what it requires (extras excluded), pycache left out."""
    key = name.lower().replace("_", "-")
    if key in seen:
        return
    seen.add(key)
    dist = metadata.distribution(name)
    for file in dist.files or ():
        parts = file.parts
        if "__pycache__" in parts or file.suffix == ".pyc" or parts[0].startswith("..") or parts[0] == "bin":
            continue
        yield Path(str(file.locate())), file.as_posix()
    for requirement in dist.requires or ():
        if "extra ==" in requirement.replace('"', "").replace("'", ""):
            continue
        requirement_name = requirement.split(";")[0].split("[")[0]
        for stop in "<>=!~ (":
            requirement_name = requirement_name.split(stop)[0]
        yield from _distribution_files(requirement_name.strip(), seen)


def package_files(function: Function, vendor: bool = True) -> dict[str, Path]:
    """Zip entry name -> file on disk."""
    entries: dict[str, Path] = {}
    sources: Iterable[tuple[Path, str]] = (
        pair for relative in (function.module_path, *SHARED_SOURCES) for pair in _source_files(relative)
    )
    for path, name in sources:
        entries[name] = path
    if vendor:
        seen: set[str] = set()
        for distribution in VENDORED_DISTRIBUTIONS:
            for path, name in _distribution_files(distribution, seen):
                entries.setdefault(name, path)
    return entries


def build(function: Function, out_dir: Path, vendor: bool = True) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{function.name}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, path in sorted(package_files(function, vendor).items()):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lambdas.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(FUNCTIONS)} (default: all)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    parser.add_argument("--no-vendor", action="store_true", help="leave Powertools out (use the managed layer)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in FUNCTIONS]
    if unknown:
        parser.error(f"unknown function(s) {', '.join(unknown)}: choose from {', '.join(FUNCTIONS)}")
    for name in args.names or FUNCTIONS:
        path = build(FUNCTIONS[name], args.out, vendor=not args.no_vendor)
        print(f"{path} ({path.stat().st_size // 1024} KiB) handler={FUNCTIONS[name].handler} runtime={RUNTIME}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
