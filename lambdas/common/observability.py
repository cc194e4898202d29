"""Powertools Logger and Metrics for a function, set up the same way for every function.

Shared modules log through the standard `logging` module (`lambdas.*`, `connect_model.*` loggers); their
records are formatted by the function's Powertools Logger, so every line is structured JSON with the
function's service name and the invocation's request id.
"""

import os

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers

DEFAULT_NAMESPACE = "ConnectMonitor"


def powertools(service: str) -> tuple[Logger, Metrics]:
    """Logger and Metrics of `service`; POWERTOOLS_METRICS_NAMESPACE overrides the namespace."""
    logger = Logger(service=service)
    copy_config_to_registered_loggers(source_logger=logger, include={"lambdas", "connect_model"})
    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_NAMESPACE
    return logger, Metrics(namespace=namespace, service=service)
