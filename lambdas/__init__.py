"""AWS Lambda functions of connect-monitor: one module per function, shared runtime code in `lambdas.common`.

Each function is packaged on its own (see `lambdas.build`): its handler module, `lambdas/common/` and
`connect_model/`, so the Lambdas read Connect records with the same data model as the Flink job.
"""
