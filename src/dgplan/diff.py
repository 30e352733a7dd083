"""Two editions of a plan → what changed: measures added, removed and matched, deadlines that
moved (and by how much), KPI targets set, unset, lowered or raised.

Measures are paired by id first; when ids were renumbered, by the similarity of their titles
(:data:`THRESHOLD`). Milestones and KPIs are paired within a measure by the similarity of their
text. Where two candidates score alike (within :data:`EPSILON`) nothing is paired: the candidates
are reported as ambiguous, for a person to decide.

>>> from dgplan.kpi import PlanData
>>> def edition(due: str, title: str = "システム改修") -> PlanData:
...     return PlanData.model_validate({
...         "plan": {"title": "例", "issued": "2021-06-18"},
...         "measures": [{"id": "1-1", "section": "I", "title": title,
...                       "milestones": [{"text": "システム改修", "due": due}]}]})
>>> diff = diff_plans(edition("令和3年度末までに"), edition("令和4年度末までに"))
>>> (moved,) = diff.changes
>>> moved.change, moved.old, moved.new, moved.slip_days, moved.slip_quarters
('milestone later', '令和3年度末までに', '令和4年度末までに', 365, 4)
>>> diff_plans(edition("令和3年度末までに"), edition("令和3年度末までに")).changes
()
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from dgplan.deadline import Deadline, DeadlineKind
from dgplan.display import html_table
from dgplan.kpi import KPI, Measure, Milestone, PlanData, Target

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CHANGES",
    "DIFF_COLUMNS",
    "EPSILON",
    "THRESHOLD",
    "AmbiguousMatch",
    "PlanChange",
    "ChangeKind",
    "MeasureDiff",
    "PlanDiff",
    "diff_plans",
    "similarity",
]

#: Two titles (or two milestone or KPI texts) name the same thing when their similarity
#: (:func:`similarity`, 0 to 1) is at least this. A reworded title keeps most of its characters
#: (推進 → 促進, a word added: 0.85 to 0.95); of the 11,026 pairs of different measures in the
#: bundled plan one scores above 0.75 (7-5 and 7-6, 0.86), and within a measure no two milestones
#: (at most 0.47) or KPIs of one kind (at most 0.63) come near it.
THRESHOLD = 0.75
#: Two candidates whose scores differ by less than this are a tie: neither is paired.
EPSILON = 0.02

ChangeKind = Literal[
    "measure added",
    "measure removed",
    "measure renumbered",
    "measure retitled",
    "measure resectioned",
    "measure ambiguous",
    "milestone added",
    "milestone removed",
    "milestone later",
    "milestone earlier",
    "milestone undated",
    "milestone dated",
    "milestone rescheduled",
    "milestone reworded",
    "milestone ambiguous",
    "kpi added",
    "kpi removed",
    "kpi set",
    "kpi unset",
    "kpi reworded",
    "kpi ambiguous",
    "target weakened",
    "target strengthened",
    "target changed",
    "target later",
    "target earlier",
    "target undated",
    "target dated",
    "target rescheduled",
]
#: Every kind of change, in the order summaries list them. ``later``/``earlier``: the due date
#: moved (for a ``from`` deadline, its start); ``undated``: a dated deadline lost its date;
#: ``dated``: an undated one gained one; ``rescheduled``: the deadline changed without an order
#: (a recurring rule, a one-off made recurring, another kind with the same due date).
#: ``weakened``: a target asks for less (lower for an increase, higher for a reduction);
#: ``changed``: a target changed in a way with no order (its unit, its comparison, an ``=``).
CHANGES: tuple[ChangeKind, ...] = ChangeKind.__args__  # type: ignore[attr-defined]

# What a change becomes when the editions are swapped.
_MIRROR = {
    "added": "removed",
    "removed": "added",
    "later": "earlier",
    "earlier": "later",
    "undated": "dated",
    "dated": "undated",
    "set": "unset",
    "unset": "set",
    "weakened": "strengthened",
    "strengthened": "weakened",
}

#: Columns of a diff in CSV and JSON output, in order.
DIFF_COLUMNS = (
    "change",
    "measure_id",
    "old_measure_id",
    "item_id",
    "old_item_id",
    "old",
    "new",
    "old_due",
    "new_due",
    "slip_days",
    "slip_quarters",
    "score",
    "text",
)


@dataclass(frozen=True, slots=True)
class PlanChange:
    """One change between two editions.

    ``measure_id`` and ``item_id`` are ids in the new edition (None for what was removed),
    ``old_measure_id`` and ``old_item_id`` in the old one (None for what was added). ``old`` and
    ``new`` say what changed in words (a title, a deadline phrase, a target); ``old_due`` and
    ``new_due`` are the due dates of a moved deadline, ``slip_days`` and ``slip_quarters`` how far
    it moved (negative: earlier; fiscal quarters count April-June as Q1). ``score`` is the
    similarity that paired the item (None for what is added or removed). ``old_deadline``,
    ``new_deadline``, ``old_target`` and ``new_target`` hold the values themselves.

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
    >>> later = dgplan.parse_plan(plan.model_dump_json().replace("令和3年度末まで", "令和4年度上期まで"))
    >>> diff = dgplan.diff_plans(plan, later)
    >>> change = diff.changes[0]
    >>> change.old, change.new, change.old_due, change.new_due, change.slip_quarters
    ('令和3年度末まで', '令和4年度上期まで', datetime.date(2022, 3, 31), datetime.date(2022, 9, 30), 2)
    """

    change: ChangeKind
    measure_id: str | None
    old_measure_id: str | None
    text: str
    item_id: str | None = None
    old_item_id: str | None = None
    old: str | None = None
    new: str | None = None
    old_due: date | None = None
    new_due: date | None = None
    slip_days: int | None = None
    slip_quarters: int | None = None
    score: float | None = None
    old_deadline: Deadline | None = field(default=None, repr=False)
    new_deadline: Deadline | None = field(default=None, repr=False)
    old_target: Target | None = field(default=None, repr=False)
    new_target: Target | None = field(default=None, repr=False)

    @property
    def slipped(self) -> bool:
        """A deadline that moved later, or lost its date."""
        return self.change.endswith((" later", " undated"))

    def mirrored(self) -> PlanChange:
        """The same change seen from the other edition (added ↔ removed, later ↔ earlier, ...)."""
        subject, _, verb = self.change.partition(" ")
        return PlanChange(
            change=f"{subject} {_MIRROR.get(verb, verb)}",  # type: ignore[arg-type]
            measure_id=self.old_measure_id,
            old_measure_id=self.measure_id,
            text=self.text,
            item_id=self.old_item_id,
            old_item_id=self.item_id,
            old=self.new,
            new=self.old,
            old_due=self.new_due,
            new_due=self.old_due,
            slip_days=None if self.slip_days is None else -self.slip_days,
            slip_quarters=None if self.slip_quarters is None else -self.slip_quarters,
            score=self.score,
            old_deadline=self.new_deadline,
            new_deadline=self.old_deadline,
            old_target=self.new_target,
            new_target=self.old_target,
        )

    def row(self) -> dict[str, Any]:
        """The change as a plain row with the :data:`DIFF_COLUMNS` (ISO dates)."""
        return {
            "change": self.change,
            "measure_id": self.measure_id,
            "old_measure_id": self.old_measure_id,
            "item_id": self.item_id,
            "old_item_id": self.old_item_id,
            "old": self.old,
            "new": self.new,
            "old_due": None if self.old_due is None else self.old_due.isoformat(),
            "new_due": None if self.new_due is None else self.new_due.isoformat(),
            "slip_days": self.slip_days,
            "slip_quarters": self.slip_quarters,
            "score": self.score,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class AmbiguousMatch:
    """Items that could not be paired because two candidates scored alike (within :data:`EPSILON`).

    ``candidates`` lists each (old id, new id, score) at or above :data:`THRESHOLD`.

    >>> from dgplan import AmbiguousMatch
    >>> match = AmbiguousMatch("measure", ("1-1",), ("1-1", "1-2"), (("1-1", "1-1", 0.9), ("1-1", "1-2", 0.9)))
    >>> match.mirrored().old_ids
    ('1-1', '1-2')
    """

    level: Literal["measure", "milestone", "kpi"]
    old_ids: tuple[str, ...]
    new_ids: tuple[str, ...]
    candidates: tuple[tuple[str, str, float], ...]

    def mirrored(self) -> AmbiguousMatch:
        """The same ambiguity seen from the other edition."""
        return AmbiguousMatch(
            self.level, self.new_ids, self.old_ids, tuple(sorted((n, o, s) for o, n, s in self.candidates))
        )


@dataclass(frozen=True, slots=True)
class MeasureDiff:
    """A measure found in both editions: how it was paired, and what changed in it.

    ``method`` is ``id`` (same id) or ``title`` (ids differ, titles alike); ``score`` is the
    similarity of the two titles.

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
    >>> later = dgplan.parse_plan(plan.model_dump_json().replace("令和3年度末まで", "令和4年度上期まで"))
    >>> diff = dgplan.diff_plans(plan, later)
    >>> matched = diff.matched[0]
    >>> matched.method, matched.score, len(matched.changes)
    ('id', 1.0, 1)
    """

    old: Measure
    new: Measure
    method: Literal["id", "title"]
    score: float
    changes: tuple[PlanChange, ...] = ()
    ambiguous: tuple[AmbiguousMatch, ...] = ()

    def of(self, *kinds: ChangeKind) -> tuple[PlanChange, ...]:
        """The changes of these kinds."""
        return tuple(c for c in self.changes if c.change in kinds)

    @property
    def title_changed(self) -> bool:
        """Whether the title was reworded (``measure retitled``)."""
        return bool(self.of("measure retitled"))

    @property
    def milestones_added(self) -> tuple[PlanChange, ...]:
        """``milestone added`` changes."""
        return self.of("milestone added")

    @property
    def milestones_removed(self) -> tuple[PlanChange, ...]:
        """``milestone removed`` changes."""
        return self.of("milestone removed")

    @property
    def milestones_moved(self) -> tuple[PlanChange, ...]:
        """Milestones whose deadline moved: later, earlier, undated, dated or rescheduled."""
        return self.of(
            "milestone later", "milestone earlier", "milestone undated", "milestone dated", "milestone rescheduled"
        )

    @property
    def kpis_added(self) -> tuple[PlanChange, ...]:
        """``kpi added`` changes."""
        return self.of("kpi added")

    @property
    def kpis_removed(self) -> tuple[PlanChange, ...]:
        """``kpi removed`` changes."""
        return self.of("kpi removed")

    @property
    def targets_changed(self) -> tuple[PlanChange, ...]:
        """KPI targets set, unset, weakened, strengthened, changed or moved."""
        return tuple(c for c in self.changes if c.change.startswith("target ") or c.change in ("kpi set", "kpi unset"))


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """What changed from one edition of a plan to the next (:func:`diff_plans`).

    ``added`` and ``removed`` are measures found in one edition only; ``matched`` every measure
    found in both, with its changes; ``ambiguous`` the measures, milestones and KPIs left unpaired
    because two candidates scored alike; ``changes`` every change, in plan order.

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
    >>> later = dgplan.parse_plan(plan.model_dump_json().replace("令和3年度末まで", "令和4年度上期まで"))
    >>> diff = dgplan.diff_plans(plan, later)
    >>> [(change.change, change.item_id, change.slip_days) for change in diff.changes]
    [('milestone later', '1-1/m1', 183)]
    """

    old_title: str
    new_title: str
    old_issued: date
    new_issued: date
    added: tuple[Measure, ...]
    removed: tuple[Measure, ...]
    matched: tuple[MeasureDiff, ...]
    ambiguous: tuple[AmbiguousMatch, ...]
    changes: tuple[PlanChange, ...]
    threshold: float = THRESHOLD

    def __bool__(self) -> bool:
        """True when anything changed."""
        return bool(self.changes)

    @property
    def pairings(self) -> tuple[MeasureDiff, ...]:
        """The pairings a person should check: by title (renumbered), or by id with a changed title."""
        return tuple(m for m in self.matched if m.method == "title" or m.old.title != m.new.title)

    @property
    def summary(self) -> dict[str, int]:
        """How many changes of each kind, in the order of :data:`CHANGES` (kinds with none left out)."""
        counts = Counter(c.change for c in self.changes)
        return {kind: counts[kind] for kind in CHANGES if counts[kind]}

    @property
    def slips(self) -> tuple[PlanChange, ...]:
        """Deadlines (milestones and KPI targets) that moved later, the largest slip first (equal
        slips in plan order), then those that lost their date."""
        later = sorted((c for c in self.changes if c.change.endswith(" later")), key=lambda c: -(c.slip_days or 0))
        return (*later, *(c for c in self.changes if c.change.endswith(" undated")))

    def of(self, *kinds: ChangeKind) -> tuple[PlanChange, ...]:
        """The changes of these kinds, in plan order."""
        return tuple(c for c in self.changes if c.change in kinds)

    def rows(self) -> list[dict[str, Any]]:
        """Every change as a plain row with the :data:`DIFF_COLUMNS`."""
        return [c.row() for c in self.changes]

    def to_frame(self) -> pd.DataFrame:
        """One row per change, with the :data:`DIFF_COLUMNS`; imports pandas.

        ``change`` is an ordered categorical (the order of :data:`CHANGES`), the due dates
        ``datetime64``, the slips nullable integers, ``measure_id`` and ``old_measure_id``
        categories (as ``measure_id`` is in every frame, so they join), item ids and texts strings
        (``<NA>`` where absent).
        """
        import pandas as pd

        from dgplan._frame import ALWAYS_CATEGORIES

        frame = pd.DataFrame(self.rows(), columns=list(DIFF_COLUMNS))
        frame["change"] = pd.Categorical(frame["change"], categories=list(CHANGES), ordered=True)
        for column in ("old_due", "new_due"):
            frame[column] = pd.to_datetime(frame[column])
        for column in ("slip_days", "slip_quarters"):
            frame[column] = frame[column].astype("Int64")
        frame["score"] = frame["score"].astype("float64")
        for column in ("item_id", "old_item_id", "old", "new", "text"):
            frame[column] = frame[column].astype("string")
        for column in (*ALWAYS_CATEGORIES, "old_measure_id"):
            frame[column] = pd.Categorical(list(frame[column]))
        return frame

    def _repr_html_(self) -> str:
        summary = html_table(("change", "count"), self.summary.items(), caption="summary")
        changes = html_table(
            ("change", "measure", "item", "old", "new", "slip (days)", "text"),
            [
                (
                    c.change,
                    _ids(c.old_measure_id, c.measure_id),
                    _ids(c.old_item_id, c.item_id),
                    c.old,
                    c.new,
                    c.slip_days,
                    c.text,
                )
                for c in self.changes
            ],
            caption=f"{len(self.changes)} changes",
        )
        return f"<h3>{html.escape(self.old_title)} → {html.escape(self.new_title)}</h3>{summary}{changes}"


def _ids(old: str | None, new: str | None) -> str:
    if old == new or old is None:
        return new or ""
    return old if new is None else f"{old} → {new}"


# ---------------------------------------------------------------------------------------------
# Similarity and pairing

_NOISE = re.compile(r"[\s、。，．,.・「」『』（）()\[\]［］【】〔〕:：;；!！?？\-ー―‐–—~〜]+")


@functools.lru_cache(maxsize=8192)
def _normalise(text: str) -> str:
    """NFKC, without spaces and punctuation: what a comparison of wording should see."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text))


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1: :class:`difflib.SequenceMatcher`'s ratio on the
    texts normalised (NFKC, no spaces or punctuation), the same whichever comes first.

    >>> similarity("マイナンバーカードの普及", "マイナンバーカードの普及促進")
    0.9091
    """
    return _ratio(_normalise(a), _normalise(b))


def _ratio(a: str, b: str, *, floor: float = 0.0) -> float:
    """The ratio of two normalised texts; 0 without computing it when it is surely below ``floor``."""
    if a == b:
        return 1.0
    first, second = sorted((a, b))  # SequenceMatcher's ratio depends on the order; fix one
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    if floor and (matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor):
        return 0.0
    return round(matcher.ratio(), 4)


class _Ratios:
    """:func:`_ratio` with a ``floor``, for every pair of two lists of texts (the titles of two
    editions): the same answers, with what depends on one text worked out once for it. The bounds
    difflib checks first (lengths, then shared characters) cost arithmetic and one set
    intersection, and each text's SequenceMatcher indexes it once, not once per pair: pairing
    1,000 renumbered measures was quadratic in SequenceMatcher set-ups (17 s)."""

    def __init__(self, floor: float) -> None:
        self.floor = floor
        self.tokens: dict[str, frozenset[int]] = {}
        self.matchers: dict[str, SequenceMatcher[str]] = {}

    def _tokens(self, text: str) -> frozenset[int]:
        # The multiset of characters as a set (the k-th copy of a character is one number), so the
        # size of an intersection is what difflib's quick_ratio counts.
        tokens = self.tokens.get(text)
        if tokens is None:
            seen: dict[str, int] = {}
            items = []
            for char in text:
                seen[char] = seen.get(char, 0) + 1
                items.append(seen[char] << 21 | ord(char))
            tokens = self.tokens[text] = frozenset(items)
        return tokens

    def __call__(self, a: str, b: str) -> float:
        if a == b:
            return 1.0
        total = len(a) + len(b)
        # SequenceMatcher's real_quick_ratio and quick_ratio, as difflib computes them.
        if 2.0 * min(len(a), len(b)) / total < self.floor:
            return 0.0
        if 2.0 * len(self._tokens(a) & self._tokens(b)) / total < self.floor:
            return 0.0
        first, second = sorted((a, b))
        matcher = self.matchers.get(second)
        if matcher is None:
            matcher = self.matchers[second] = SequenceMatcher(None, "", second, autojunk=False)
        matcher.set_seq1(first)
        return round(matcher.ratio(), 4)

    def shortlist(self, olds: Sequence[str], news: Sequence[str]) -> list[tuple[int, int]]:
        """The pairs (old index, new index) that :meth:`__call__` may score at or above the floor:
        every other pair shares too few characters to pass difflib's quick_ratio.

        A prefix filter: with the characters of every text in one order (rarest first), two texts
        sharing at least ``o`` characters share one among the first ``len - o + 1`` of each. A
        ratio ``t`` needs ``o >= t * len / (2 - t)`` for either text (Dice's bound), so only texts
        meeting in those prefixes are compared, not every text with every other.
        """
        t = self.floor
        frequency = Counter(token for text in (*olds, *news) for token in self._tokens(text))

        def prefix(text: str) -> list[int]:
            tokens = self._tokens(text)
            # Rounded down, with room for the float arithmetic: a shorter overlap only lengthens
            # the prefix (more pairs compared), never drops a pair.
            overlap = max(int(t * len(tokens) / (2 - t) - 1e-6), 0)
            return sorted(tokens, key=lambda token: (frequency[token], token))[: len(tokens) - overlap + 1]

        index: dict[int, list[int]] = {}
        for j, text in enumerate(news):
            for token in prefix(text):
                index.setdefault(token, []).append(j)
        pairs: set[tuple[int, int]] = set()
        every = len(olds) * len(news)
        for i, text in enumerate(olds):
            for token in prefix(text):
                pairs.update((i, j) for j in index.get(token, ()))
            if len(pairs) > every // 2:  # texts of a few characters in common: no shorter list
                return [(i, j) for i in range(len(olds)) for j in range(len(news))]
        return sorted(pairs)


T = TypeVar("T")


def _clear(options: list[tuple[float, int]]) -> int | None:
    """The best option, unless the runner-up scores within EPSILON of it."""
    options.sort(reverse=True)
    if len(options) > 1 and options[0][0] - options[1][0] < EPSILON:
        return None
    return options[0][1]


_Group = tuple[list[int], list[int], list[tuple[int, int, float]]]


@dataclass(frozen=True, slots=True)
class _Pairing:
    pairs: list[tuple[int, int, float]]
    ambiguous: list[_Group]


def _pair(
    old: Sequence[T],
    new: Sequence[T],
    score: Callable[[T, T], float],
    *,
    threshold: float,
    identical: Callable[[T], Hashable] | None = None,
    compatible: Callable[[T, T], bool] | None = None,
    shortlist: Callable[[], Sequence[tuple[int, int]]] | None = None,
) -> _Pairing:
    """Pair items of two editions; the answer does not depend on which edition comes first.

    1. Identical items (``identical`` keys equal), the k-th with the k-th.
    2. Mutual best candidates at or above ``threshold`` whose best is clear (the runner-up,
       on either side, scores at least :data:`EPSILON` less), in rounds until none is left.
    3. Items still holding candidates are ambiguous, grouped by the candidates they share.

    ``shortlist`` gives the pairs (i, j) that can score at or above ``threshold``, when it knows
    better than every pair.
    """
    pairs: list[tuple[int, int, float]] = []
    free_old, free_new = set(range(len(old))), set(range(len(new)))
    if identical is not None:
        waiting: dict[Hashable, list[int]] = {}
        for j, item in enumerate(new):
            waiting.setdefault(identical(item), []).append(j)
        for i, item in enumerate(old):
            queue = waiting.get(identical(item))
            if queue:
                j = queue.pop(0)
                pairs.append((i, j, 1.0))
                free_old.discard(i)
                free_new.discard(j)
    candidates: dict[tuple[int, int], float] = {}
    if shortlist is None:
        tried: Iterable[tuple[int, int]] = ((i, j) for i in sorted(free_old) for j in sorted(free_new))
    else:
        tried = ((i, j) for i, j in shortlist() if i in free_old and j in free_new)
    for i, j in tried:
        if compatible is not None and not compatible(old[i], new[j]):
            continue
        s = score(old[i], new[j])
        if s >= threshold:
            candidates[(i, j)] = s
    while True:
        best_old: dict[int, list[tuple[float, int]]] = {}
        best_new: dict[int, list[tuple[float, int]]] = {}
        for (i, j), s in candidates.items():
            best_old.setdefault(i, []).append((s, j))
            best_new.setdefault(j, []).append((s, i))
        chosen_old = {i: _clear(options) for i, options in best_old.items()}
        chosen_new = {j: _clear(options) for j, options in best_new.items()}
        found = [(i, j) for i, j in chosen_old.items() if j is not None and chosen_new.get(j) == i]
        if not found:
            break
        for i, j in found:
            pairs.append((i, j, candidates[(i, j)]))
        taken_old, taken_new = {i for i, _ in found}, {j for _, j in found}
        candidates = {k: s for k, s in candidates.items() if k[0] not in taken_old and k[1] not in taken_new}
    # What still has candidates is ambiguous: group by connected candidates.
    groups: list[_Group] = []
    remaining = dict(candidates)
    while remaining:
        (i0, j0), _ = min(remaining.items())
        olds, news = {i0}, {j0}
        grew = True
        while grew:
            grew = False
            for i, j in list(remaining):
                if (i in olds or j in news) and not (i in olds and j in news):
                    olds.add(i)
                    news.add(j)
                    grew = True
        members = sorted((i, j, s) for (i, j), s in remaining.items() if i in olds or j in news)
        groups.append((sorted(olds), sorted(news), members))
        remaining = {k: s for k, s in remaining.items() if k[0] not in olds and k[1] not in news}
    return _Pairing(sorted(pairs), groups)


# ---------------------------------------------------------------------------------------------
# Deadlines and targets


def _dated(deadline: Deadline | None) -> bool:
    return deadline is not None and deadline.due is not None


def _same_deadline(a: Deadline | None, b: Deadline | None) -> bool:
    if a is None or b is None:
        return a is b
    if a.recurrence is not None or b.recurrence is not None:
        # A recurring deadline's window and due are its next occurrence after the edition's date,
        # and without a start in its phrase (毎年度末) it starts on that date: the same rule with
        # the same phrase in a later edition is the same deadline.
        if a.recurrence is None or b.recurrence is None or a.kind != b.kind:
            return False
        if a.recurrence.starts != b.recurrence.starts and _normalise(a.text) != _normalise(b.text):
            return False
        return replace(a.recurrence, starts=None) == replace(b.recurrence, starts=None)
    return (a.kind, a.window, a.due) == (b.kind, b.window, b.due)


def _quarter_index(day: date) -> int:
    """Fiscal quarters since year 0 (April-June is Q1); arithmetic, so any date has one."""
    fiscal_year = day.year if day.month >= 4 else day.year - 1
    return fiscal_year * 4 + ((day.month - 4) % 12) // 3


def _phrase(deadline: Deadline | None) -> str | None:
    if deadline is None:
        return None
    return deadline.text or str(deadline)


def _move(old: Deadline | None, new: Deadline | None) -> tuple[str, int | None, int | None] | None:
    """(direction, slip in days, slip in fiscal quarters) of a deadline that moved, or None."""
    if _same_deadline(old, new):
        return None
    if (old is not None and old.recurrence is not None) or (new is not None and new.recurrence is not None):
        return "rescheduled", None, None  # a rule changed, or a one-off became a rule: no order
    if old is not None and new is not None and old.due is not None and new.due is not None:
        if old.due == new.due:
            return "rescheduled", 0, 0
        days = (new.due - old.due).days
        return ("later" if days > 0 else "earlier"), days, _quarter_index(new.due) - _quarter_index(old.due)
    if (
        old is not None
        and new is not None
        and old.kind == new.kind == DeadlineKind.FROM
        and old.window is not None
        and new.window is not None
    ):
        # A start (令和4年度から) has no due date; the start moving is the slip.
        days = (new.window.start - old.window.start).days
        quarters = _quarter_index(new.window.start) - _quarter_index(old.window.start)
        return ("later" if days > 0 else "earlier" if days < 0 else "rescheduled"), days, quarters
    if _dated(old):
        return "undated", None, None
    if _dated(new):
        return "dated", None, None
    return "rescheduled", None, None


def _target_text(target: Target | None) -> str | None:
    if target is None:
        return None
    symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "change": "change"}[target.comparison]
    value = f"{target.value:+g}" if target.comparison == "change" else f"{target.value:g}"
    text = f"{symbol} {value}{target.unit or ''}"
    if target.by is not None:
        text += f" by {_phrase(target.by)}"
    return text


def _value_change(old: Target, new: Target) -> str | None:
    """weakened, strengthened or changed (no order between them); None when value, comparison,
    unit and baseline are the same."""
    if (old.comparison, old.value, old.unit, old.baseline) == (new.comparison, new.value, new.unit, new.baseline):
        return None
    comparable = (
        old.unit == new.unit
        and old.baseline == new.baseline
        and old.decreasing == new.decreasing
        and "=" not in (old.comparison, new.comparison)
        and (old.comparison == "change") == (new.comparison == "change")
        and old.value != new.value
    )
    if not comparable:
        return "changed"
    # A reduction asks more the lower its value goes (≤ 70, change -30%); an increase, the higher.
    asks_more = new.value < old.value if old.decreasing else new.value > old.value
    return "strengthened" if asks_more else "weakened"


# ---------------------------------------------------------------------------------------------
# Measures


def _strip_phrase(milestone: Milestone) -> str:
    text = milestone.text
    if milestone.deadline.text:
        text = text.replace(milestone.deadline.text, "")
    return _normalise(text)


def _milestone_score(a: Milestone, b: Milestone) -> float:
    """Text similarity without the deadline phrases (a moved deadline rewrites its phrase), with a
    tenth for the deadline phrases, so that of two alike texts the one due alike wins."""
    text = _ratio(_strip_phrase(a), _strip_phrase(b))
    phrase = _ratio(_normalise(a.deadline.text), _normalise(b.deadline.text))
    return round(0.9 * text + 0.1 * phrase, 4)


_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def _kpi_words(kpi: KPI) -> str:
    """A KPI's text without its brackets (where the target and its period are written), so that a
    changed target does not make the KPI look like another."""
    text = kpi.text
    while (shorter := _BRACKETED.sub("", text)) != text:
        text = shorter
    return _normalise(text) or _normalise(kpi.text)


def _kpi_score(a: KPI, b: KPI) -> float:
    """Similarity of the KPIs' texts without brackets, with a tenth for the whole texts."""
    return round(0.9 * _ratio(_kpi_words(a), _kpi_words(b)) + 0.1 * _ratio(_normalise(a.text), _normalise(b.text)), 4)


def _kpi_key(kpi: KPI) -> Hashable:
    return (kpi.kind, kpi.text, kpi.unset, kpi.target)


def _milestone_key(milestone: Milestone) -> Hashable:
    return (milestone.text, milestone.deadline.text, milestone.deadline.due, milestone.deadline.kind)


def _ambiguity(
    level: Literal["measure", "milestone", "kpi"],
    group: _Group,
    old_ids: Sequence[str],
    new_ids: Sequence[str],
) -> AmbiguousMatch:
    olds, news, members = group
    return AmbiguousMatch(
        level,
        tuple(old_ids[i] for i in olds),
        tuple(new_ids[j] for j in news),
        tuple(sorted((old_ids[i], new_ids[j], s) for i, j, s in members)),
    )


def _candidates_text(ambiguity: AmbiguousMatch) -> str:
    return "; ".join(f"{o} ~ {n} {s:.2f}" for o, n, s in ambiguity.candidates)


def _due(deadline: Deadline | None) -> date | None:
    return None if deadline is None else deadline.due


def _by(target: Target | None) -> Deadline | None:
    return None if target is None else target.by


_KPI_POSITIONS = 1_000_000  # a measure's KPIs are listed after its milestones


class _Changes:
    """The changes of one measure, collected in the order of the new edition's items."""

    def __init__(self, old: Measure, new: Measure) -> None:
        self.old, self.new = old, new
        self.head: list[PlanChange] = []
        self.placed: list[tuple[int, int, PlanChange]] = []
        self.tail: list[PlanChange] = []
        self.ambiguous: list[AmbiguousMatch] = []

    def change(self, kind: str, text: str, **fields: Any) -> PlanChange:
        return PlanChange(kind, measure_id=self.new.id, old_measure_id=self.old.id, text=text, **fields)  # type: ignore[arg-type]

    def at(self, position: int, kind: str, text: str, **fields: Any) -> None:
        """A change of the new edition's item at ``position`` (milestones from 0, KPIs after them)."""
        self.placed.append((position, len(self.placed), self.change(kind, text, **fields)))

    def ambiguity(self, level: Literal["milestone", "kpi"], group: _Group, olds: list[str], news: list[str]) -> None:
        found = _ambiguity(level, group, olds, news)
        self.ambiguous.append(found)
        self.head.append(
            self.change(
                f"{level} ambiguous",
                _candidates_text(found),
                old=", ".join(found.old_ids),
                new=", ".join(found.new_ids),
            )
        )

    def collected(self) -> tuple[PlanChange, ...]:
        return (*self.head, *(c for _, _, c in sorted(self.placed, key=lambda p: p[:2])), *self.tail)


def _moved(
    changes: _Changes, position: int, subject: str, text: str, old: Deadline | None, new: Deadline | None, **fields: Any
) -> None:
    move = _move(old, new)
    if move is not None:
        direction, days, quarters = move
        changes.at(
            position,
            f"{subject} {direction}",
            text,
            old=_phrase(old),
            new=_phrase(new),
            old_due=_due(old),
            new_due=_due(new),
            slip_days=days,
            slip_quarters=quarters,
            old_deadline=old,
            new_deadline=new,
            **fields,
        )


def _unpaired(count_old: int, count_new: int, paired: _Pairing) -> tuple[list[int], list[int]]:
    """Indexes on each side neither paired nor held as ambiguous."""
    used_old = {i for i, _, _ in paired.pairs} | {i for group in paired.ambiguous for i in group[0]}
    used_new = {j for _, j, _ in paired.pairs} | {j for group in paired.ambiguous for j in group[1]}
    return [i for i in range(count_old) if i not in used_old], [j for j in range(count_new) if j not in used_new]


def _diff_milestones(changes: _Changes, threshold: float) -> None:
    olds, news = changes.old.milestones, changes.new.milestones
    paired = _pair(olds, news, _milestone_score, threshold=threshold, identical=_milestone_key)
    for group in paired.ambiguous:
        changes.ambiguity("milestone", group, [m.id for m in olds], [m.id for m in news])
    for i, j, s in paired.pairs:
        a, b = olds[i], news[j]
        ids = {"item_id": b.id, "old_item_id": a.id, "score": s}
        _moved(changes, j, "milestone", b.text, a.deadline, b.deadline, **ids)
        if _strip_phrase(a) != _strip_phrase(b):
            changes.at(j, "milestone reworded", b.text, old=a.text, new=b.text, **ids)
    gone, fresh = _unpaired(len(olds), len(news), paired)
    for j in fresh:
        b = news[j]
        changes.at(
            j,
            "milestone added",
            b.text,
            item_id=b.id,
            new=_phrase(b.deadline),
            new_due=b.deadline.due,
            new_deadline=b.deadline,
        )
    for i in gone:
        a = olds[i]
        changes.tail.append(
            changes.change(
                "milestone removed",
                a.text,
                old_item_id=a.id,
                old=_phrase(a.deadline),
                old_due=a.deadline.due,
                old_deadline=a.deadline,
            )
        )


def _diff_kpis(changes: _Changes, threshold: float) -> None:
    olds, news = changes.old.kpis, changes.new.kpis
    paired = _pair(
        olds, news, _kpi_score, threshold=threshold, identical=_kpi_key, compatible=lambda a, b: a.kind == b.kind
    )
    for group in paired.ambiguous:
        changes.ambiguity("kpi", group, [k.id for k in olds], [k.id for k in news])
    for i, j, s in paired.pairs:
        a, b = olds[i], news[j]
        at = _KPI_POSITIONS + j
        ids = {"item_id": b.id, "old_item_id": a.id, "score": s}
        if a.text != b.text:
            changes.at(at, "kpi reworded", b.text, old=a.text, new=b.text, **ids)
        targets = {"old_target": a.target, "new_target": b.target, **ids}
        if a.target is None and b.target is not None:
            changes.at(
                at,
                "kpi set",
                b.text,
                old="未設定" if a.unset else None,
                new=_target_text(b.target),
                new_due=_due(b.target.by),
                new_deadline=b.target.by,
                **targets,
            )
        elif a.target is not None and b.target is None:
            changes.at(
                at,
                "kpi unset",
                b.text,
                old=_target_text(a.target),
                new="未設定" if b.unset else None,
                old_due=_due(a.target.by),
                old_deadline=a.target.by,
                **targets,
            )
        elif a.target is not None and b.target is not None:
            value = _value_change(a.target, b.target)
            if value is not None:
                changes.at(
                    at, f"target {value}", b.text, old=_target_text(a.target), new=_target_text(b.target), **targets
                )
            _moved(changes, at, "target", b.text, a.target.by, b.target.by, **targets)
    gone, fresh = _unpaired(len(olds), len(news), paired)
    for j in fresh:
        b = news[j]
        changes.at(
            _KPI_POSITIONS + j,
            "kpi added",
            b.text,
            item_id=b.id,
            new=_target_text(b.target),
            new_target=b.target,
            new_due=_due(_by(b.target)),
            new_deadline=_by(b.target),
        )
    for i in gone:
        a = olds[i]
        changes.tail.append(
            changes.change(
                "kpi removed",
                a.text,
                old_item_id=a.id,
                old=_target_text(a.target),
                old_target=a.target,
                old_due=_due(_by(a.target)),
                old_deadline=_by(a.target),
            )
        )


def _diff_measure(
    old: Measure, new: Measure, method: Literal["id", "title"], score: float, threshold: float
) -> MeasureDiff:
    changes = _Changes(old, new)
    if method == "title":
        changes.head.append(changes.change("measure renumbered", new.title, old=old.id, new=new.id, score=score))
    if old.title != new.title:
        changes.head.append(changes.change("measure retitled", new.title, old=old.title, new=new.title, score=score))
    if old.section != new.section:
        changes.head.append(changes.change("measure resectioned", new.title, old=old.section, new=new.section))
    _diff_milestones(changes, threshold)
    _diff_kpis(changes, threshold)
    return MeasureDiff(old, new, method, score, changes.collected(), tuple(changes.ambiguous))


def diff_plans(old: PlanData, new: PlanData, *, threshold: float = THRESHOLD) -> PlanDiff:
    """What changed from the ``old`` edition of a plan to the ``new`` one.

    Measures with the same title (normalised) are the same measure, whatever their ids; the
    others are paired by the similarity of their titles (:func:`similarity`, at least
    :data:`THRESHOLD`, each the other's clear best); what is left with the same id on both sides
    is the same measure retitled (its low score shown, for a person to check). Within a measure,
    milestones are paired by their text without the deadline phrase (and, a tenth of the score,
    by the phrase), KPIs of the same kind by their text without brackets (and, a tenth, with).
    Where a measure, milestone or KPI has two candidates that score
    within :data:`EPSILON` of each other, none is paired: the candidates are reported as an
    :class:`AmbiguousMatch` (and a ``... ambiguous`` change), neither added nor removed.

    ``threshold`` (above 0, at most 1) replaces :data:`THRESHOLD` for measures, milestones and
    KPIs alike: higher pairs fewer reworded items (they become removed and added), lower risks
    pairing different ones.

    ``diff_plans(b, a)`` is the mirror of ``diff_plans(a, b)``: added and removed swap, slips
    change sign, a weakened target is a strengthened one.

    Not compared: descriptions, tags, notes, observations and ``done_on`` (progress, not plan).

    >>> import dgplan
    >>> old = dgplan.load_plan()
    >>> dgplan.diff_plans(old, old).changes
    ()
    """
    old_measures, new_measures = old.measures, new.measures
    # Each title normalised once, not once per pair it is scored in.
    titles = {id(m): _normalise(m.title) for m in (*old_measures, *new_measures)}
    ratios = _Ratios(threshold)

    def score(a: Measure, b: Measure) -> float:
        return _ratio(titles[id(a)], titles[id(b)])

    def candidate(a: Measure, b: Measure) -> float:
        return ratios(titles[id(a)], titles[id(b)])

    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be above 0 and at most 1, not {threshold!r}")
    paired = _pair(
        old_measures,
        new_measures,
        candidate,
        threshold=threshold,
        identical=lambda m: titles[id(m)],
        shortlist=lambda: ratios.shortlist(
            [titles[id(m)] for m in old_measures], [titles[id(m)] for m in new_measures]
        ),
    )
    matched_old = {i for i, _, _ in paired.pairs}
    matched_new = {j for _, j, _ in paired.pairs}
    held_old = {i for group in paired.ambiguous for i in group[0]}
    held_new = {j for group in paired.ambiguous for j in group[1]}
    # What is left with the same id on both sides is the same measure with a rewritten title.
    left_new = {new_measures[j].id: j for j in range(len(new_measures)) if j not in matched_new | held_new}
    pairs = list(paired.pairs)
    for i in range(len(old_measures)):
        if i in matched_old or i in held_old:
            continue
        j_same = left_new.get(old_measures[i].id)
        if j_same is not None:
            pairs.append((i, j_same, score(old_measures[i], new_measures[j_same])))
            matched_old.add(i)
            matched_new.add(j_same)
    matched = []
    for i, j, s in sorted(pairs, key=lambda p: p[1]):
        a, b = old_measures[i], new_measures[j]
        matched.append(_diff_measure(a, b, "id" if a.id == b.id else "title", s, threshold))
    ambiguous = [
        _ambiguity("measure", group, [m.id for m in old_measures], [m.id for m in new_measures])
        for group in paired.ambiguous
    ]
    added = tuple(m for j, m in enumerate(new_measures) if j not in matched_new and j not in held_new)
    removed = tuple(m for i, m in enumerate(old_measures) if i not in matched_old and i not in held_old)
    changes: list[PlanChange] = []
    for ambiguity in ambiguous:
        changes.append(
            PlanChange(
                "measure ambiguous",
                measure_id=None,
                old_measure_id=None,
                text=_candidates_text(ambiguity),
                old=", ".join(ambiguity.old_ids),
                new=", ".join(ambiguity.new_ids),
            )
        )
    # Plan order: the new edition's measures as they come, then those removed.
    by_new_id = {diff.new.id: diff.changes for diff in matched}
    by_new_id.update(
        (m.id, (PlanChange("measure added", measure_id=m.id, old_measure_id=None, text=m.title),)) for m in added
    )
    for measure in new_measures:
        changes += by_new_id.get(measure.id, ())
    changes += [PlanChange("measure removed", measure_id=None, old_measure_id=m.id, text=m.title) for m in removed]
    all_ambiguous = tuple(ambiguous) + tuple(a for diff in matched for a in diff.ambiguous)
    return PlanDiff(
        old_title=old.info.title,
        new_title=new.info.title,
        old_issued=old.info.issued,
        new_issued=new.info.issued,
        added=added,
        removed=removed,
        matched=tuple(matched),
        ambiguous=all_ambiguous,
        changes=tuple(changes),
        threshold=threshold,
    )
