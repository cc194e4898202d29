"""Small helpers over the foundation SDK's builders: targets per data source, and the panel kinds the dashboards
repeat (time series, stats), with units and thresholds always set."""

from __future__ import annotations

from collections.abc import Sequence
from textwrap import dedent

from grafana_foundation_sdk.builders import athena, cloudwatch, common, stat, table, timeseries
from grafana_foundation_sdk.builders import dashboard as dash
from grafana_foundation_sdk.builders import datasource as dashboard_datasource
from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import athena as athena_model
from grafana_foundation_sdk.models import cloudwatch as cloudwatch_model
from grafana_foundation_sdk.models import common as common_model
from grafana_foundation_sdk.models import dashboard as model

from grafana import datasources, timestream_query

Steps = Sequence[tuple[float | None, str]]

NEUTRAL: Steps = ((None, "green"),)


def sql(text: str) -> str:
    return dedent(text).strip()


def timestream(query: str, ref_id: str = "A", wait_for_result: bool = False) -> timestream_query.Query:
    """`wait_for_result` for stats and tables: one complete result, not each page as it arrives."""
    target = timestream_query.Query().ref_id(ref_id).raw_query(sql(query)).datasource(datasources.TIMESTREAM.ref)
    return target.wait_for_result(True) if wait_for_result else target


def shared(panel_id: int, ref_id: str = "A") -> dashboard_datasource.Dataquery:
    """The results of another panel of the dashboard (`-- Dashboard --`): one query, several panels."""
    return (
        dashboard_datasource.Dataquery()
        .ref_id(ref_id)
        .panel_id(panel_id)
        .with_transforms(False)
        .datasource(datasources.DASHBOARD.ref)
    )


def athena_query(query: str, ref_id: str = "A", table: bool = False) -> athena.Dataquery:
    fmt = athena_model.FormatOptions.TABLE if table else athena_model.FormatOptions.TIME_SERIES
    return (
        athena.Dataquery()
        .ref_id(ref_id)
        .raw_sql(sql(query))
        .format(fmt)
        .connection_args(
            athena.ConnectionArgs()
            .region(datasources.HOME_REGION)
            .catalog("AwsDataCatalog")
            .database(datasources.GLUE_DATABASE)
        )
        .datasource(datasources.ATHENA.ref)
    )


def cloudwatch_metric(
    ref_id: str, namespace: str, metric: str, dimensions: dict[str, str], label: str
) -> cloudwatch.CloudWatchMetricsQuery:
    return (
        cloudwatch.CloudWatchMetricsQuery()
        .ref_id(ref_id)
        .id(f"q{ref_id.lower()}")
        .query_mode(cloudwatch_model.CloudWatchQueryMode.METRICS)
        .metric_query_type(cloudwatch_model.MetricQueryType.SEARCH)
        .metric_editor_mode(cloudwatch_model.MetricEditorMode.BUILDER)
        .region(datasources.HOME_REGION)
        .namespace(namespace)
        .metric_name(metric)
        .dimensions(dict(dimensions))
        .match_exact(True)
        .statistic("Sum")
        .period("60")
        .label(label)
        .datasource(datasources.CLOUDWATCH.ref)
    )


def _with_targets(panel, targets: Sequence[cogbuilder.Builder]):
    """Targets, and the panel's data source when they all use one (Grafana's default for new queries)."""
    sources = {(t.build().datasource.type_val, t.build().datasource.uid) for t in targets}
    if len(sources) == 1:
        panel = panel.datasource(targets[0].build().datasource)
    for target in targets:
        panel = panel.with_target(target)
    return panel


def thresholds(steps: Steps) -> dash.ThresholdsConfig:
    return (
        dash.ThresholdsConfig()
        .mode(model.ThresholdsMode.ABSOLUTE)
        .steps([model.Threshold(value=value, color=color) for value, color in steps])
    )


def partition_by(*fields: str) -> model.DataTransformerConfig:
    """Long results (one row per time and dimension) to one series per dimension value."""
    return model.DataTransformerConfig(
        id_val="partitionByValues", options={"fields": list(fields), "keepFields": False}
    )


def time_series(
    title: str,
    description: str,
    targets: Sequence[cogbuilder.Builder],
    unit: str,
    *,
    span: int = 12,
    height: int = 8,
    steps: Steps = NEUTRAL,
) -> timeseries.Panel:
    panel = (
        timeseries.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .span(span)
        .height(height)
        .thresholds(thresholds(steps))
        .line_width(2)
        .fill_opacity(10)
        .span_nulls(False)
        .legend(
            common.VizLegendOptions()
            .display_mode(common_model.LegendDisplayMode.LIST)
            .placement(common_model.LegendPlacement.BOTTOM)
            .show_legend(True)
        )
        .tooltip(
            common.VizTooltipOptions().mode(common_model.TooltipDisplayMode.MULTI).sort(common_model.SortOrder.NONE)
        )
    )
    return _with_targets(panel, targets)


def stat_panel(
    title: str,
    description: str,
    targets: Sequence[cogbuilder.Builder],
    unit: str,
    *,
    span: int = 4,
    height: int = 5,
    steps: Steps = NEUTRAL,
    colour_background: bool = False,
) -> stat.Panel:
    panel = (
        stat.Panel()
        .title(title)
        .description(description)
        .unit(unit)
        .span(span)
        .height(height)
        .thresholds(thresholds(steps))
        .color_mode(
            common_model.BigValueColorMode.BACKGROUND if colour_background else common_model.BigValueColorMode.VALUE
        )
        .graph_mode(common_model.BigValueGraphMode.NONE)
        .text_mode(common_model.BigValueTextMode.VALUE_AND_NAME)
        .reduce_options(common.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
        .no_value("no data")
    )
    return _with_targets(panel, targets)


def table_panel(
    title: str,
    description: str,
    target: cogbuilder.Builder | Sequence[cogbuilder.Builder],
    *,
    span: int = 12,
    height: int = 8,
    steps: Steps = NEUTRAL,
) -> table.Panel:
    """A table with its options set (the SDK's table panel otherwise has `options: null`, which Grafana's own
    schema refuses); one target, or several whose results the panel's transformations join."""
    return _with_targets(
        table.Panel()
        .title(title)
        .description(description)
        .unit("none")
        .thresholds(thresholds(steps))
        .show_header(True)
        .cell_height(common_model.TableCellHeight.SM)
        .footer(common.TableFooterOptions().show(False).reducer(["sum"]))
        .span(span)
        .height(height),
        [target] if isinstance(target, cogbuilder.Builder) else list(target),
    )


def override(name: str, **properties: object) -> tuple[str, list[model.DynamicConfigValue]]:
    return name, [
        model.DynamicConfigValue(id_val=key.replace("__", "."), value=value) for key, value in properties.items()
    ]
