"""Run every benchmark in turn (``make bench``); each prints its figures side by side."""

from __future__ import annotations

import importlib
import sys

BENCHES = (
    "storage_bench",
    "summary_bench",
    "themes_bench",
    "codebook_bench",
    "themes_ceiling",
    "redaction",
    "crowd",
    "timegiven_bench",
    "live_push",
)


def main() -> int:
    """Run each benchmark's main() and return the worst exit code."""
    worst = 0
    for name in BENCHES:
        print(f"\n=== bench.{name} ===", flush=True)
        worst = max(worst, int(importlib.import_module(f"bench.{name}").main([]) or 0))
    return worst


if __name__ == "__main__":
    sys.exit(main())
