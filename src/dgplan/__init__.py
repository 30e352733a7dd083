"""dgplan: the deadlines and KPIs of Japanese public-sector plans as data.

>>> import dgplan
>>> dgplan.parse_date("令和3年4月1日")
datetime.date(2021, 4, 1)
"""

from dgplan.deadline import Deadline, DeadlineKind, Recurrence, find_deadlines, parse_deadline
from dgplan.era import ERAS, Era, era_by_name, era_of, format_wareki, parse_date, parse_era_year
from dgplan.errors import (
    DeadlineError,
    DgplanError,
    DgplanWarning,
    EraError,
    LenientParseWarning,
    PeriodError,
    PlanError,
)
from dgplan.fiscal import FiscalQuarter, FiscalYear, Interval, Period, parse_period, parse_period_detail
from dgplan.kpi import KPI, Baseline, Measure, Milestone, Observation, Plan, PlanInfo, Section, Target
from dgplan.plan_io import load_plan, load_progress, parse_plan, plan_schema, save_plan
from dgplan.queries import DueItem, KPIStatus, Summary
from dgplan.targets import parse_target

__version__ = "0.1.0"

__all__ = [
    # errors and warnings
    "DeadlineError",
    "DgplanError",
    "DgplanWarning",
    "EraError",
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
    "parse_target",
    # loading and saving
    "load_plan",
    "load_progress",
    "parse_plan",
    "plan_schema",
    "save_plan",
    # answers
    "DueItem",
    "KPIStatus",
    "Summary",
]
