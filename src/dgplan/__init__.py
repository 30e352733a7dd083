"""dgplan: the deadlines and KPIs of Japanese public-sector plans as data.

>>> import dgplan
>>> dgplan.parse_date("令和3年4月1日")
datetime.date(2021, 4, 1)
"""

# Private aliases: a bare `importlib`, `Any` or `TYPE_CHECKING` here would be an attribute of
# dgplan, and users would find it next to the API.
import typing as _typing
from importlib import import_module as _import_module

from dgplan.deadline import Deadline, DeadlineKind, Recurrence, find_deadlines, parse_deadline
from dgplan.era import ERAS, Era, era_by_name, era_of, format_wareki, parse_date, parse_era_year
from dgplan.errors import (
    DeadlineError,
    DgplanError,
    DgplanWarning,
    EraError,
    ExtractError,
    LenientParseWarning,
    PeriodError,
    PlanError,
)
from dgplan.fiscal import FiscalQuarter, FiscalYear, Interval, Period, parse_period, parse_period_detail

if _typing.TYPE_CHECKING:
    from dgplan.diff import AmbiguousMatch, MeasureDiff, PlanChange, PlanDiff, diff_plans
    from dgplan.kpi import KPI, Baseline, Grade, Measure, Milestone, Observation, PlanInfo, Section, Target
    from dgplan.plan import Plan
    from dgplan.plan_io import load_plan, load_progress, parse_plan, plan_schema, save_plan
    from dgplan.queries import DueItem, DueItems, KPIStatus, KPIStatuses, Summary
    from dgplan.targets import parse_target
    from dgplan.workbook import save_excel

# The plan model needs pydantic and PyYAML; date parsing alone should not pay for them, so these
# names are imported on first use.
_LAZY = {
    **dict.fromkeys(
        ("KPI", "Baseline", "Grade", "Measure", "Milestone", "Observation", "PlanInfo", "Section", "Target"),
        "dgplan.kpi",
    ),
    "Plan": "dgplan.plan",
    **dict.fromkeys(("load_plan", "load_progress", "parse_plan", "plan_schema", "save_plan"), "dgplan.plan_io"),
    "save_excel": "dgplan.workbook",
    **dict.fromkeys(("DueItem", "DueItems", "KPIStatus", "KPIStatuses", "Summary"), "dgplan.queries"),
    "parse_target": "dgplan.targets",
    **dict.fromkeys(("AmbiguousMatch", "MeasureDiff", "PlanChange", "PlanDiff", "diff_plans"), "dgplan.diff"),
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'dgplan' has no attribute {name!r}")
    value = getattr(_import_module(module), name)
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
    "EraError",
    "ExtractError",
    "LenientParseWarning",
    "PeriodError",
    "PlanError",
    # eras and dates
    "ERAS",
    "Era",
    "era_by_name",
    "era_of",
    "format_wareki",
    "parse_date",
    "parse_era_year",
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
]
