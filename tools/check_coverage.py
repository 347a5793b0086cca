"""Check that the modules where the rules live stay at 100 % line coverage.

After `pytest --cov` (as `make test` runs it) this reads the coverage data and lists, per
file, the lines no test ran; exit code 1 if any, or if a file was not measured at all.
The idea is qutebrowser's scripts/dev/check_coverage.py: a rule without a test that runs it
is a rule nobody checks.

    .venv/bin/python tools/check_coverage.py [--data-file .coverage]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parents[1]

# Every file here must be fully covered. A new rule module joins by being put here.
PERFECT: tuple[str, ...] = (
    "app/services/rules/*.py",
    "app/services/engine/rows.py",
    "app/services/engine/fields.py",
    "app/services/engine/person.py",
    "app/services/engine/states.py",
)


def required_files(root: Path = ROOT, patterns: Iterable[str] = PERFECT) -> list[Path]:
    return sorted({path for pattern in patterns for path in root.glob(pattern)})


def _ranges(lines: Iterable[int]) -> str:
    """`[1, 2, 3, 7, 9, 10]` → `1-3, 7, 9-10`."""
    spans: list[list[int]] = []
    for line in sorted(lines):
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def uncovered(data_file: Path, files: Iterable[Path]) -> dict[Path, str]:
    """Each file that is not fully covered, with what is missing."""
    cov = coverage.Coverage(data_file=str(data_file))
    cov.load()
    measured = {Path(name).resolve() for name in cov.get_data().measured_files()}
    problems: dict[Path, str] = {}
    for path in files:
        if path.resolve() not in measured:
            # An empty module (a package's __init__) has nothing to run.
            if path.read_text(encoding="utf-8").strip() and _statements(cov, path):
                problems[path] = "not measured at all (no test imports it?)"
            continue
        _file, _statements_, _excluded, missing, _text = cov.analysis2(str(path))
        if missing:
            problems[path] = f"lines {_ranges(missing)} never run"
    return problems


def _statements(cov: coverage.Coverage, path: Path) -> bool:
    _file, statements, _excluded, _missing, _text = cov.analysis2(str(path))
    return bool(statements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-file", type=Path, default=ROOT / ".coverage")
    args = parser.parse_args(argv)
    if not args.data_file.is_file():
        print(f"没有覆盖率数据 {args.data_file}：先运行 pytest --cov（make test）。")
        return 2
    files = required_files()
    problems = uncovered(args.data_file, files)
    for path, what in problems.items():
        print(f"{path.relative_to(ROOT)}: {what}")
    if problems:
        print(f"{len(problems)} of {len(files)} rule files are below 100 % line coverage.")
        return 1
    print(f"coverage: all {len(files)} rule files at 100 % line coverage.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
