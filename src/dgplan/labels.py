"""The words people read, in Japanese and English: one table with a column per language.

Every output written for people (the report, the text tables of ``dgplan due`` and ``dgplan kpi``,
the workbook) takes its labels from here; Japanese is the default (``lang="ja"``), ``lang="en"``
keeps English. Machine outputs (CSV, JSON, the calendar's ``X-DGPLAN-STATUS``) keep the API's own
values (``overdue``, ``A``), which never change with the language.

>>> label("overdue", "ja"), label("overdue", "en")
('期限超過', 'overdue')
>>> status_label("overdue", recorded=False, lang="ja")
'期限超過（進捗の記録なし）'
>>> grade_label("B", "en")
'B behind (or its target missed)'
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from dgplan._progress import GRADE_WORDS, Grade
from dgplan.era import format_wareki
from dgplan.errors import DgplanError, EraError
from dgplan.fiscal import FiscalQuarter

__all__ = [
    "LABELS",
    "LANGS",
    "Lang",
    "as_of_words",
    "check_lang",
    "quarter_name",
    "grade_label",
    "grade_name",
    "label",
    "status_label",
]

Lang = Literal["ja", "en"]
#: The languages of the labels, the default first.
LANGS: tuple[Lang, ...] = ("ja", "en")

#: key → (Japanese, English). Statuses and grades use the API's values as keys.
LABELS: dict[str, tuple[str, str]] = {
    # statuses of an occurrence (spec §6a)
    "overdue": ("期限超過", "overdue"),
    "due": ("期限前", "due"),
    "done": ("完了", "done"),
    "no date": ("期限なし", "no date"),
    "no progress recorded": ("進捗の記録なし", "no progress recorded"),
    # grades (spec §6)
    "grade A": ("順調", GRADE_WORDS["A"]),
    "grade B": ("遅れ（または目標未達）", GRADE_WORDS["B"]),
    "grade N": ("実績なし", GRADE_WORDS["N"]),
    "grade F": ("施策の実施そのもの（実施済みか否か）", GRADE_WORDS["F"]),
    "grade no target": ("目標値のない指標", GRADE_WORDS["no target"]),
    "grade no baseline": ("基準値が不明な増減目標", GRADE_WORDS["no baseline"]),
    "grade unset": ("未設定", GRADE_WORDS["unset"]),
    # columns
    "col due": ("期限", "due"),
    "col item": ("項目", "item"),
    "col kind": ("種別", "kind"),
    "col status": ("状況", "status"),
    "col text": ("内容", "text"),
    "col owner": ("担当", "owner"),
    "col measure": ("施策", "measure"),
    "col title": ("施策名", "title"),
    "col what": ("取組内容", "what is due"),
    "col phrase": ("期限（原文）", "deadline as written"),
    "col days past": ("経過日数", "days past"),
    "col kpi": ("KPI", "KPI"),
    "col measured": ("指標", "what is measured"),
    "col latest": ("最新実績", "latest"),
    "col latest value": ("最新実績値", "latest_value"),
    "col target": ("目標", "target"),
    "col unit": ("単位", "unit"),
    "col grade": ("評価", "grade"),
    "col section": ("分野", "section"),
    "col section title": ("分野名", "title"),
    "col total": ("計", "total"),
    # deadline kinds
    "kind by": ("まで", "by"),
    "kind within": ("期間内", "within"),
    "kind on": ("時点", "on"),
    "kind from": ("以降", "from"),
    "kind range": ("期間", "range"),
    "kind recurring": ("毎期", "recurring"),
    "kind undated": ("時期未定", "undated"),
    "kind citation": ("引用", "citation"),
    # the report
    "contents": ("目次", "Contents"),
    "summary": ("概要", "Summary"),
    "by section": ("分野別の状況", "By section"),
    "due this quarter": ("今四半期に期限を迎えるもの", "Due this quarter"),
    "due next quarter": ("来四半期に期限を迎えるもの", "Due next quarter"),
    "overdue heading": ("期限超過", "Overdue"),
    "kpis heading": ("数値目標のあるKPI", "KPIs with a numeric target"),
    "none": ("なし。", "None."),
    "nothing overdue": ("期限を超過したものはありません。", "Nothing is overdue."),
    "nothing due": ("期限を迎えるものはありません。", "Nothing falls due."),
    "rolled note": (
        "閉庁日に当たる期限は翌開庁日に繰り下げています（行政機関の休日に関する法律第2条）。",
        "Due dates on days government offices are closed are moved to the next open day"
        " (Act on Holidays of Administrative Organs, art. 2).",
    ),
    "rolled from": ("{day}から繰下げ", "moved from {day}"),
    "show all": ("すべて表示", "show all"),
    "no owner": ("担当の記載なし", "no owner given"),
    "also overdue since": ("前回分も期限超過", "also overdue since"),
    "grades": ("評価", "Grades"),
    "as of": ("基準日", "As of"),
    "fiscal quarter": ("四半期", "fiscal quarter"),
    "items": ("件", "items"),
}


def check_lang(lang: str) -> Lang:
    """``lang`` if it is one of :data:`LANGS`; a ValueError naming them otherwise."""
    for known in LANGS:
        if lang == known:
            return known
    raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")


def label(key: str, lang: Lang) -> str:
    """The label of ``key`` in ``lang``."""
    japanese, english = LABELS[key]
    return japanese if lang == "ja" else english


def status_label(status: str, recorded: bool, lang: Lang) -> str:
    """A status as people read it: ``期限超過（進捗の記録なし）`` / ``overdue, no progress recorded``
    for an overdue item with nothing recorded; :func:`dgplan.queries.status_words` is its English."""
    words = label(status, lang)
    if status != "overdue" or recorded:
        return words
    note = label("no progress recorded", lang)
    return f"{words}（{note}）" if lang == "ja" else f"{words}, {note}"


def grade_name(grade: Grade | str, lang: Lang) -> str:
    """A grade as a table shows it: the letter (A, B, N, F), or what the others are called in
    ``lang`` (``未設定`` / ``unset``)."""
    if grade in ("A", "B", "N", "F"):
        return grade
    return label(f"grade {grade}", lang) if lang == "ja" else grade


def grade_label(grade: Grade | str, lang: Lang) -> str:
    """A grade with what it means: ``B 遅れ（または目標未達）`` / ``B behind (or its target missed)``;
    a grade that is no letter is its name in Japanese (``未設定``), its code and meaning in English."""
    if lang == "ja" and grade not in ("A", "B", "N", "F"):
        return label(f"grade {grade}", lang)
    return f"{grade} {label(f'grade {grade}', lang)}"


def quarter_name(quarter: FiscalQuarter, lang: Lang) -> str:
    """令和4年度第3四半期（FY2022-Q3） / FY2022-Q3 (令和4年度第3四半期); the label alone before 明治."""
    try:
        wareki = quarter.wareki
    except EraError:
        return quarter.label
    return f"{wareki}（{quarter.label}）" if lang == "ja" else f"{quarter.label} ({wareki})"


def as_of_words(as_of: date, lang: Lang) -> str:
    """The as-of line of a report: the day in both calendars and its fiscal quarter.

    >>> as_of_words(date(2022, 11, 26), "ja")
    '基準日：令和4年11月26日（2022-11-26）、令和4年度第3四半期（FY2022-Q3）。'
    """
    day = as_of.isoformat()
    try:
        wareki: str | None = format_wareki(as_of)
    except EraError:  # before 明治6年: no era date to give
        wareki = None
    try:
        quarter: FiscalQuarter | None = FiscalQuarter.from_date(as_of)
    except DgplanError:  # the calendar's ends (year 1's first quarter has no fiscal year)
        quarter = None
    if lang == "ja":
        shown = day if wareki is None else f"{wareki}（{day}）"
        return f"基準日：{shown}" + ("" if quarter is None else f"、{quarter_name(quarter, 'ja')}") + "。"
    shown = day if wareki is None else f"{wareki} / {day}"
    return f"As of {shown}" + ("" if quarter is None else f", fiscal quarter {quarter_name(quarter, 'en')}") + "."
