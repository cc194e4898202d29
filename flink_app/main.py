"""Managed Flink entry point (run option `python=flink_app/main.py`): properties from the service."""

import sys
from pathlib import Path

# Managed Flink runs this file as a script; make the zip root importable for the packages beside it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flink_app.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["run"]))
