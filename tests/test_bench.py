"""A tiny run of the benchmark and the plan check, so neither rots (times are not asserted: not a timed test)."""
from __future__ import annotations

import os
import re

import streamlit as st

from bench import explain, run


def test_benchmark_and_explain_smoke_run(tmp_path, monkeypatch):
    # run.main repoints the app; monkeypatch puts both variables back for the page tests that follow
    monkeypatch.setenv("DATABASE_URL", os.environ.get("DATABASE_URL", "sqlite:///unused.db"))
    monkeypatch.setenv("NPL_COOKIE_KEY", os.environ.get("NPL_COOKIE_KEY", "x" * 40))
    monkeypatch.setattr(run, "REPORT", tmp_path / "benchmarks.md")
    monkeypatch.setattr(explain, "REPORT", tmp_path / "explain.md")
    url = f"sqlite:///{tmp_path}/bench-{{loans}}.db"
    try:
        assert run.main(["--loans", "60,120", "--months", "8", "--url", url, "--repeats", "1",
                         "--pages", "overview,admin"]) == 0
        report = (tmp_path / "benchmarks.md").read_text()
        for page, user in (("overview", "director"), ("admin", "admin")):
            assert re.search(rf"^\| {page} \| {user} \|.*\|  \|$", report, re.M), page  # empty error column
        assert "warm / floor" in report and "Scaling: 120 / 60 loans" in report
        assert "| 60 | 8 |" in report  # the generator ran for the first size and was measured
        assert re.search(r"^\| monthly tape: rows per second \| [\d,]+ \| [\d,]+ \|$", report, re.M)
        assert "monthly tape of 1,000,000 loans imported < 60 s: not measured at that size" in report
        # a single-cooperative supervisor's run gets a section of its own beside the default users' one
        assert run.main(["--loans", "60,120", "--months", "8", "--url", url, "--repeats", "1", "--pages", "overview",
                         "--tape-rows", "0", "--user", "supervisor_c1:supervisor"]) == 0
        both = (tmp_path / "benchmarks.md").read_text()
        assert both.count("<!-- bench:sqlite -->") == 1 and both.count("<!-- bench:sqlite:supervisor_c1 -->") == 1
        assert re.search(r"^\| overview \| supervisor_c1 \|.*\|  \|$", both, re.M)
        assert report.split("<!-- /bench:sqlite -->")[0] == both.split("<!-- /bench:sqlite -->")[0]
        assert explain.main(["--url", url.format(loans=60), "--pages", "overview"]) == 0
        assert "| page | read | full table scan |" in (tmp_path / "explain.md").read_text()
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()


def test_the_tape_child_reports_its_own_peak_memory_not_its_parents():
    """Linux carries a parent's ru_maxrss into a forked child, so the importing child reported the benchmark's own
    peak (it builds the tape in memory); VmHWM is the child's alone."""
    import subprocess
    import sys

    from tests.apptest_support import ROOT

    held = bytearray(300 * 1024 * 1024)
    held[::4096] = b"\1" * len(held[::4096])  # touch every page: resident
    code = "import sys; sys.path.insert(0, 'bench'); import tape_import; print(tape_import.own_peak_rss_kib())"
    child_kib = int(subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True,
                                   text=True).stdout.strip())
    assert child_kib < 200 * 1024 < len(held) // 1024
