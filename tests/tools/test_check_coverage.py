"""tools/check_coverage.py: lines no test ran are listed per file; all run, nothing listed."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import coverage

TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_coverage.py"
spec = importlib.util.spec_from_file_location("check_coverage", TOOL)
assert spec is not None and spec.loader is not None
check_coverage = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_coverage)

RULE = """def ratio_ok(ratio):
    if ratio < 0.05:
        return "too low"
    if ratio > 0.12:
        return "too high"
    return None
"""


def measure(tmp_path: Path, *ran: int) -> tuple[Path, Path]:
    """Coverage data saying which lines of a made-up rule ran (written as coverage writes it,
    not by tracing: the suite itself may be running under coverage)."""
    rule = tmp_path / "made_up_rule.py"
    rule.write_text(RULE, encoding="utf-8")
    data = tmp_path / ".coverage"
    recorded = coverage.CoverageData(basename=str(data))
    recorded.add_lines({str(rule): list(ran)})
    recorded.write()
    return rule, data


def test_lines_never_run_are_listed_as_ranges(tmp_path: Path) -> None:
    rule, data = measure(tmp_path, 1, 2, 4, 6)  # a ratio in range
    assert check_coverage.uncovered(data, [rule]) == {rule: "lines 3, 5 never run"}


def test_a_fully_covered_file_is_not_listed(tmp_path: Path) -> None:
    rule, data = measure(tmp_path, 1, 2, 3, 4, 5, 6)
    assert check_coverage.uncovered(data, [rule]) == {}


def test_a_file_no_test_imported_is_listed(tmp_path: Path) -> None:
    _rule, data = measure(tmp_path, 1, 2, 4, 6)  # a ratio in range
    other = tmp_path / "forgotten.py"
    other.write_text("LIMIT = 3\n", encoding="utf-8")
    assert check_coverage.uncovered(data, [other]) == {
        other: "not measured at all (no test imports it?)"
    }


def test_the_rule_modules_are_the_ones_required() -> None:
    names = {p.relative_to(check_coverage.ROOT).as_posix() for p in check_coverage.required_files()}
    assert {"app/services/engine/rows.py", "app/services/engine/fields.py"} <= names
    assert "app/services/rules/idnumber.py" in names
