"""The benchmarks still run (on tiny sizes): a bench that rots says nothing when it matters.

Speed is measured by running them (``make bench``), not here: these only check they work.
"""

from __future__ import annotations

import pytest

from bench import storage_bench, summary_bench


def test_the_storage_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert storage_bench.main(["--answers", "300"]) == 0
    assert "ratio" in capsys.readouterr().out.lower()


def test_the_summary_bench_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert summary_bench.main(["--small", "60", "--big", "120"]) == 0
    assert "ratio" in capsys.readouterr().out.lower()
