"""Hostile and huge files through the command line under a memory cap, and through the admin page.

Found by the outside test: a 1,743-byte workbook declaring A1:XFD1048576 raised MemoryError within 3 s under a
4 GB cap; a 300 KB workbook expanded to a 300 MB cell; a 1 MB CSV of one-character lines produced 5.5 million
problems and 2 GB in a dry run. Each file is now refused with a clear message (or reported with a bounded
list of problems) and the import stays under a 1.5 GB address-space cap, whatever the file.
"""
from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.security import hostile_files as files
from tests.security.import_book import OCT, build, month_rows

ROOT = Path(__file__).resolve().parents[2]
CAP_BYTES = 1536 * 1024 * 1024

CASES = {  # name -> (builder, filename, exit status, text in the output): 1 = refused, nothing written
    "declared_whole_sheet": (files.declared_whole_sheet, "tape.xlsx", 1, "error.import.unknown_officer"),
    "huge_cell": (files.huge_cell, "tape.xlsx", 1, "error.import.expands"),
    "zip_bomb": (files.zip_bomb, "tape.xlsx", 1, "error.import.expands"),
    "one_character_lines": (files.one_character_lines, "tape.csv", 1, "more problems not listed"),
    "one_long_line": (files.one_long_line, "tape.csv", 1, "error.import.line_too_long"),
    "renamed_png_csv": (files.renamed_png, "tape.csv", 1, "error.import.corrupt"),
    "renamed_png_xlsx": (files.renamed_png, "tape.xlsx", 1, "error.import.corrupt"),
    "truncated_workbook": (files.truncated_workbook, "tape.xlsx", 1, "error.import.corrupt"),
}


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = {}
    for name, (builder, filename, _, _) in CASES.items():
        paths[name] = folder / f"{name}-{filename}"
        paths[name].write_bytes(builder())
    return paths


@pytest.mark.parametrize("name", list(CASES))
def test_a_hostile_file_is_refused_clearly_under_a_memory_cap_and_writes_nothing(engine, built, name):
    build(engine)
    before = month_rows(engine, OCT)
    _, _, status, expected = CASES[name]
    url = engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "scripts/import_data.py", "tape", str(built[name]), "--month", "2026-10",
                           "--url", url], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=_capped, env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
                                                   "HOME": str(ROOT)})
    output = done.stdout + done.stderr
    assert done.returncode == status, output[-2000:]
    assert expected in output
    assert "Traceback" not in output and "MemoryError" not in output
    assert month_rows(engine, OCT) == before


def test_problems_are_counted_but_only_the_first_rows_kept(engine):
    from data.db import transaction
    from data.importer import MAX_PROBLEMS, import_tape, system_actor

    build(engine)
    with transaction(engine) as s:
        result = import_tape(s, actor=system_actor(), data=files.one_character_lines(), filename="t.csv",
                             month=OCT, dry_run=True)
    assert result.rows == 524_288 and len(result.errors) == MAX_PROBLEMS
    # on every row ten required columns are blank, and every row after the first repeats contract 'x'
    assert result.error_count == 524_288 * 10 + 524_287
    assert result.errors.row.max() <= 2 + MAX_PROBLEMS // 10  # the first rows' problems, in order
    assert result.more_errors == result.error_count - MAX_PROBLEMS
