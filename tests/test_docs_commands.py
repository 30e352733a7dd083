"""The console examples in docs/ run: every `$ dgplan ...` line, in a scratch folder, exits as documented."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_SOURCE = REPO.parent / "shared" / "sources" / "digital-priority-plan-2021.txt"


def console_commands() -> list[tuple[str, str, list[str]]]:
    """(page, command, the output the page shows under it) for every ``$ dgplan`` line."""
    commands: list[tuple[str, str, list[str]]] = []
    for page in sorted((REPO / "docs").glob("*.md")):
        for block in re.findall(r"```console\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.S):
            joined = re.sub(r"\\\n\s*", "", block)
            for line in joined.splitlines():
                if line.startswith("$ "):
                    commands.append((page.name, line[2:].strip(), []))
                elif commands and commands[-1][0] == page.name:
                    commands[-1][2].append(line)
    return [(page, command, shown) for page, command, shown in commands if command.startswith("dgplan")]


def matches(shown: list[str], printed: str) -> bool:
    """Whether the printed output is what the page shows: line by line (trailing spaces aside),
    where a line ``...`` stands for the rest of the output."""
    lines = [line.rstrip() for line in printed.splitlines()]
    wanted = [line.rstrip() for line in shown]
    if "..." in wanted:
        head = wanted[: wanted.index("...")]
        return lines[: len(head)] == head and len(lines) > len(head)
    return lines == wanted


COMMANDS = console_commands()


def test_the_docs_have_console_examples() -> None:
    assert len(COMMANDS) >= 12


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder like the one the examples assume: a plan, a progress log, and the plan's text."""
    import dgplan

    plan = dgplan.load_plan()
    dgplan.save_plan(plan, tmp_path / "my-plan.yaml")
    (tmp_path / "progress.csv").write_text(
        "id,date,value,done,note\n1-1/m1,2022-03-25,,true,改修完了\n", encoding="utf-8"
    )
    (tmp_path / "data").mkdir()
    # The folder of notices docs/documents.md scans.
    (tmp_path / "notices").mkdir()
    for name, text in NOTICES.items():
        (tmp_path / "notices" / name).write_text(text, encoding="utf-8")
    return tmp_path


NOTICES = {
    "2025-01-20-survey.txt": "事務連絡\n令和7年1月20日\n\n各都道府県担当課　御中\n\n"
    "１．調査票は令和7年2月28日までに提出してください。\n２．結果は本年度末までに公表する予定です。\n",
    "2025-02-03-briefing.txt": "令和7年2月3日\n\n説明会を3月10日に開催します。\n"
    "出席者は、開催の5日前までに登録してください。\n実績の報告は毎年度末までに行うこと。\n",
}


def test_matching_reads_elisions() -> None:
    assert matches(["a", "..."], "a\nb\n") and not matches(["a", "..."], "b\na\n")
    assert matches(["a  "], "a\n") and not matches(["a"], "a\nb\n")


@pytest.mark.parametrize(("page", "command", "shown"), COMMANDS, ids=[f"{p}: {c[:60]}" for p, c, _ in COMMANDS])
def test_console_example(page: str, command: str, shown: list[str], scratch: Path) -> None:
    if "../shared/" in command:
        if not SHARED_SOURCE.is_file():
            pytest.skip(f"the plan's source text is not at {SHARED_SOURCE} (../shared is absent)")
        shutil.copy(SHARED_SOURCE, scratch / SHARED_SOURCE.name)
        command = command.replace(f"../shared/sources/{SHARED_SOURCE.name}", SHARED_SOURCE.name)
    program = f"{shlex.quote(sys.executable)} -m dgplan"
    shell = re.sub(r"(^|\|\||&&|;)\s*dgplan\b", lambda m: f"{m.group(1)} {program}", command)
    result = subprocess.run(["bash", "-c", shell], cwd=scratch, capture_output=True, text=True, check=False)
    # --fail-if-overdue exits 1 when anything is overdue, as the example says; nothing else may.
    allowed = {0, 1} if "--fail-if-overdue" in command and "||" not in command else {0}
    assert result.returncode in allowed, f"{page}: {command}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    if shown:
        # What the page shows under the command is what it prints (its report goes to stderr
        # when its output goes to a file, as extract's does).
        printed = result.stdout if result.stdout.strip() else result.stderr
        assert matches(shown, printed), f"{page}: {command}\nshown:\n" + "\n".join(shown) + f"\nprinted:\n{printed}"
