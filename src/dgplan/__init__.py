"""dgplan: the deadlines and KPIs of Japanese public-sector plans as data.

>>> import dgplan
>>> dgplan.parse_date("令和3年4月1日")
datetime.date(2021, 4, 1)
"""

# `import dgplan` imports nothing else (not even `typing`): each name is imported from its module
# on first use, so a script that reads dates does not pay for the plan model (pydantic, PyYAML),
# and the `dgplan` command starts fast. TYPE_CHECKING is the constant mypy knows by its name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dgplan.deadline import Deadline, DeadlineKind, Recurrence, find_deadlines, parse_deadline
    from dgplan.diff import AmbiguousMatch, MeasureDiff, PlanChange, PlanDiff, diff_plans
    from dgplan.documents import Document, DocumentDate, Location, Page, document_date, read_document
    from dgplan.era import ERAS, Era, era_by_name, era_of, format_wareki, parse_date, parse_era_year
    from dgplan.errors import (
        DeadlineError,
        DgplanError,
        DgplanWarning,
        DocumentError,
        EraError,
        ExtractError,
        LenientParseWarning,
        PeriodError,
        PlanError,
        Problem,
    )
    from dgplan.fiscal import FiscalQuarter, FiscalYear, Interval, Period, parse_period, parse_period_detail
    from dgplan.kpi import KPI, Baseline, Citation, Grade, Measure, Milestone, Observation, PlanInfo, Section, Target
    from dgplan.plan import Plan
    from dgplan.plan_io import load_plan, load_progress, parse_plan, plan_schema, save_plan
    from dgplan.queries import DueItem, DueItems, KPIStatus, KPIStatuses, Summary
    from dgplan.records import parse_month
    from dgplan.scan import Finding, Scan, scan_document
    from dgplan.targets import parse_target
    from dgplan.workbook import save_excel
del TYPE_CHECKING

_LAZY = {
    **dict.fromkeys(
        (
            "DeadlineError",
            "DgplanError",
            "DgplanWarning",
            "DocumentError",
            "EraError",
            "ExtractError",
            "LenientParseWarning",
            "PeriodError",
            "PlanError",
            "Problem",
        ),
        "dgplan.errors",
    ),
    **dict.fromkeys(
        ("ERAS", "Era", "era_by_name", "era_of", "format_wareki", "parse_date", "parse_era_year"), "dgplan.era"
    ),
    **dict.fromkeys(
        ("FiscalQuarter", "FiscalYear", "Interval", "Period", "parse_period", "parse_period_detail"), "dgplan.fiscal"
    ),
    **dict.fromkeys(("Deadline", "DeadlineKind", "Recurrence", "find_deadlines", "parse_deadline"), "dgplan.deadline"),
    **dict.fromkeys(
        (
            "KPI",
            "Baseline",
            "Citation",
            "Grade",
            "Measure",
            "Milestone",
            "Observation",
            "PlanInfo",
            "Section",
            "Target",
        ),
        "dgplan.kpi",
    ),
    "Plan": "dgplan.plan",
    "parse_month": "dgplan.records",
    **dict.fromkeys(("load_plan", "load_progress", "parse_plan", "plan_schema", "save_plan"), "dgplan.plan_io"),
    **dict.fromkeys(("DueItem", "DueItems", "KPIStatus", "KPIStatuses", "Summary"), "dgplan.queries"),
    "parse_target": "dgplan.targets",
    "save_excel": "dgplan.workbook",
    **dict.fromkeys(
        ("Document", "DocumentDate", "Location", "Page", "document_date", "read_document"), "dgplan.documents"
    ),
    **dict.fromkeys(("AmbiguousMatch", "MeasureDiff", "PlanChange", "PlanDiff", "diff_plans"), "dgplan.diff"),
    **dict.fromkeys(("Finding", "Scan", "scan_document"), "dgplan.scan"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dgplan' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # What tab completion offers is the stable API (docs/api-stability.md), not the helpers above
    # or the submodules that importing binds here.
    return sorted([*__all__, "__version__"])


# The one version: pyproject.toml reads it from here ([tool.setuptools.dynamic]).
__version__ = "0.2.0.dev0"

__all__ = [
    # errors and warnings
    "DeadlineError",
    "DgplanError",
    "DgplanWarning",
    "DocumentError",
    "EraError",
    "ExtractError",
    "LenientParseWarning",
    "PeriodError",
    "PlanError",
    "Problem",
    # eras and dates
    "ERAS",
    "Era",
    "era_by_name",
    "era_of",
    "format_wareki",
    "parse_date",
    "parse_era_year",
    "parse_month",
    # fiscal periods
    "FiscalQuarter",
    "FiscalYear",
    "Interval",
    "Period",
    "parse_period",
    "parse_period_detail",
    # deadline phrases
    "Deadline",
    "DeadlineKind",
    "Recurrence",
    "find_deadlines",
    "parse_deadline",
    # the plan model
    "Baseline",
    "Citation",
    "KPI",
    "Measure",
    "Milestone",
    "Observation",
    "Plan",
    "PlanInfo",
    "Section",
    "Target",
    "Grade",
    "parse_target",
    # loading and saving
    "load_plan",
    "load_progress",
    "parse_plan",
    "plan_schema",
    "save_plan",
    "save_excel",
    # answers
    "DueItem",
    "DueItems",
    "KPIStatus",
    "KPIStatuses",
    "Summary",
    # editions: what changed
    "diff_plans",
    "PlanDiff",
    "MeasureDiff",
    "PlanChange",
    "AmbiguousMatch",
    # documents: PDF, Word, HTML and text, page by page
    "read_document",
    "document_date",
    "Document",
    "DocumentDate",
    "Page",
    "Location",
    # scanning documents for their deadlines
    "scan_document",
    "Scan",
    "Finding",
]
