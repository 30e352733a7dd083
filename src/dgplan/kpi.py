"""The plan model: measures (施策), their milestones and KPIs, as frozen pydantic models.

These hold data and lookups; the questions asked of a plan live in :mod:`dgplan.queries`, and
the :class:`dgplan.Plan` users load (:mod:`dgplan.plan`) puts them on top of :class:`PlanData`.

>>> data = PlanData.model_validate({
...     "plan": {"title": "例", "issued": "2021-06-18"},
...     "measures": [{"id": "1-1", "section": "I", "title": "改修",
...                   "milestones": [{"text": "システム改修", "due": "令和3年度末まで"}]}],
... })
>>> data.milestone("1-1/m1").deadline.due
datetime.date(2022, 3, 31)
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from dgplan._escape import ID_RULE, is_valid_id, plan_text
from dgplan._progress import GRADE_WORDS, GRADES, Grade, KPIProgress, grade_kpi, latest_index, meets
from dgplan._text import names_owner, owner_key
from dgplan.deadline import Recurrence
from dgplan.display import html_table
from dgplan.fields import DateField, DeadlineField, IntervalField, Number

__all__ = [
    "KPI",
    "Baseline",
    "Citation",
    "GRADES",
    "GRADE_WORDS",
    "Grade",
    "Measure",
    "Milestone",
    "Observation",
    "PlanData",
    "PlanInfo",
    "Section",
    "Target",
]

Comparison = Literal[">=", ">", "<=", "<", "=", "change"]
# A KPI's name ending in one of these measures something (マイキーID登録者数, 研修の実施回数):
# with no target it cannot be graded. Any other name is an action (システムの改修, 計画の策定).
_METRIC_ENDINGS = re.compile(r"(?:数|率|割合|量|額|度|比|時間|距離|人口|コスト|進捗|規模|シェア|順位|指数|状況)$")
_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
# A measure id of the national plans' shape: section number, measure number (1-1, 12-105). Ids of
# this shape also name their section by number (measures_in("1")); any other unique id is valid too
# (municipal numbering: A-1-2, 1(2)①), and names no section.
_NUMBERED_ID = re.compile(r"\d{1,2}-\d{1,3}")


# pydantic v1's names (.dict(), .json(), .schema(), parse_obj, ...) still exist on v2 models, and
# warn when called; dir() should offer dgplan's API and pydantic's model_* methods only.
_DEPRECATED = frozenset(name for name in dir(BaseModel) if getattr(getattr(BaseModel, name), "__deprecated__", None))


# The distinct sets of given field names, shared by the model instances that have them.
_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class _Model(BaseModel):
    # defer_build: a model's validators are built when it first validates, not when dgplan.kpi is
    # imported; the bundled plan, read from its cache (dgplan.plan_io), never validates at all.
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, defer_build=True)

    def __dir__(self) -> list[str]:
        return [name for name in super().__dir__() if name not in _DEPRECATED]

    def model_post_init(self, context: Any, /) -> None:
        # pydantic gives every instance its own set of the names of the fields it was given
        # (model_fields_set): a dozen per measure, 4 KB of the 9 KB a loaded measure took, for a
        # handful of distinct sets in a whole plan. The models are frozen, so nothing adds to the
        # set in place (model_copy copies it before changing it): equal sets are shared.
        names = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(names), names)
        if shared is not names:
            object.__setattr__(self, "__pydantic_fields_set__", shared)

    @field_validator("*", mode="before")
    @classmethod
    def _plan_text(cls, value: Any) -> Any:
        # The one place that decides what plan text may hold (dgplan._escape.plan_text): every
        # text field of every model, deadline phrases and dates included, whichever loader or
        # caller built it; the loaders locate a refusal at its file, line, column and measure.
        if isinstance(value, str):
            return plan_text(value)
        if isinstance(value, list | tuple) and value and isinstance(value[0], str):
            return [plan_text(item) if isinstance(item, str) else item for item in value]
        return value


def _id_may_be_omitted(schema: dict[str, Any]) -> None:
    """In the file format ids of milestones and KPIs are optional: the measure numbers them."""
    required = schema.get("required")
    if isinstance(required, list) and "id" in required:
        required.remove("id")


class Observation(_Model):
    """One measured value of a KPI on a day.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> plan.measures[0].kpis[0].observations
    (Observation(observed_on=datetime.date(2022, 3, 31), value=600.0, note=None),)
    """

    observed_on: DateField = Field(alias="date")
    value: Number
    note: str | None = None


class Baseline(_Model):
    """The reference a target is measured from: 令和2年度比 → period FY2020, with its value if known.

    >>> from dgplan import parse_target
    >>> parse_target("令和7年度までに令和2年度比で30%削減").baseline.period
    Interval(datetime.date(2020, 4, 1), datetime.date(2021, 3, 31))
    """

    period: IntervalField
    value: Number | None = None


class Target(_Model):
    """What a KPI is to reach, and by when (spec §5).

    ``comparison`` is ``>=``, ``>``, ``<=``, ``<``, ``=`` or ``change`` (a relative change in %,
    ``value: -30`` for 3割削減, measured against ``baseline``). ``by`` may be recurring (毎年度末).

    >>> from dgplan import parse_target
    >>> target = parse_target("2025年度までに100%")
    >>> target.comparison, target.value, target.unit, target.by.due
    ('>=', 100.0, '%', datetime.date(2026, 3, 31))
    """

    comparison: Comparison = ">="
    value: Number
    unit: str | None = None
    by: DeadlineField | None = None
    baseline: Baseline | None = None
    approximate: bool = False

    @model_validator(mode="after")
    def _change_needs_baseline(self) -> Target:
        if self.comparison == "change" and self.baseline is None:
            raise ValueError("a 'change' target needs a baseline (e.g. baseline: {period: 令和2年度})")
        return self

    @property
    def recurrence(self) -> Recurrence | None:
        return None if self.by is None else self.by.recurrence

    def goal(self, baseline_value: float | None = None) -> float | None:
        """The absolute value to reach; a ``change`` target needs the baseline's value (the plan's,
        or ``baseline_value``, as observed in the baseline period)."""
        if self.comparison != "change":
            return self.value
        base = baseline_value if self.baseline is None or self.baseline.value is None else self.baseline.value
        if base is None:
            return None
        if self.unit in ("%", "％"):
            return base * (1 + self.value / 100)
        return base + self.value

    @property
    def decreasing(self) -> bool:
        """Whether the target is a reduction (progress runs downwards)."""
        return self.comparison in ("<=", "<") or (self.comparison == "change" and self.value < 0)

    def is_met_by(self, value: float) -> bool:
        """Whether ``value`` satisfies the target."""
        return meets(self.comparison, self.goal(), self.value, value)


class KPI(_Model):
    """A KPI line: 進捗 (progress) or 効果 (effect); ``unset`` for 未設定.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> kpi = plan.measures[0].kpis[0]
    >>> kpi.id, kpi.kind, kpi.target.value, kpi.unset
    ('1-1/progress/1', 'progress', 1741.0, False)
    """

    model_config = ConfigDict(json_schema_extra=_id_may_be_omitted)

    id: str
    kind: Annotated[
        Literal["progress", "effect"],
        WithJsonSchema({"enum": ["progress", "effect", "進捗", "効果"], "description": "進捗 or 効果"}),
    ]
    text: str
    target: Target | None = None
    observations: tuple[Observation, ...] = ()
    unset: bool = False
    done_on: DateField | None = None
    #: Who reports the KPI (担当), where it differs from the measure's owner.
    owner: str | None = None

    @field_validator("kind", mode="before")
    @classmethod
    def _japanese_kind(cls, value: Any) -> Any:
        return {"進捗": "progress", "効果": "effect"}.get(value, value)

    @model_validator(mode="after")
    def _unset_has_no_target(self) -> KPI:
        if self.unset and self.target is not None:
            raise ValueError("a KPI marked unset (未設定) cannot have a target")
        return self

    def latest(self, *, as_of: date) -> Observation | None:
        """The last observation on or before ``as_of``."""
        index = latest_index([o.observed_on for o in self.observations], as_of)
        return None if index is None else self.observations[index]

    def baseline(self) -> tuple[date, float] | None:
        """(the day progress is measured from, the value there): the target's baseline value, or
        else the last observation dated in its baseline period (a progress log records it as an
        observation on a day of that period); None where neither is known."""
        target = self.target
        if target is None or target.baseline is None:
            return None
        period = target.baseline.period
        if target.baseline.value is not None:
            return period.end, target.baseline.value
        inside = [o for o in self.observations if period.start <= o.observed_on <= period.end]
        if not inside:
            return None
        return period.end, max(inside, key=lambda o: o.observed_on).value

    def attainment(self, *, as_of: date, plan_start: date | None = None) -> float | None:
        """Progress from baseline to target, as a share (1.0 = reached), direction-aware; for a
        recurring target, within its current period. Without a baseline the start is 0; None where
        there is no target, no observation, no baseline a change target needs, or (a ceiling with no
        baseline) no trajectory."""
        return self._assess(as_of, plan_start)[0]

    @property
    def names_a_metric(self) -> bool:
        """Whether the KPI's name is a quantity (登録者数, 実施率) rather than an action (改修, 策定)."""
        name = self.text
        while (shorter := _BRACKETED.sub("", name)) != name:
            name = shorter
        return _METRIC_ENDINGS.search(name.strip(" 、。.・")) is not None

    def grade(self, *, as_of: date, plan_start: date | None = None) -> Grade:
        """The review status (spec §6): A on track, B behind, N not yet observed; without a target,
        F for an action (done or not done), ``no target`` for a metric, ``unset`` for 未設定."""
        return self._assess(as_of, plan_start)[1]

    def _assess(
        self, as_of: date, plan_start: date | None, progress: KPIProgress | None = None
    ) -> tuple[float | None, Grade]:
        """(attainment, grade) on ``as_of`` by the rules of :func:`dgplan._progress.grade_kpi`,
        which the questions (:mod:`dgplan.queries`) apply too; ``progress``: this KPI's
        :meth:`_progress`, when the caller has it already."""
        if self.target is None:
            if self.unset:
                return None, "unset"
            return None, ("no target" if self.names_a_metric and self.done_on is None else "F")
        return grade_kpi(progress or self._progress(), self.target.by, as_of, plan_start or date.min)

    def on_track(self, *, as_of: date, plan_start: date | None = None) -> bool | None:
        """Grade A; None where the KPI cannot be graded (N, F, no target, unset)."""
        grade = self.grade(as_of=as_of, plan_start=plan_start)
        return None if grade not in ("A", "B") else grade == "A"

    def due_on(self, *, as_of: date) -> date | None:
        """The target's due date as seen on ``as_of`` (for a recurring target, its next occurrence)."""
        if self.target is None or self.target.by is None:
            return None
        by = self.target.by
        if by.recurrence is not None:
            return by.next_due(as_of)
        return by.due

    def is_done(self, *, as_of: date) -> bool:
        """A KPI is done when marked done, or when its latest value meets its target."""
        return self._progress().is_done(as_of=as_of)

    def _progress(self) -> KPIProgress:
        """What decides whether the KPI is done, as plain values (:mod:`dgplan._progress`)."""
        target = self.target
        baseline = self.baseline()
        return KPIProgress(
            done_on=self.done_on,
            observations=tuple((o.observed_on, o.value) for o in self.observations),
            has_target=target is not None,
            comparison=">=" if target is None else target.comparison,
            goal=None if target is None else target.goal(None if baseline is None else baseline[1]),
            target_value=0.0 if target is None else target.value,
            baseline=baseline,
            needs_baseline=target is not None and target.comparison == "change" and baseline is None,
            ceiling=target is not None and target.comparison in ("<=", "<") and baseline is None,
        )


class Milestone(_Model):
    """Something a measure is to do, with its deadline (YAML key ``due``).

    ``text`` names what is due (the clause the deadline governs); ``kpi`` is the id of the
    measure's KPI that restates the same commitment, if one does (a shared due date alone is no
    link): the milestone is then that KPI's due item, done when the KPI is (its target met, or
    marked done).

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> milestone = plan.measures[0].milestones[0]
    >>> milestone.id, milestone.deadline.due, milestone.done_on
    ('1-1/m1', datetime.date(2022, 3, 31), None)
    """

    model_config = ConfigDict(json_schema_extra=_id_may_be_omitted)

    id: str
    text: str
    deadline: DeadlineField = Field(alias="due")
    done_on: DateField | None = None
    note: str | None = None
    kpi: str | None = None
    #: Who carries the milestone out (担当), where it differs from the measure's owner.
    owner: str | None = None
    #: Further days a recurring milestone was marked done, one per occurrence (``done_on`` is the
    #: first); a progress log fills them in.
    completions: tuple[DateField, ...] = ()


class Citation(_Model):
    """A date the measure's text cites without committing to it: history (令和元年度から…実施している),
    background (…を見据え), a status note ((注)…実施中), a practice (毎年改定している), a law number, a
    baseline. Kept so that every dated phrase of the text is accounted for; never due, never overdue.

    ``text`` is the clause that cites the date, ``cited`` the phrase as written; ``period`` the
    days it names where they are bounded, ``starts`` the first day of an open one (…から);
    ``reason`` why it is no commitment.

    >>> import dgplan
    >>> [cited] = dgplan.load_plan()["6-6"].citations
    >>> cited.cited, cited.reason, cited.starts
    ('平成29年度（2017年度）から', 'past or continuing state', datetime.date(2017, 4, 1))
    """

    text: str
    cited: str
    reason: str | None = None
    period: IntervalField | None = None
    starts: DateField | None = None


class Section(_Model):
    """A section of the plan: ``I`` and its heading.

    >>> import dgplan
    >>> dgplan.load_plan().sections[0].id
    'I'
    """

    id: str
    title: str = ""


class Measure(_Model):
    """A measure (施策), ``1-1`` (or any unique id: ``A-1-2``), with its milestones and KPIs.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> measure = plan.measures[0]
    >>> measure.id, measure.section, measure.title, len(measure.milestones), len(measure.kpis)
    ('1-1', 'I', '窓口の電子化', 1, 1)
    """

    id: str
    section: str
    title: str
    description: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    kpis: tuple[KPI, ...] = ()
    tags: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    #: Who carries the measure out (担当: a ministry, a division), as the plan writes it; its
    #: milestones and KPIs have it unless they name their own.
    owner: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _number_children(cls, data: Any) -> Any:
        """Give milestones and KPIs without an id the ids 1-1/m1 and 1-1/progress/1."""
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            return data
        data = dict(data)
        measure_id = data["id"]
        milestones = data.get("milestones")
        if isinstance(milestones, list):
            data["milestones"] = [
                {"id": f"{measure_id}/m{index}", **item} if isinstance(item, dict) and "id" not in item else item
                for index, item in enumerate(milestones, start=1)
            ]
        kpis = data.get("kpis")
        if isinstance(kpis, list):
            counters: dict[str, int] = {}
            numbered = []
            for item in kpis:
                if isinstance(item, dict) and "id" not in item:
                    kind = {"進捗": "progress", "効果": "effect"}.get(str(item.get("kind")), item.get("kind"))
                    counters[str(kind)] = counters.get(str(kind), 0) + 1
                    item = {"id": f"{measure_id}/{kind}/{counters[str(kind)]}", **item}
                numbered.append(item)
            data["kpis"] = numbered
        return data

    def _repr_html_(self) -> str:
        milestones = html_table(
            ("id", "kind", "due", "done", "text"),
            [(m.id, m.deadline.kind.value, m.deadline.due, m.done_on, m.text) for m in self.milestones],
            caption="milestones",
        )
        kpis = html_table(
            ("id", "kind", "target", "unit", "by", "text"),
            [
                (
                    k.id,
                    k.kind,
                    k.target.value if k.target else ("未設定" if k.unset else None),
                    k.target.unit if k.target else None,
                    k.target.by.due if k.target and k.target.by else None,
                    k.text,
                )
                for k in self.kpis
            ],
            caption="KPIs",
        )
        heading = f"[{html.escape(self.id)}] {html.escape(self.title)} (section {html.escape(self.section)})"
        return f"<h4>{heading}</h4>{milestones}{kpis}"

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        # An id is written unquoted into every output (a markdown cell, a calendar UID, a workbook's
        # ID column read back by load_progress): letters, digits and the punctuation of numbering
        # schemes only, and no "/", which joins the measure's id to its items' (1-1/m1).
        if not is_valid_id(value):
            raise ValueError(f"measure id {_quoted(value)} may hold {ID_RULE}, such as '1-1', 'A-1-2' or '1(2)①'")
        return value

    @model_validator(mode="after")
    def _unique_children(self) -> Measure:
        # An item's id starts with its measure's: ids are then unique in the whole plan, so one
        # progress row marks one item, and one calendar UID names one event.
        prefix = f"{self.id}/"
        ids = [m.id for m in self.milestones] + [k.id for k in self.kpis]
        foreign = [_quoted(i) for i in ids if not i.startswith(prefix) or not is_valid_id(i[len(prefix) :], slash=True)]
        if foreign:
            raise ValueError(
                f"ids in measure {self.id!r} must be {prefix!r} followed by {ID_RULE} ('/' too),"
                f" such as {prefix + 'm1'!r}: {', '.join(foreign)}"
            )
        counts = Counter(ids)
        duplicates = sorted(i for i, n in counts.items() if n > 1)
        if duplicates:
            raise ValueError(f"duplicate ids in measure {self.id!r}: {', '.join(duplicates)}")
        kpi_ids = {k.id for k in self.kpis}
        unknown = [f"{m.id} names {m.kpi!r}" for m in self.milestones if m.kpi is not None and m.kpi not in kpi_ids]
        if unknown:
            raise ValueError(f"milestones link KPIs that measure {self.id!r} does not have: {'; '.join(unknown)}")
        return self


class PlanInfo(_Model):
    """The plan's own facts: its title, the date it was issued, where it comes from.

    >>> import dgplan
    >>> plan = dgplan.parse_plan('''
    ... plan: {title: 例, issued: 2021-06-18}
    ... measures:
    ...   - id: "1-1"
    ...     section: I
    ...     title: 窓口の電子化
    ...     milestones:
    ...       - {text: 標準仕様の策定, due: 令和3年度末まで}
    ...     kpis:
    ...       - kind: progress
    ...         text: 電子化した市区町村数
    ...         target: {value: 1741, unit: 市区町村, by: 令和4年度末}
    ...         observations: [{date: 2022-03-31, value: 600}]
    ... ''')
    >>> plan.info.title, plan.info.issued
    ('例', datetime.date(2021, 6, 18))
    """

    title: str
    issued: DateField
    source: str | None = None


class PlanData(_Model):
    """A plan as data: its facts, sections and measures, with lookups by id.

    The :class:`dgplan.Plan` that users load (:mod:`dgplan.plan`) adds the questions asked of it.
    """

    info: PlanInfo = Field(alias="plan")
    sections: tuple[Section, ...] = ()
    measures: tuple[Measure, ...] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> PlanData:
        # The file loader reports duplicate ids itself, with their lines; say it once.
        checked = isinstance(info.context, dict) and info.context.get("duplicate_ids_checked", False)
        counts = Counter(m.id for m in self.measures)
        duplicates = sorted(i for i, n in counts.items() if n > 1)
        if duplicates and not checked:
            raise ValueError(f"duplicate measure ids: {', '.join(duplicates)}")
        sections_checked = isinstance(info.context, dict) and info.context.get("sections_checked", False)
        if self.sections and not sections_checked:
            known = {s.id for s in self.sections}
            unknown = sorted({m.section for m in self.measures} - known)
            if unknown:
                raise ValueError(f"measures name sections that are not listed: {', '.join(unknown)}")
        return self

    def __repr__(self) -> str:
        # A plan holds thousands of texts: a terminal gets its size, the notebook its table.
        milestones = sum(len(m.milestones) for m in self.measures)
        kpis = sum(len(m.kpis) for m in self.measures)
        return (
            f"{type(self).__name__}({self.title!r}, issued={self.issued.isoformat()}, {len(self.measures)} measures,"
            f" {milestones} milestones, {kpis} KPIs)"
        )

    def _repr_html_(self) -> str:
        titles = {section.id: section.title for section in self.sections}
        counts: dict[str, list[int]] = {}
        for measure in self.measures:
            row = counts.setdefault(measure.section, [0, 0, 0])
            row[0] += 1
            row[1] += len(measure.milestones)
            row[2] += len(measure.kpis)
        rows = [(section, titles.get(section, ""), *numbers) for section, numbers in counts.items()]
        table = html_table(("section", "title", "measures", "milestones", "KPIs"), rows)
        return f"<h3>{html.escape(self.title)} ({self.issued.isoformat()})</h3>{table}"

    # -- lookups -----------------------------------------------------------------------------

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def issued(self) -> date:
        return self.info.issued

    def __getitem__(self, measure_id: str) -> Measure:
        return _by_id(self.measures, measure_id)

    def __contains__(self, measure_id: object) -> bool:
        return any(measure.id == measure_id for measure in self.measures)

    def __len__(self) -> int:
        return len(self.measures)

    def __iter__(self) -> Iterator[Measure]:  # type: ignore[override]
        return iter(self.measures)

    def measures_in(self, section: str) -> list[Measure]:
        """The measures of one section (``I``, or its number ``1``: the first part of ids such as ``1-1``)."""
        return [
            m
            for m in self.measures
            if m.section == section or (m.id.split("-")[0] == section and _NUMBERED_ID.fullmatch(m.id))
        ]

    def owned_by(self, owner: str) -> Self:
        """The plan with only the milestones and KPIs whose owner (担当: their own, else their
        measure's) names ``owner``, and the measures that keep any; ``owner`` matches a part of
        the owner's text after NFKC (``デジタル庁`` matches ``デジタル庁、総務省``).

        >>> plan = PlanData.model_validate({"plan": {"title": "例", "issued": "2021-06-18"}, "measures": [
        ...     {"id": "1-1", "section": "I", "title": "改修", "owner": "デジタル庁、総務省",
        ...      "milestones": [{"text": "改修", "due": "2022-03-31"},
        ...                     {"text": "周知", "due": "2022-06-30", "owner": "総務省"}]}]})
        >>> [m.id for m in plan.owned_by("デジタル庁")["1-1"].milestones]
        ['1-1/m1']
        """
        key = owner_key(owner)
        measures = []
        for measure in self.measures:
            milestones = tuple(m for m in measure.milestones if names_owner(m.owner or measure.owner, key))
            # A KPI a kept milestone names restates its commitment: it decides when the milestone
            # is done, so it stays with it.
            linked = {m.kpi for m in milestones}
            kpis = tuple(k for k in measure.kpis if k.id in linked or names_owner(k.owner or measure.owner, key))
            if milestones or kpis:
                measures.append(measure.model_copy(update={"milestones": milestones, "kpis": kpis}))
        kept = {measure.section for measure in measures}
        sections = tuple(s for s in self.sections if s.id in kept)
        return self.model_copy(update={"measures": tuple(measures), "sections": sections})

    def kpi(self, kpi_id: str) -> KPI:
        """Look a KPI up by its id (``1-1/progress/1``)."""
        return _by_id(self[kpi_id.split("/")[0]].kpis, kpi_id)

    def milestone(self, milestone_id: str) -> Milestone:
        """Look a milestone up by its id (``1-1/m2``)."""
        return _by_id(self[milestone_id.split("/")[0]].milestones, milestone_id)

    # -- files -------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """The plan as plain data in the YAML format (what :func:`dgplan.save_plan` writes)."""
        return self.model_dump(by_alias=True, exclude_defaults=True, mode="json", context={"reference": self.issued})


def _quoted(value: str) -> str:
    return repr(value) if len(value) <= 40 else repr(value[:40]) + f"… ({len(value)} characters)"


_Identified = TypeVar("_Identified", Measure, Milestone, KPI)


def _by_id(items: Iterable[_Identified], wanted: str) -> _Identified:
    for item in items:
        if item.id == wanted:
            return item
    raise KeyError(wanted)
