"""The Managed Flink application zip: the layout the service runs, and a job that imports from it."""

import subprocess
import sys
import zipfile

import pytest

from tests.conftest import REPO_ROOT

ZIP = REPO_ROOT / "packaging" / "target" / "connect-monitor-app.zip"

pytestmark = pytest.mark.integration


def test_zip_has_python_at_the_root_and_the_jar_under_lib() -> None:
    assert ZIP.exists(), "build it with `make build`"
    names = set(zipfile.ZipFile(ZIP).namelist())
    assert {"flink_app/main.py", "flink_app/job.py", "connect_model/__init__.py"} <= names
    assert "lib/connect-monitor-connectors.jar" in names
    assert not any(n.startswith(("tests/", "local_stack/", "traffic_generator/")) for n in names)
    assert not any("__pycache__" in n for n in names)


def test_the_job_imports_from_the_unpacked_zip_alone(tmp_path) -> None:
    zipfile.ZipFile(ZIP).extractall(tmp_path)
    code = (
        "import flink_app.main, flink_app.job, flink_app.environment as e, connect_model, sys; "
        "assert flink_app.job.__file__.startswith(sys.argv[1]); "
        "assert e.connectors_jar() is None  # Managed Flink loads lib/ through the jarfile option\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
