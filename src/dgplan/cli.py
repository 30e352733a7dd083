"""The ``dgplan`` command: a thin layer over the public API. The only place that reads the clock.

Exit codes: 0 success; 1 only where asked (``--fail-if-overdue``); 2 bad input or usage, with a
one-line message on stderr.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from functools import wraps
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

import click

# Each command imports what it uses, in its body: `dgplan --help` needs none of the parsers (nor
# dgplan.errors or pathlib), `dgplan convert` no plan model (pydantic, PyYAML), `dgplan due` on the
# bundled plan neither (it reads the plan's TrackedPlan from the cache), and none of them pandas.
if TYPE_CHECKING:
    from pathlib import Path

    from dgplan.plan import Plan
    from dgplan.queries import TrackedPlan

# Japan has kept UTC+9 without daylight saving since 1951, so a fixed offset is exact.
JST = timezone(timedelta(hours=9), "JST")

F = TypeVar("F", bound=Callable[..., Any])


def today_in_tokyo() -> date:
    """Today's date in Asia/Tokyo: the default ``--as-of``."""
    return datetime.now(JST).date()


def _fail(message: str) -> NoReturn:
    click.echo(f"dgplan: error: {message}", err=True)
    sys.exit(2)


def _handles_errors(command: F) -> F:
    """Library errors become one line on stderr and exit status 2, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dgplan.errors import DgplanError, PlanError

        try:
            return command(*args, **kwargs)
        except PlanError as error:
            # One line per problem, in file order, so `grep`/`wc -l` over stderr count them.
            problems = tuple(_library_message(p) for p in error.problems or (str(error),))
            for problem in problems[:-1]:
                click.echo(f"dgplan: error: {problem}", err=True)
            _fail(problems[-1])
        except DgplanError as error:
            _fail(_library_message(str(error).splitlines()[0]))
        except OSError as error:
            _fail(f"{error.filename or ''}: {error.strerror}".lstrip(": "))

    return wrapper  # type: ignore[return-value]


class _DateType(click.ParamType):  # type: ignore[type-arg]
    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        from dgplan.era import parse_date
        from dgplan.errors import DgplanError

        try:
            return parse_date(str(value))
        except DgplanError as error:
            self.fail(str(error), param, ctx)
        except (ValueError, OverflowError) as error:
            # A date the datetime module cannot hold (0000-01-01) is still just a bad date.
            self.fail(f"{value!r} is not a date: {error}", param, ctx)


class _FileType(click.Path):
    """A file name, as a :class:`pathlib.Path` (imported when a command is given one, not for --help)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False)

    def coerce_path_result(self, value: Any) -> Any:
        from pathlib import Path

        return Path(value)


DATE = _DateType()
_FILE = _FileType()


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a spreadsheet option in the context, for _load, without a parameter in every command."""
    ctx.meta[f"dgplan.{param.name}"] = value
    return value


_SHEETS = (".xlsx", ".xlsm", ".csv")


_issued = click.option(
    "--issued",
    type=DATE,
    expose_value=False,
    callback=_remember,
    help="For a spreadsheet plan without a 策定日 row: the plan's date (relative phrases use it).",
)
_lang = click.option(
    "--lang",
    type=click.Choice(["ja", "en"]),
    default="ja",
    show_default=True,
    help="The language of what people read (the report, the text tables); CSV and JSON do not change.",
)
_owner = click.option(
    "--owner",
    expose_value=False,
    callback=_remember,
    help="Only the items of this owner (担当: a ministry or division; a part of the plan's text matches).",
)
_encoding = click.option(
    "--encoding",
    expose_value=False,
    callback=_remember,
    help="For CSV plans and progress: their encoding (cp932 for Shift_JIS; default UTF-8).",
)


def _plan_options(command: F) -> F:
    options = [
        click.option(
            "--plan", "plan_path", type=_FILE, help="Plan file: YAML, .xlsx or .csv (default: the bundled 2021 plan)."
        ),
        _issued,
        _encoding,
        _owner,
        click.option("--progress", "progress_path", type=_FILE, help="Progress log (CSV, YAML or .xlsx) to merge."),
        click.option("--section", help="Only this section (I, II, ... or its number)."),
        click.option("--as-of", "as_of", type=DATE, help="Reference date, ISO or era (default: today in Tokyo)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _read_plan(plan_path: Path | None) -> Plan:
    """The plan: YAML or JSON, or a spreadsheet with the --issued and --encoding options."""
    from dgplan.plan_io import load_plan

    meta = click.get_current_context().meta
    issued, encoding = meta.get("dgplan.issued"), meta.get("dgplan.encoding")
    if plan_path is not None and plan_path.suffix.lower() in _SHEETS:
        return load_plan(plan_path, issued=issued, encoding=encoding if plan_path.suffix.lower() == ".csv" else None)
    if issued is not None:
        _fail("--issued is for spreadsheet plans (.xlsx, .csv); a YAML plan states its own date")
    return load_plan(plan_path)


def _read_progress(progress_path: Path, plan: Plan) -> Plan:
    from dgplan.plan_io import load_progress

    encoding = click.get_current_context().meta.get("dgplan.encoding")
    return load_progress(progress_path, plan, encoding=encoding if progress_path.suffix.lower() == ".csv" else None)


def _load(plan_path: Path | None, progress_path: Path | None, section: str | None) -> Plan:
    plan = _read_plan(plan_path)
    if progress_path is not None:
        plan = _read_progress(progress_path, plan)
    if section is not None:
        measures = tuple(plan.measures_in(section))
        if not measures:
            known = ", ".join(s.id for s in plan.sections) or "none"
            _fail(f"no measures in section {section!r} (sections: {known})")
        kept = {measure.section for measure in measures}
        sections = tuple(s for s in plan.sections if s.id in kept)
        plan = plan.model_copy(update={"measures": measures, "sections": sections})
    owner = click.get_current_context().meta.get("dgplan.owner")
    if owner is not None:
        plan = plan.owned_by(owner)
        if not plan.measures:
            _fail(f"--owner {owner!r}: no milestone or KPI of the plan names this owner (担当)")
    return plan


def _tracked(plan_path: Path | None, progress_path: Path | None, section: str | None) -> TrackedPlan:
    """What the due questions read of the plan: for the bundled plan alone, from the cache
    without the models (pydantic) when it holds it; else from the plan :func:`_load` reads."""
    from dgplan.queries import TrackedPlan

    meta = click.get_current_context().meta
    if plan_path is None and progress_path is None and section is None and meta.get("dgplan.issued") is None:
        from dgplan._bundled import cached_tracked_plan

        cached = cached_tracked_plan()
        if cached is not None:
            owner = meta.get("dgplan.owner")
            if owner is None:
                return cached
            owned = cached.owned_by(owner)
            if not owned.items:
                _fail(f"--owner {owner!r}: no milestone or KPI of the plan names this owner (担当)")
            return owned
    return TrackedPlan.of(_load(plan_path, progress_path, section))


def _emit(text: str, output: Path | None, *, verbose: bool = False, bom: bool = False) -> None:
    """Data to stdout or, atomically, to a file. Silent on success, as cron wants, unless -v."""
    if bom:
        # Excel opens UTF-8 CSV as Shift_JIS unless it starts with a byte order mark.
        text = "\ufeff" + text
    if output is None:
        click.echo(text, nl=False)
    else:
        from dgplan.plan_io import write_atomic

        write_atomic(output, text)
        if verbose:
            click.echo(f"wrote {output}", err=True)


_verbose = click.option("-v", "--verbose", is_flag=True, help="Say what was written (silent by default).")
_bom = click.option("--bom", is_flag=True, help="Start CSV with a byte order mark, for Excel.")
_raw_csv = click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV cells exactly as the plan has them, for programs: by default a cell starting with"
    " = + - @ (a spreadsheet formula) gets a leading apostrophe.",
)


def _not_over_inputs(output: Path | None, *inputs: Path | None) -> None:
    """Refuse ``-o`` naming a file the command reads: writing would replace the office's workbook
    (or plan, or progress log) with its own export."""
    if output is None:
        return
    import os

    for source in inputs:
        if source is None:
            continue
        try:
            same = os.path.samefile(output, source)
        except OSError:  # either does not exist (yet): compare the names they resolve to
            same = os.path.realpath(output) == os.path.realpath(source)
        if same:
            _fail(f"-o {output} is an input of this command ({source}); write to another file")


def _library_message(message: str) -> str:
    """Library messages name keyword arguments; on the command line the option is --reference."""
    return message.replace("pass reference=", "pass --reference DATE")


def _within_days(text: str, as_of: date) -> int:
    import re

    match = re.fullmatch(r"(?P<count>\d+)\s*(?P<unit>d|w|m|days?|weeks?|months?)", text.strip())
    if match is None:
        _fail(f"--within {text!r}: expected a number of days, weeks or months, such as 30d, 2w or 3m")
    room = (date.max - as_of).days
    count = int(match["count"]) if len(match["count"]) <= 9 else room + 1
    if match["unit"].startswith("m"):
        # Calendar months, as the plans count them: 3m from 2022-01-31 ends on 2022-04-30.
        from dateutil.relativedelta import relativedelta

        months_room = (9999 - as_of.year) * 12 + 12 - as_of.month
        end = as_of + relativedelta(months=count) if count <= months_room else date.max
        days = (end - as_of).days if count <= months_room else room + 1
    else:
        days = count * 7 if match["unit"].startswith("w") else count
    if days > room:
        _fail(f"--within {text!r}: reaches past 9999-12-31 from {as_of.isoformat()} (at most {room} days)")
    return days


class _Group(click.Group):
    """The command group, writing so that no terminal encoding can crash it."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        # Under PYTHONIOENCODING=latin-1 (or a C locale) Japanese text cannot be encoded;
        # escaping it beats a UnicodeEncodeError traceback in a cron mail.
        for stream in (sys.stdout, sys.stderr):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                with contextlib.suppress(OSError, ValueError):
                    reconfigure(errors="backslashreplace")
        kwargs["standalone_mode"] = False
        if sys.stdout is None:  # started with stdout closed (`>&-`): writing must fail, not vanish
            sys.stdout = _ClosedOutput()
        try:
            result = super().main(*args, **kwargs)
            _flush_output()
        except click.exceptions.NoArgsIsHelpError as error:
            # `dgplan` alone: the help, as click shows it, not an error message.
            click.echo(error.format_message(), err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            # click's usage errors take four lines; a cron mail wants one, like every other error,
            # ending with click's pointer to the help of the command that was mistyped.
            message = error.format_message()
            context = getattr(error, "ctx", None)
            if isinstance(error, click.UsageError) and context is not None and context.help_option_names:
                message += f" Try '{context.command_path} {context.help_option_names[0]}' for help."
            click.echo(f"dgplan: error: {message}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("dgplan: aborted", err=True)
            sys.exit(130)
        except OSError as error:  # --help or --version written to a closed stdout, or to a pipe gone
            _lost_output(error)
        # Outside standalone mode click returns the code of --help/--version exits.
        sys.exit(result if isinstance(result, int) else 0)


class _ClosedOutput(io.TextIOBase):
    """Standard output of a process started without one: every write fails, as on a closed file."""

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed; nothing was written")


def _flush_output() -> None:
    """Write out what is buffered: an output lost (stdout closed, a reader gone) is exit status 2,
    never a success that cron would report."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as error:
        _lost_output(error)


def _lost_output(error: OSError | ValueError) -> NoReturn:
    with contextlib.suppress(OSError, ValueError, AttributeError):
        # Python flushes stdout again on exit; the lost output is reported once, here.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    reason = getattr(error, "strerror", None) or str(error)
    _fail(f"the output could not be written to standard output: {reason}")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dgplan")
def main() -> None:
    """dgplan: deadlines and KPIs of Japanese public-sector plans.

    \b
    Examples:
      dgplan due --this-quarter
      dgplan due --overdue --as-of 令和4年4月1日 --format csv
      dgplan report --format html -o report.html
      dgplan diff plan-2021.yaml plan-2022.yaml
      dgplan convert 令和3年度末まで
    """


@main.command()
@_plan_options
@click.option("--overdue", is_flag=True, help="What is overdue on the as-of date.")
@click.option("--this-quarter", is_flag=True, help="Due in the fiscal quarter (default).")
@click.option("--within", "within", metavar="SPAN", help="Due from the as-of date to SPAN later (30d, 2w, 3m).")
@click.option(
    "--in", "period", metavar="PERIOD", help="Due in a period: 令和4年度上期, FY2022-Q1, 2022-04-01..2022-06-30."
)
@click.option("--between", nargs=2, type=DATE, metavar="START END", help="Due from START to END (inclusive).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "csv", "json", "ics"]),
    default="table",
    show_default=True,
)
@click.option("--fail-if-overdue", is_flag=True, help="Exit 1 when anything is overdue on the as-of date.")
@click.option(
    "--roll-closed-days",
    is_flag=True,
    help="Move a due date on a day government offices are closed to the next open day (off by default).",
)
@_lang
@_bom
@_raw_csv
@_handles_errors
def due(
    plan_path: Path | None,
    progress_path: Path | None,
    section: str | None,
    as_of: date | None,
    overdue: bool,
    this_quarter: bool,
    within: str | None,
    period: str | None,
    between: tuple[date, date] | None,
    fmt: str,
    fail_if_overdue: bool,
    roll_closed_days: bool,
    lang: str,
    bom: bool,
    raw_csv: bool,
) -> None:
    """Milestones and KPI targets falling due.

    \b
    Examples:
      dgplan due --this-quarter
      dgplan due --overdue --fail-if-overdue
      dgplan due --in 令和4年度上期 --format json
      dgplan due --between 2022-04-01 2022-09-30 --format ics > deadlines.ics
      dgplan due --overdue --roll-closed-days
    """
    roll: Literal["none", "following"] = "following" if roll_closed_days else "none"
    given = {
        "--overdue": overdue,
        "--this-quarter": this_quarter,
        "--within": within is not None,
        "--in": period is not None,
        "--between": between is not None,
    }
    chosen = [name for name, on in given.items() if on]
    if len(chosen) > 1:
        _fail(f"{' and '.join(chosen)} exclude each other: choose one of {', '.join(given)}")
    as_of = as_of or today_in_tokyo()
    plan = _tracked(plan_path, progress_path, section)
    from dgplan.labels import check_lang, label

    language = check_lang(lang)
    ja = language == "ja"
    if overdue:
        items = plan.overdue(as_of=as_of, roll=roll)
        question = label("overdue heading", language)
    elif within is not None:
        days = _within_days(within, as_of)
        items = plan.upcoming(as_of=as_of, days=days, roll=roll)
        question = f"{days}日以内に期限を迎えるもの" if ja else f"Due within {days} days"
    elif period is not None:
        items = plan.due_in(period, as_of=as_of, roll=roll)
        question = f"{period}に期限を迎えるもの" if ja else f"Due in {period}"
    elif between:
        items = plan.due_between(between[0], between[1], as_of=as_of, roll=roll)
        first, last = between[0].isoformat(), between[1].isoformat()
        question = f"{first}〜{last}に期限を迎えるもの" if ja else f"Due from {first} to {last}"
    else:
        items = plan.due_this_quarter(as_of=as_of, roll=roll)
        question = label("due this quarter", language)
    from dgplan.report import render_due

    text = render_due(
        items,
        fmt,
        as_of=as_of,
        plan=plan,
        lang=language,
        question=question,
        raw_csv=raw_csv,
        rolled_note=roll_closed_days,
    )
    if fmt == "table":
        # Red on a terminal; click.echo drops the colour codes when stdout is a pipe or a file.
        # The colour follows each row's status, never its text: the table's lines after its
        # header and rule are its rows, in order (render_due keeps each row on one line).
        lines = text.splitlines(True)
        for index, item in enumerate(items, start=2):
            if item.overdue and index < len(lines):
                lines[index] = click.style(lines[index].rstrip("\n"), fg="red") + "\n"
        text = "".join(lines)
    _emit(text, None, bom=bom and fmt == "csv")
    if fail_if_overdue and plan.overdue(as_of=as_of, roll=roll):
        sys.exit(1)


@main.command(short_help="KPI status: latest value, target, grade.")
@_plan_options
@click.option("--off-track", is_flag=True, help="Only KPIs graded B (behind their trajectory).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "markdown", "csv", "json"]), default="table", show_default=True
)
@_lang
@_bom
@_raw_csv
@_handles_errors
def kpi(
    plan_path: Path | None,
    progress_path: Path | None,
    section: str | None,
    as_of: date | None,
    off_track: bool,
    fmt: str,
    lang: str,
    bom: bool,
    raw_csv: bool,
) -> None:
    """KPI status: latest value, target, attainment, the target's status, and grade.

    \b
    Grades:
      A            on track
      B            behind (or its target missed)
      N            no observation yet
      F            the measure itself, done or not done
      no target    a metric with no target
      no baseline  a change target whose baseline value is unknown
      unset        no KPI set yet (未設定)

    \b
    Examples:
      dgplan kpi --progress progress.csv
      dgplan kpi --off-track --format csv
    """
    as_of = as_of or today_in_tokyo()
    plan = _load(plan_path, progress_path, section)
    statuses = [s for s in plan.kpi_status(as_of=as_of) if s.on_track is False or not off_track]
    from dgplan.report import render_kpis

    _emit(render_kpis(statuses, fmt, as_of=as_of, lang=lang, raw_csv=raw_csv), None, bom=bom and fmt == "csv")


@main.command(short_help="A status report, in Markdown or HTML.")
@_plan_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    help="markdown or html (default: from -o's extension, .html/.htm or .md; else markdown).",
)
@click.option("-o", "--output", type=_FILE, help="Write to this file (atomically) instead of stdout.")
@click.option("--compare", "compare_path", type=_FILE, help="An earlier edition (plan YAML): add what changed since.")
@click.option(
    "--roll-closed-days",
    is_flag=True,
    help="Move a due date on a day government offices are closed to the next open day (off by default).",
)
@_lang
@_verbose
@_handles_errors
def report(
    plan_path: Path | None,
    progress_path: Path | None,
    section: str | None,
    as_of: date | None,
    fmt: str | None,
    output: Path | None,
    compare_path: Path | None,
    roll_closed_days: bool,
    lang: str,
    verbose: bool,
) -> None:
    """A status report: summary, overdue, due this quarter, KPIs off track (HTML adds a timeline chart).

    \b
    Examples:
      dgplan report
      dgplan report --format html -o status.html
      dgplan report --plan plan-2022.yaml --compare plan-2021.yaml --format html -o status.html
    """
    _not_over_inputs(output, plan_path, progress_path, compare_path)
    fmt = _report_format(fmt, output)
    as_of = as_of or today_in_tokyo()
    plan = _load(plan_path, progress_path, section)
    compare = None
    if compare_path is not None:
        from dgplan.diff import diff_plans
        from dgplan.plan_io import load_plan

        earlier = load_plan(compare_path)
        if section is not None:
            earlier = earlier.model_copy(update={"measures": tuple(earlier.measures_in(section))})
        compare = diff_plans(earlier, plan)
    from dgplan.report import render_report

    roll: Literal["none", "following"] = "following" if roll_closed_days else "none"
    _emit(render_report(plan, as_of, fmt=fmt, compare=compare, lang=lang, roll=roll), output, verbose=verbose)


_REPORT_SUFFIXES = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}


def _report_format(fmt: str | None, output: Path | None) -> str:
    """The report's format: as given, else from the output file's extension; a contradiction
    (``--format markdown -o status.html``) is refused rather than written."""
    implied = None if output is None else _REPORT_SUFFIXES.get(output.suffix.lower())
    if fmt is not None and implied is not None and fmt != implied:
        _fail(f"--format {fmt} contradicts -o {str(output)!r}, a {implied} file name: drop one or make them agree")
    return fmt or implied or "markdown"


def _load_editions(old_path: Path, new_path: Path) -> tuple[Plan, Plan]:
    """Both files, or every problem of both at once."""
    from dgplan.errors import PlanError
    from dgplan.plan_io import load_plan

    plans: list[Plan] = []
    problems: list[str] = []
    for path in (old_path, new_path):
        try:
            plans.append(load_plan(path))
        except PlanError as error:
            problems += error.problems
    if problems:
        raise PlanError(problems[0], problems=tuple(problems))
    return plans[0], plans[1]


@main.command(short_help="What changed between two editions of a plan.")
@click.argument("old_path", metavar="OLD", type=_FILE)
@click.argument("new_path", metavar="NEW", type=_FILE)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "csv", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    help="Title (and text) similarity that pairs renumbered measures, milestones and KPIs"
    " (default: the library's, dgplan.diff.THRESHOLD).",
)
@click.option("-o", "--output", type=_FILE, help="Write to this file (atomically) instead of stdout.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the editions differ, 0 when they do not (as git diff).")
@_bom
@_raw_csv
@_verbose
@_handles_errors
def diff(
    old_path: Path,
    new_path: Path,
    fmt: str,
    threshold: float | None,
    output: Path | None,
    exit_code: bool,
    bom: bool,
    raw_csv: bool,
    verbose: bool,
) -> None:
    """What changed from edition OLD of a plan to edition NEW: measures added, removed and paired
    (by id, or by title when renumbered, with the score), deadlines moved, KPI targets changed.

    \b
    Examples:
      dgplan diff plan-2021.yaml plan-2022.yaml
      dgplan diff plan-2021.yaml plan-2022.yaml --format csv --bom -o changes.csv
      dgplan diff plan-2021.yaml plan-2022.yaml --format json
      dgplan diff plan-2021.yaml plan-2022.yaml --exit-code > /dev/null || echo changed
    """
    _not_over_inputs(output, old_path, new_path)
    old, new = _load_editions(old_path, new_path)
    from dgplan.diff import THRESHOLD, diff_plans
    from dgplan.report import render_diff

    changes = diff_plans(old, new, threshold=THRESHOLD if threshold is None else threshold)
    _emit(render_diff(changes, fmt, raw_csv=raw_csv), output, verbose=verbose, bom=bom and fmt == "csv")
    if exit_code and changes:
        sys.exit(1)


@main.command(short_help="Every due date as a calendar (.ics), CSV, JSON or a workbook.")
@_plan_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ics", "csv", "json", "xlsx"]),
    default="ics",
    show_default=True,
    help="xlsx: the whole plan as a workbook to fill in (milestones, KPIs); needs -o.",
)
@click.option("--from", "start", type=DATE, help="First day to export (default: the plan's date).")
@click.option("--until", "end", type=DATE, help="Last day to export (default: ten years after the first).")
@click.option("-o", "--output", type=_FILE, help="Write to this file (atomically) instead of stdout.")
@_lang
@_bom
@_raw_csv
@_verbose
@_handles_errors
def export(
    plan_path: Path | None,
    progress_path: Path | None,
    section: str | None,
    as_of: date | None,
    fmt: str,
    start: date | None,
    end: date | None,
    output: Path | None,
    lang: str,
    bom: bool,
    raw_csv: bool,
    verbose: bool,
) -> None:
    """Every due date as a calendar (RFC 5545), CSV or JSON, one entry per due date; or the plan
    as an Excel workbook to fill in and pass back with --progress (--format xlsx).

    \b
    Examples:
      dgplan export -o deadlines.ics
      dgplan export --format csv --from 2022-04-01 --until 2023-03-31
      dgplan export --format xlsx -o 工程表.xlsx
    """
    if fmt == "xlsx" and output is None:
        _fail("--format xlsx writes a workbook: give the file with -o FILE.xlsx")
    _not_over_inputs(output, plan_path, progress_path)
    from dateutil.relativedelta import relativedelta

    plan = _load(plan_path, progress_path, section)
    if fmt == "xlsx":
        if start is not None or end is not None:
            _fail("--from and --until select due dates for ics, csv and json; --format xlsx writes the whole plan")
        from dgplan import save_excel

        if output is None:  # refused before the plan was read; said again for the type checker
            _fail("--format xlsx writes a workbook: give the file with -o FILE.xlsx")
        save_excel(plan, output, as_of=as_of or today_in_tokyo(), lang=lang)
        if verbose:
            click.echo(f"wrote {output}", err=True)
        return
    first = start or plan.issued
    # relativedelta, not replace(): ten years after 29 February is 28 February.
    last = end or (first + relativedelta(years=10) if first.year <= date.max.year - 10 else date.max)
    items = plan.due_between(first, last, as_of=as_of or today_in_tokyo())
    from dgplan.report import render_due

    text = render_due(items, fmt, as_of=as_of or today_in_tokyo(), plan=plan, raw_csv=raw_csv)
    _emit(text, output, verbose=verbose, bom=bom and fmt == "csv")


@main.command(short_help="Era dates, periods and deadline phrases to ISO.")
@click.argument("texts", nargs=-1, required=True)
@click.option("--to-wareki", is_flag=True, help="Convert ISO dates to era dates instead.")
@click.option("--reference", type=DATE, help="Document date for relative words (本年度, 来年度).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_handles_errors
def convert(texts: tuple[str, ...], to_wareki: bool, reference: date | None, fmt: str) -> None:
    """Era date, fiscal period or deadline phrase in; ISO date, interval or deadline out.

    \b
    Examples:
      dgplan convert 令和3年4月1日 R3.4.1
      dgplan convert 令和3年度末まで 令和4年夏
      dgplan convert --to-wareki 2021-04-01
    """
    from dgplan.errors import DgplanError

    rows: list[dict[str, Any]] = []
    failures = 0
    for text in texts:
        try:
            rows.append(_convert_one(text, to_wareki, reference))
        except (DgplanError, ValueError, OverflowError) as error:
            failures += 1
            message = _library_message(str(error).splitlines()[0])
            if repr(text) not in message:
                message = f"{text!r}: {message}"
            click.echo(f"dgplan: error: {message}", err=True)
    if fmt == "json":
        import json

        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        from dgplan._escape import terminal_text

        for row in rows:
            details = "  ".join(f"{k}={v}" for k, v in row.items() if k != "input" and v not in (None, ""))
            click.echo(f"{terminal_text(row['input'])}\t{details}")
    if failures:
        sys.exit(2)


def _convert_one(text: str, to_wareki: bool, reference: date | None) -> dict[str, Any]:
    from dgplan.era import format_wareki, parse_date
    from dgplan.errors import DgplanError
    from dgplan.fiscal import parse_period_detail

    if to_wareki:
        day = parse_date(text)
        return {"input": text, "type": "date", "wareki": format_wareki(day), "iso": day.isoformat()}
    try:
        return {"input": text, "type": "date", "iso": parse_date(text).isoformat()}
    except DgplanError:
        pass
    except (ValueError, OverflowError) as error:
        # Read as a date, but one the calendar cannot hold (0000-01-01): say that, not "no deadline".
        raise DgplanError(f"{text!r} is not a date: {error}", text=text) from None
    try:
        period = parse_period_detail(text, reference=reference)
        return {
            "input": text,
            "type": "period",
            "start": period.interval.start.isoformat(),
            "end": period.interval.end.isoformat(),
            "unit": period.unit,
            "approximate": period.approximate,
        }
    except DgplanError:
        pass
    from dgplan.deadline import parse_deadline  # the largest grammar: only when it is needed

    deadline = parse_deadline(text, reference=reference)
    window = deadline.window
    return {
        "input": text,
        "type": "deadline",
        "kind": deadline.kind.value,
        "start": None if window is None else window.start.isoformat(),
        "end": None if window is None or window.end == date.max else window.end.isoformat(),
        "due": None if deadline.due is None else deadline.due.isoformat(),
        "rule": deadline.rule,
        "approximate": deadline.approximate,
    }


@main.command(short_help="Check a plan file or a progress log.")
@click.argument("file", type=_FILE, required=False)
@click.option("--plan", "plan_path", type=_FILE, help="For a progress log: the plan it belongs to (default: bundled).")
@_issued
@_encoding
@_handles_errors
def validate(file: Path | None, plan_path: Path | None) -> None:
    """Check a plan file, or a progress log (.csv, or YAML rows), and list every problem with file:line.

    With no FILE, checks the bundled plan. Exit 0 when valid, 2 with one line per problem when not.

    \b
    Examples:
      dgplan validate
      dgplan validate my-plan.yaml
      dgplan validate progress.csv --plan my-plan.yaml
      dgplan validate 工程表.xlsx --issued 令和5年6月9日
    """
    from dgplan.errors import DgplanError
    from dgplan.plan_io import is_progress_log

    if file is None:
        plan = _read_plan(plan_path)
        click.echo(f"{plan_path or 'bundled plan'}: ok ({_counts(plan)})")
        return
    if plan_path is not None or is_progress_log(file):
        against = str(plan_path) if plan_path is not None else "the bundled plan (--plan FILE for another)"
        try:
            plan = _read_progress(file, _read_plan(plan_path))
        except DgplanError:
            # Unknown ids may only mean the log belongs to another plan: say which one was used.
            click.echo(f"dgplan: {file} was checked against {against}", err=True)
            raise
        click.echo(f"{file}: ok (progress log for {len(plan.measures)} measures, checked against {against})")
        return
    plan = _read_plan(file)
    click.echo(f"{file}: ok ({_counts(plan)})")


def _counts(plan: Plan) -> str:
    milestones = sum(len(m.milestones) for m in plan.measures)
    kpis = sum(len(m.kpis) for m in plan.measures)
    return f"{len(plan.sections)} sections, {len(plan.measures)} measures, {milestones} milestones, {kpis} KPIs"


@main.command(short_help="The JSON Schema of plan files.")
@click.option("-o", "--output", type=_FILE, help="Write to this file (atomically) instead of stdout.")
@_verbose
@_handles_errors
def schema(output: Path | None, verbose: bool) -> None:
    """The JSON Schema of plan files, for editors (yaml-language-server) and CI checks.

    \b
    Examples:
      dgplan schema -o plan.schema.json
    """
    import json

    from dgplan.plan_io import plan_schema

    _emit(json.dumps(plan_schema(), ensure_ascii=False, indent=2) + "\n", output, verbose=verbose)


_EXTRACT_DOCUMENTS = (".pdf", ".docx", ".html", ".htm")


@main.command(short_help="Read a plan's 施策集 (its PDF, .docx, .html or text) into plan YAML.")
@click.argument("text_file", type=_FILE)
@click.option("-o", "--output", type=_FILE, help="Write the plan YAML here (atomically) instead of stdout.")
@click.option("--title", required=True, help="The plan's title.")
@click.option("--issued", type=DATE, required=True, help="The plan's date, ISO or era (relative phrases use it).")
@click.option("--source", help="Where the text comes from (kept in the YAML).")
@click.option("--strict", is_flag=True, help="Fail (exit 2) if any phrase is left unresolved.")
@_verbose
@_handles_errors
def extract(
    text_file: Path, output: Path | None, title: str, issued: date, source: str | None, strict: bool, verbose: bool
) -> None:
    """Extract the 施策集 (Part 3) of a plan into plan YAML; a report goes to stderr. TEXT_FILE is
    the plan's PDF, .docx or .html, read with dgplan's document reader, or its text (UTF-8).

    \b
    Examples:
      dgplan extract plan-2021.pdf --title デジタル社会の実現に向けた重点計画 --issued 令和3年6月18日 -o measures.yaml
      dgplan extract plan-2021.txt --title デジタル社会の実現に向けた重点計画 --issued 令和3年6月18日 -o measures.yaml
      dgplan extract plan-2022.txt --title … --issued 2022-06-07 --strict -o plan-2022.yaml
    """
    _not_over_inputs(output, text_file)
    from dgplan.extract import extract_plan
    from dgplan.plan_io import dump_plan

    if text_file.suffix.lower() in _EXTRACT_DOCUMENTS:
        from dgplan.documents import read_document

        # The plan's own PDF (or Word file, or web page), read as the text its layout gives.
        text = read_document(text_file).text
    else:
        try:
            text = text_file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            _fail(f"{text_file}: not UTF-8 text")
    plan, extract_report = extract_plan(text, title=title, issued=issued, source=source)
    from dgplan._escape import terminal_text

    for line in extract_report.lines():
        click.echo(terminal_text(line), err=True)
    if strict and extract_report.unresolved:
        _fail(f"{len(extract_report.unresolved)} phrases left unresolved (--strict)")
    _emit(dump_plan(plan), output, verbose=verbose)


_SCAN_SUFFIXES = {".ics": "ics", ".csv": "csv", ".json": "json", ".md": "markdown", ".markdown": "markdown"}


@main.command(short_help="Every deadline in documents: PDF, Word, web pages, text.")
@click.argument("paths", metavar="FILE...", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "markdown", "csv", "json", "ics"]),
    help="Default: from -o's extension (.ics, .csv, .json, .md), else table.",
)
@click.option("--from", "first", type=DATE, help="Only what is due on or after this day.")
@click.option("--to", "last", type=DATE, help="Only what is due on or before this day.")
@click.option("--citations", is_flag=True, help="List the dates cited (law numbers, past decisions) apart.")
@click.option("--undated", is_flag=True, help="List undated markers (速やかに, 順次) too (never in a calendar).")
@click.option(
    "--reference",
    type=DATE,
    help="Date for relative words (本年度) and yearless months (default: the date each document states).",
)
@click.option("--encoding", help="For text files: their encoding (cp932 for Shift_JIS; default: detected).")
@click.option("-o", "--output", type=_FILE, help="Write to this file (atomically) instead of stdout.")
@_bom
@_raw_csv
@_verbose
@_handles_errors
def scan(
    paths: tuple[str, ...],
    fmt: str | None,
    first: date | None,
    last: date | None,
    citations: bool,
    undated: bool,
    reference: date | None,
    encoding: str | None,
    output: Path | None,
    bom: bool,
    raw_csv: bool,
    verbose: bool,
) -> None:
    """Every deadline in FILE... (PDF, .docx, .html, .txt, .md) with file:page:line, the phrase,
    its kind, window and due date, and the clause it governs. A folder stands for every document
    in it and its subfolders, in name order; many files (a folder of notices) make one list, or
    one calendar feed (--format ics: one event per due date, titled with the clause).

    Relative words (本年度) and months without a year are read against --reference, else the date
    each document states at its head, else skipped; every output says which date it used.

    \b
    Examples:
      dgplan scan 通知.pdf
      dgplan scan notices/ -o deadlines.ics
      dgplan scan 公告.docx --format csv --bom -o 期限.csv
      dgplan scan notices/ --from 2025-04-01 --to 2026-03-31 --citations
    """
    import os
    from pathlib import Path

    from dgplan.errors import DgplanError
    from dgplan.scan import DOCUMENT_SUFFIXES, documents_under, scan_document
    from dgplan.scan_render import render_scan

    implied = None if output is None else _SCAN_SUFFIXES.get(output.suffix.lower())
    if fmt is not None and implied is not None and fmt != implied:
        _fail(f"--format {fmt} contradicts -o {str(output)!r}, a {implied} file name: drop one or make them agree")
    fmt = fmt or implied or "table"
    if first is not None and last is not None and first > last:
        _fail(f"--from {first.isoformat()} is after --to {last.isoformat()}")
    if fmt == "ics" and (citations or undated):
        _fail("a calendar holds deadlines with a due date: --citations and --undated are for the other formats")
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = documents_under(path, skip=() if output is None else (str(output),))
            if not found:
                _fail(f"{path}: no documents in this folder ({', '.join(DOCUMENT_SUFFIXES)})")
            files += found
        else:
            files.append(path)
    # A file named and also in a folder named (or named twice) is scanned once: its events would
    # otherwise come twice into a calendar.
    once: dict[str, str] = {}
    for name in files:
        once.setdefault(os.path.realpath(name), name)
    files = list(once.values())
    _not_over_inputs(output, *(Path(name) for name in files))
    scans = []
    problems = []
    # Every file is read before anything is written: one that cannot be read is an error (exit 2)
    # with every such file named, never a calendar that silently lacks its deadlines.
    for name in files:
        try:
            scans.append(
                scan_document(name, reference=reference, citations=citations, undated=undated, encoding=encoding)
            )
        except DgplanError as error:
            problems.append(_library_message(str(error).splitlines()[0]))
        except OSError as error:
            problems.append(f"{error.filename or name}: {error.strerror}")
    if problems:
        from dgplan._escape import terminal_text

        for problem in problems[:-1]:
            click.echo(f"dgplan: error: {terminal_text(problem)}", err=True)
        _fail(terminal_text(problems[-1]))
    if verbose:
        for done in scans:
            click.echo(f"{done.file}: {done.reference_text}; {len(done.deadlines)} deadlines", err=True)
    text = render_scan(scans, fmt, first=first, last=last, raw_csv=raw_csv)
    _emit(text, output, verbose=verbose, bom=bom and fmt == "csv")
