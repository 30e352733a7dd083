"""Write a synthetic plan in dgplan's own file format, for the loading benchmarks.

Each measure has one milestone with a deadline phrase and two KPIs, each with a target (value,
unit, deadline phrase) and three observations. The phrases are the bundled plan's own (about a
hundred distinct ones), cycled: real plans repeat the same few phrases too.

Measure ids are ``S-N`` with S = 0..99 and N = 0..999, so that up to 100,000 measures keep the
id shape every dgplan version reads (``\\d{1,2}-\\d{1,3}``); ``--ids municipal`` writes ids such as
``A-1-2`` instead. Run: python benchmarks/make_plan.py 20000 /tmp/plan-20k.yaml [--json]
"""

from __future__ import annotations

import argparse
import json
from importlib import resources
from typing import Any

import yaml

SECTIONS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")
DATES = ("2021-09-30", "令和4年3月31日", "2022-09-30", "2023-03-31", "令和5年9月30日", "2024-03-31")


def bundled_phrases() -> list[str]:
    """The distinct deadline phrases of the bundled plan, in their order of first appearance."""
    text = resources.files("dgplan.data").joinpath("measures.yaml").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    phrases: dict[str, None] = {}
    for measure in data["measures"]:
        for milestone in measure.get("milestones", ()):
            if isinstance(milestone.get("due"), str):
                phrases.setdefault(milestone["due"], None)
    return list(phrases)


def measure_id(index: int, style: str) -> str:
    if style == "municipal":
        return f"{'ABCDEFGHJK'[index % 10]}-{index // 10 % 100 + 1}-{index // 1000 + 1}"
    if index >= 100_000:
        raise ValueError("the classic id shape holds 100,000 measures at most")
    return f"{index // 1000}-{index % 1000}"


def plan_data(count: int, *, ids: str = "classic") -> dict[str, Any]:
    phrases = bundled_phrases()
    measures = []
    for index in range(count):
        mid = measure_id(index, ids)
        phrase = phrases[index % len(phrases)]
        kpis = []
        for number, kind in enumerate(("progress", "effect")):
            by = phrases[(index * 7 + number * 13) % len(phrases)]
            kpis.append(
                {
                    "kind": kind,
                    "text": f"指標{index}-{number}の達成数",
                    "target": {"value": 100 + index % 50, "unit": "件", "by": by},
                    "observations": [
                        {"date": DATES[(index + step * 2) % len(DATES)], "value": 10 * (step + 1) + index % 7}
                        for step in range(3)
                    ],
                }
            )
        measures.append(
            {
                "id": mid,
                "section": SECTIONS[index % len(SECTIONS)],
                "title": f"施策{index}の推進",
                "milestones": [{"text": f"施策{index}のシステム整備", "due": phrase}],
                "kpis": kpis,
            }
        )
    return {
        "plan": {"title": "合成計画", "issued": "2021-06-18"},
        "sections": [{"id": section, "title": f"第{section}部"} for section in SECTIONS],
        "measures": measures,
    }


def plan_text(count: int, *, ids: str = "classic", as_json: bool = False) -> str:
    data = plan_data(count, ids=ids)
    if as_json:
        return json.dumps(data, ensure_ascii=False, indent=1)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path")
    parser.add_argument("--ids", choices=("classic", "municipal"), default="classic")
    parser.add_argument("--json", action="store_true", help="write JSON (same schema) instead of YAML")
    arguments = parser.parse_args()
    text = plan_text(arguments.count, ids=arguments.ids, as_json=arguments.json)
    with open(arguments.path, "w", encoding="utf-8") as stream:
        stream.write(text)


if __name__ == "__main__":
    main()
