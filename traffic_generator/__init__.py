"""Realistic, deterministic Amazon Connect traffic: agent events, CTRs and EventBridge contact events.

`python -m traffic_generator --help` for the command line; `simulate()` for tests.
"""

from traffic_generator.simulation import Emission, SimulationConfig, simulate
from traffic_generator.topology import Topology, build_topology

__all__ = ["Emission", "SimulationConfig", "Topology", "build_topology", "simulate"]
