"""dgplan pauses the cyclic collector around its own bulk work and leaves the objects a load made
where the collector's young passes do not walk them again (issue 28: a pass over the whole plan fell
inside the first question). Counts of objects and passes, never timings."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

import dgplan
from dgplan._collector import collector_paused

PLAN = """plan: {title: 例, issued: 2021-06-18}
measures:
"""


def plan_text(count: int) -> str:
    measures = [
        f'  - {{id: "1-{n}", section: I, title: 施策{n}, milestones: [{{text: 工程{n}, due: 令和4年度末まで}}],'
        f" kpis: [{{kind: progress, text: 件数{n}, target: {{value: 10, unit: 件, by: 毎年度末}},"
        f" observations: [{{date: 2022-03-31, value: {n % 20}}}]}}]}}"
        for n in range(1, count + 1)
    ]
    return PLAN + "\n".join(measures) + "\n"


@pytest.fixture
def collector_on() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.enable()
    yield
    if not enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_on")
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_load_leaves_no_young_objects_to_walk(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    text = plan_text(300)
    if suffix == ".json":
        import json

        import yaml

        text = json.dumps(yaml.safe_load(text), ensure_ascii=False, default=str)
    path.write_text(text, encoding="utf-8")
    plan = dgplan.load_plan(path)
    assert gc.isenabled()
    # Tens of thousands of objects were made with the collector paused; none is left in the young
    # generation, where the next pass (inside the first question) would walk every one of them.
    assert gc.get_count()[0] < gc.get_threshold()[0]
    assert len(plan.measures) == 300


@pytest.mark.usefixtures("collector_on")
def test_the_questions_run_no_pass_over_the_plan() -> None:
    plan = dgplan.parse_plan(plan_text(300))
    passes: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        plan.overdue(as_of=date(2023, 1, 15))
        plan.summary(as_of=date(2023, 1, 15))
        plan.kpi_status(as_of=date(2023, 1, 15))
        plan.milestones_frame(as_of=date(2023, 1, 15))
    finally:
        gc.callbacks.remove(count)
    assert 2 not in passes


def test_a_pause_restores_the_collector() -> None:
    enabled = gc.isenabled()
    try:
        gc.enable()
        with collector_paused():
            assert not gc.isenabled()
            with collector_paused(settle=True):
                assert not gc.isenabled()
            assert not gc.isenabled()  # an inner pause leaves it to the outer one
        assert gc.isenabled()
        gc.disable()
        with collector_paused(settle=True):
            pass
        assert not gc.isenabled()  # a program that turned it off keeps it off
    finally:
        (gc.enable if enabled else gc.disable)()


def test_a_load_never_unfreezes_what_the_program_froze() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        dgplan.parse_plan(plan_text(5))
        # (a few frozen objects may have been freed since, by reference counting; unfreezing empties it)
        assert gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()
