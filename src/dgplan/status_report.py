"""The status report a 課長 reads: what falls due first and who owns it, then what is overdue,
then the KPIs; in Japanese (``lang="ja"``, the default) or English.

The report asks the plan once (:class:`_Facts`: the due questions' answers, the item statuses and
the KPI statuses of :mod:`dgplan.queries`), builds its sections as rows of text, and writes them as
markdown or, through a Jinja2 template with autoescaping (``templates/report.html``), as one
self-contained HTML page: contents with anchors, long lists folded, tables that stack on a phone,
and the timeline chart (:mod:`dgplan.chart`) in a wide and a narrow layout.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import TYPE_CHECKING, Any

from dgplan._collector import collector_paused
from dgplan._escape import REPEATED_TITLE, bounded, markdown_inline
from dgplan._progress import GRADES
from dgplan.chart import timeline_svg
from dgplan.closed_days import Roll
from dgplan.display import markdown_table
from dgplan.errors import DgplanError, PeriodError
from dgplan.fiscal import FiscalQuarter
from dgplan.labels import (
    Lang,
    as_of_words,
    check_lang,
    grade_label,
    grade_name,
    label,
    quarter_name,
    status_label,
)
from dgplan.queries import (
    STATUSES,
    DueItem,
    DueItems,
    ItemStatus,
    KPIStatus,
    SectionStatus,
    TrackedPlan,
    has_progress,
    item_statuses,
    kpi_statuses,
    section_statuses,
)

if TYPE_CHECKING:
    from dgplan.diff import PlanDiff
    from dgplan.kpi import Target
    from dgplan.plan import Plan

__all__ = ["render_report"]

#: An overdue list longer than this is folded (HTML ``<details>``) group by group.
FOLD_OVER = 20


@dataclass(frozen=True, slots=True)
class _Facts:
    """Everything a report shows, asked of the plan once, for markdown and HTML alike."""

    plan: Plan
    as_of: date
    lang: Lang
    quarter: FiscalQuarter
    following: FiscalQuarter
    items: list[ItemStatus]
    sections: list[SectionStatus]
    statuses: list[KPIStatus]
    recorded: bool
    titles: dict[str, str]
    # The answers of the due questions, the same as `dgplan due --this-quarter`, `--in` the next
    # quarter and `--overdue` give: the report lists what they list.
    this_quarter: DueItems
    next_quarter: DueItems
    overdue: DueItems
    owners: bool = field(default=False)
    #: Whether due dates on closed days were moved to the next open day (``roll="following"``).
    rolled: bool = field(default=False)

    def titled(self, measure_id: str) -> str:
        # Repeated on every row of the measure: bounded, so a long title cannot multiply the report.
        return bounded(self.titles.get(measure_id, ""), REPEATED_TITLE)

    def words(self, key: str) -> str:
        return label(key, self.lang)

    def count(self, number: int) -> str:
        """A count after a heading: （12件） / ' (12)'."""
        return f"（{number}件）" if self.lang == "ja" else f" ({number})"


def _facts(plan: Plan, as_of: date, lang: Lang, roll: Roll = "none") -> _Facts:
    try:
        quarter = FiscalQuarter.from_date(as_of)
        following = quarter.next
    except DgplanError as error:  # the calendar's last quarters have no fiscal year or no next one
        raise PeriodError(f"cannot answer as of {as_of.isoformat()!r}: {error}", text=as_of.isoformat()) from error
    tracked = TrackedPlan.of(plan)
    items = item_statuses(tracked, as_of)
    return _Facts(
        plan=plan,
        as_of=as_of,
        lang=lang,
        quarter=quarter,
        following=following,
        items=items,
        sections=section_statuses(plan, items),
        statuses=kpi_statuses(plan, as_of),
        recorded=has_progress(plan),
        titles=tracked.measure_titles,
        this_quarter=tracked.due_in(quarter, as_of=as_of, roll=roll),
        next_quarter=tracked.due_in(following, as_of=as_of, roll=roll),
        overdue=tracked.overdue(as_of=as_of, roll=roll),
        rolled=roll != "none",
        owners=any(item.owner for item in tracked.items),
    )


# -- words ------------------------------------------------------------------------------------


def _notes(facts: _Facts) -> list[str]:
    """What the reader must know before the lists: no progress recorded, due dates moved."""
    notes = [note for note in (_no_progress_note(facts),) if note]
    if facts.rolled:
        notes.append(facts.words("rolled note"))
    return notes


def _no_progress_note(facts: _Facts) -> str | None:
    if facts.recorded:
        return None
    words = status_label("overdue", recorded=False, lang=facts.lang)
    if facts.lang == "ja":
        return (
            f"この計画には進捗が記録されていません。期限を過ぎた項目はすべて「{words}」です。"
            "進捗ログ（完了日・実績値）を読み込むと、完了したものと遅れているものを区別できます。"
        )
    return (
        f"No progress is recorded for this plan: every item whose date has passed is “{words}”."
        " A progress log (done, observed values) tells what was done from what is late."
    )


def _phrase(item: ItemStatus | DueItem) -> str:
    deadline = item.deadline
    if deadline is None:
        return ""
    if deadline.text:
        return deadline.text
    if deadline.window is not None and deadline.window.end != date.max:
        return str(deadline.window)
    return deadline.due.isoformat() if deadline.due else deadline.kind.value


_SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def _target_text(target: Target | None, goal: float | None, lang: Lang) -> str:
    """≥ 1741市区町村; a relative change as the value to reach and the change (≤ 70 (-30%)), or the
    change alone where the baseline's value is unknown (-30%, 基準値不明)."""
    if target is None:
        return "" if goal is None else f"{goal:g}"
    if target.comparison == "change":
        change = f"{target.value:+g}{target.unit or ''}"
        if goal is None:
            return f"{change}（基準値不明）" if lang == "ja" else f"{change} (baseline unknown)"
        symbol = "≤" if target.decreasing else "≥"
        return f"{symbol} {goal:g} ({change})"
    return f"{_SYMBOLS[target.comparison]} {'' if goal is None else f'{goal:g}'}{target.unit or ''}"


# -- sections as rows -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Table:
    """A table of text cells; ``kinds`` gives each column's kind (``id``, ``text``, ``n``, ``date``)."""

    columns: list[str]
    kinds: list[str]
    rows: list[list[str]]
    foot: list[str] | None = None

    def body(self) -> Any:
        """The rows as HTML, ``<tr>…</tr>`` each on its line, every cell escaped (markupsafe's
        ``escape``, as the template's autoescaping would): written here rather than cell by cell
        in the template, where a plan of 100,000 measures made millions of escapes of the same
        column names and kinds (issue 28)."""
        from markupsafe import Markup, escape

        opening = [
            f'<td class="{escape(kind)}" data-label="{escape(column)}">'
            for kind, column in zip(self.kinds, self.columns, strict=True)
        ]
        return Markup(
            "".join(
                "<tr>"
                + "".join([f"{cell_open}{escape(cell)}</td>" for cell_open, cell in zip(opening, row, strict=False)])
                + "</tr>\n"
                for row in self.rows
            )
        )


@dataclass(frozen=True, slots=True)
class _Group:
    """A heading and its table: an owner's or a measure's overdue items."""

    heading: str
    count: int
    table: _Table
    level: int = 3
    children: list[_Group] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Section:
    anchor: str
    heading: str
    table: _Table | None = None
    empty: str = ""
    groups: list[_Group] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    folded: bool = False
    #: What a folded list's summary adds to "show all": （72件） / ' (72)'.
    count_words: str = ""


def _due_section(facts: _Facts, anchor: str, key: str, quarter: FiscalQuarter, items: Sequence[DueItem]) -> _Section:
    missed = {item.item_id: item.due for item in facts.overdue}
    columns = [facts.words(k) for k in ("col measure", "col title", "col item", "col what", "col phrase", "col due")]
    kinds = ["id", "text", "id", "text", "text", "date"]
    columns.append(facts.words("col status"))
    kinds.append("text")
    if facts.owners:
        columns.append(facts.words("col owner"))
        kinds.append("text")
    rows = []
    for item in items:
        status = status_label(item.status, item.recorded, facts.lang)
        earlier = missed.get(item.item_id)
        if earlier is not None and earlier != item.due:
            separator = "；" if facts.lang == "ja" else "; "
            status += f"{separator}{facts.words('also overdue since')} {earlier.isoformat()}"
        due = item.due.isoformat()
        if item.rolled_from is not None:
            due += f"（{label('rolled from', facts.lang).format(day=item.rolled_from.isoformat())}）"
        row = [
            item.measure_id,
            facts.titled(item.measure_id),
            item.item_id,
            item.text,
            _phrase(item),
            due,
            status,
        ]
        if facts.owners:
            row.append(item.owner or "")
        rows.append(row)
    sep = "：" if facts.lang == "ja" else ": "
    heading = f"{facts.words(key)}{sep}{quarter_name(quarter, facts.lang)}{facts.count(len(rows))}"
    return _Section(anchor, heading, _Table(columns, kinds, rows), empty=facts.words("nothing due"))


def _overdue_section(facts: _Facts) -> _Section:
    columns = [facts.words(k) for k in ("col item", "col what", "col phrase", "col due", "col days past", "col status")]
    kinds = ["id", "text", "text", "date", "n", "text"]
    order = {measure_id: index for index, measure_id in enumerate(facts.titles)}
    by_measure: dict[str, list[DueItem]] = {}
    for item in sorted(facts.overdue, key=lambda item: order.get(item.measure_id, len(order))):
        by_measure.setdefault(item.measure_id, []).append(item)

    def measure_group(measure_id: str, items: list[DueItem], level: int) -> _Group:
        rows = [
            [
                item.item_id,
                item.text,
                _phrase(item),
                item.due.isoformat(),
                str((facts.as_of - item.due).days),
                status_label(item.status, item.recorded, facts.lang),
            ]
            for item in items
        ]
        heading = f"{measure_id} {facts.titled(measure_id)}".strip()
        return _Group(heading, len(rows), _Table(columns, kinds, rows), level=level)

    groups: list[_Group] = []
    if facts.owners:
        # Who must act first: owners in the order their first overdue item appears, then measures.
        by_owner: dict[str, dict[str, list[DueItem]]] = {}
        for measure_id, items in by_measure.items():
            for item in items:
                owner = item.owner or facts.words("no owner")
                by_owner.setdefault(owner, {}).setdefault(measure_id, []).append(item)
        for owner, measures in by_owner.items():
            children = [measure_group(measure_id, items, 4) for measure_id, items in measures.items()]
            count = sum(child.count for child in children)
            prefix = "担当：" if facts.lang == "ja" else "Owner: "
            heading = f"{prefix}{owner}{facts.count(count)}"
            groups.append(_Group(heading, count, _Table(columns, kinds, []), children=children))
    else:
        groups = [measure_group(measure_id, items, 3) for measure_id, items in by_measure.items()]
    late = facts.words("overdue heading")
    if not facts.recorded:
        late = status_label("overdue", recorded=False, lang=facts.lang)
        late = late[0].upper() + late[1:]
    heading = f"{late}{facts.count(len(facts.overdue))}"
    return _Section(
        "overdue", heading, empty=facts.words("nothing overdue"), groups=groups, folded=len(facts.overdue) > FOLD_OVER
    )


def _kpi_section(facts: _Facts) -> _Section:
    targets = {kpi.id: kpi.target for measure in facts.plan.measures for kpi in measure.kpis}
    columns = [facts.words(k) for k in ("col kpi", "col measured", "col latest", "col target", "col due", "col grade")]
    kinds = ["id", "text", "text", "text", "date", "text"]
    if facts.owners:
        columns.append(facts.words("col owner"))
        kinds.append("text")
    rows = []
    for s in facts.statuses:
        if s.comparison is None:  # no numeric target (a change target whose baseline is unknown has one)
            continue
        latest = "" if s.latest_value is None else f"{s.latest_value:g}"
        if s.latest_on is not None:
            latest += f" ({s.latest_on.isoformat()})"
        row = [s.kpi_id, s.text, latest, _target_text(targets.get(s.kpi_id), s.target_value, facts.lang)]
        row += [s.due.isoformat() if s.due else "", grade_name(s.grade, facts.lang)]
        if facts.owners:
            row.append(s.owner or "")
        rows.append(row)
    others = Counter(s.grade for s in facts.statuses if s.comparison is None)
    shown = ("A", "B", "N", "no baseline")
    if facts.lang == "ja":
        grades = "、".join(grade_label(grade, "ja") for grade in shown)
        untargeted = "、".join(f"{grade_label(grade, 'ja')} {others[grade]}件" for grade in GRADES if others[grade])
        lines = [f"評価：{grades}。"]
        if untargeted:
            lines.append(f"数値目標のないKPI {sum(others.values())}件（{untargeted}）。")
    else:
        grades = ", ".join(grade_label(grade, "en") for grade in shown)
        untargeted = "; ".join(f"{others[grade]} {grade_label(grade, 'en')}" for grade in GRADES if others[grade])
        lines = [f"Grades: {grades}."]
        if untargeted:
            lines.append(f"{sum(others.values())} KPIs have no numeric target ({untargeted}).")
    heading = f"{facts.words('kpis heading')}{facts.count(len(rows))}"
    return _Section(
        "kpis",
        heading,
        _Table(columns, kinds, rows),
        empty=facts.words("none"),
        lines=lines,
        folded=len(rows) > FOLD_OVER,
        count_words=facts.count(len(rows)),
    )


def _summary_section(facts: _Facts) -> _Section:
    grade_counts = Counter(s.grade for s in facts.statuses)
    done = sum(item.done for item in facts.this_quarter)
    if facts.lang == "ja":
        lines = [
            f"{facts.words('due this quarter')}：{len(facts.this_quarter)}件（うち完了 {done}件）",
            f"{facts.words('due next quarter')}：{len(facts.next_quarter)}件",
            f"{facts.words('overdue heading')}：{len(facts.overdue)}件",
            "KPIの評価："
            + (
                "、".join(
                    f"{grade_name(grade, 'ja')} {grade_counts[grade]}件" for grade in GRADES if grade_counts[grade]
                )
                or "なし"
            ),
        ]
    else:
        lines = [
            f"{facts.words('due this quarter')}: {len(facts.this_quarter)} ({done} done)",
            f"{facts.words('due next quarter')}: {len(facts.next_quarter)}",
            f"{facts.words('overdue heading')}: {len(facts.overdue)}",
            "KPI grades: "
            + (", ".join(f"{grade} {grade_counts[grade]}" for grade in GRADES if grade_counts[grade]) or "none"),
        ]
    columns = [facts.words("col section"), facts.words("col section title")]
    columns += [facts.words(status) for status in STATUSES]
    rows = [[s.section, s.title, *(str(s.counts[status]) for status in STATUSES)] for s in facts.sections]
    foot = [facts.words("col total"), "", *(str(sum(s.counts[status] for s in facts.sections)) for status in STATUSES)]
    table = _Table(columns, ["id", "text", *("n" for _ in STATUSES)], rows, foot)
    return _Section("summary", facts.words("summary"), table, lines=lines)


def _sections(facts: _Facts) -> list[_Section]:
    """The report's sections in the order a reader acts on them."""
    return [
        _summary_section(facts),
        _due_section(facts, "due-this-quarter", "due this quarter", facts.quarter, facts.this_quarter),
        _due_section(facts, "due-next-quarter", "due next quarter", facts.following, facts.next_quarter),
        _overdue_section(facts),
        _kpi_section(facts),
    ]


# -- markdown ---------------------------------------------------------------------------------


def _markdown_table(table: _Table) -> str:
    rows = [*table.rows, *([table.foot] if table.foot else [])]
    return markdown_table(table.columns, rows)


def _markdown_group(group: _Group) -> list[str]:
    out = [f"{'#' * group.level} {markdown_inline(group.heading)}", ""]
    if group.table.rows:
        out.append(_markdown_table(group.table))
    for child in group.children:
        out += _markdown_group(child)
    return out


def _render_markdown(facts: _Facts, sections: list[_Section], diff: str | None) -> str:
    # Headings hold plan text (titles, owners): escaped, so that none starts markup of its own.
    out = [f"# {markdown_inline(facts.plan.title)}", "", as_of_words(facts.as_of, facts.lang), ""]
    for note in _notes(facts):
        out += [note, ""]
    out += [f"{facts.words('contents')}:" if facts.lang == "en" else f"{facts.words('contents')}：", ""]
    out += [f"- {markdown_inline(section.heading)}" for section in sections] + [""]
    for section in sections:
        out += [f"## {markdown_inline(section.heading)}", ""]
        if section.lines:
            out += [*(f"- {line}" for line in section.lines), ""]
        if section.table is not None:
            out.append(_markdown_table(section.table) if section.table.rows else section.empty + "\n")
        elif not section.groups:
            out.append(section.empty + "\n")
        for group in section.groups:
            out += _markdown_group(group)
    text = "\n".join(out)
    return text + ("" if diff is None else "\n" + diff)


# -- HTML -------------------------------------------------------------------------------------


def _template() -> Any:
    from jinja2 import Environment, StrictUndefined

    source = resources.files("dgplan").joinpath("templates", "report.html").read_text(encoding="utf-8")
    environment = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(source)


def _render_html(facts: _Facts, sections: list[_Section], diff: str | None) -> str:
    from markupsafe import Markup

    plan = facts.plan
    wide = timeline_svg(plan, facts.as_of, items=facts.items, recorded=facts.recorded, lang=facts.lang)
    narrow = timeline_svg(
        plan, facts.as_of, items=facts.items, recorded=facts.recorded, lang=facts.lang, layout="narrow"
    )
    if facts.lang == "ja":
        caption = (
            f"分野別・年度別の工程とKPI目標（基準日 {facts.as_of.isoformat()}）：期限超過、完了、期限前。"
            "毎期の項目は期限を過ぎた回か次の回に示します。印の中の数字は同じ日の件数です。"
        )
    else:
        caption = (
            f"Milestones and KPI targets by section and fiscal year, as of {facts.as_of.isoformat()}:"
            " overdue, done, and due (a recurring item at its missed or next occurrence)."
            " A number in a mark counts items sharing that date."
        )
    page = _template().render(
        lang=facts.lang,
        title=plan.title,
        as_of=facts.as_of.isoformat(),
        as_of_line=as_of_words(facts.as_of, facts.lang),
        notes=_notes(facts),
        contents_label=facts.words("contents"),
        show_all=facts.words("show all"),
        sections=sections,
        # The chart and the diff are markup dgplan builds itself, every text in them escaped there.
        chart_wide=Markup(wide),
        chart_narrow=Markup(narrow),
        chart_caption=caption,
        diff=None if diff is None else Markup(diff),
    )
    return str(page)


@collector_paused()
def render_report(
    plan: Plan,
    as_of: date,
    *,
    fmt: str = "markdown",
    compare: PlanDiff | None = None,
    lang: str = "ja",
    roll: Roll = "none",
) -> str:
    """A status report (markdown or html) in the order a reader acts on it: the as-of date in
    both calendars and its fiscal quarter, contents, a summary (counts, a table by section, in HTML
    the timeline chart), what falls due this quarter and next, what is overdue (grouped by owner,
    then measure, where the plan names owners; long lists folded in HTML), and the KPIs with a
    numeric target. ``lang`` is ``ja`` (the default) or ``en``. With ``roll="following"``, what
    falls due and what is overdue use due dates moved off closed days (:mod:`dgplan.closed_days`),
    each moved date shown beside the plan's, and a note says so.

    The sections list what the due questions answer (``plan.due_in`` this quarter and the next,
    ``plan.overdue``), each occurrence with its status (spec §6a): an item overdue for a missed
    occurrence and due again this quarter is in both, and says so. An overdue item for which
    nothing is recorded is "overdue, no progress recorded" (期限超過（進捗の記録なし）), as in every
    other output.

    ``compare``, a diff from an earlier edition (:func:`dgplan.diff_plans`), adds a last section:
    what changed, the slipped deadlines first.
    """
    if fmt not in ("markdown", "html"):
        raise ValueError(f"unknown report format {fmt!r}; expected markdown or html")
    language = check_lang(lang)
    facts = _facts(plan, as_of, language, roll)
    sections = _sections(facts)
    diff = None
    if compare is not None:  # dgplan.diff and its renderer only for a report that compares editions
        from dgplan.diff_render import diff_html, diff_markdown

        diff = diff_markdown(compare) if fmt == "markdown" else diff_html(compare)
    if fmt == "markdown":
        return _render_markdown(facts, sections, diff)
    return _render_html(facts, sections, diff)
