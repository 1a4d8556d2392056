"""Where the benchmarks find the labelled feedback comments, and what they say without them.

The comments (10,334 of them, labelled by people) live beside the repository, in
``../shared/feedback-data/``; they are not brewbot's to ship (their licence is
non-commercial), so a clone alone does not have them. A bench that needs them says so in
one line and stops with success, so ``make bench`` still runs the others; ``--data FILE``
points it at another file in the same columns (code, label, subcategory, feedback, ...), as
the tests do with ``tests/data/feedback-sample.csv``, comments written for them.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "feedback-data" / "text_data.csv"


def absent(path: Path, bench: str) -> bool:
    """Say, in one line, that ``bench`` cannot run without the comments at ``path``, if they
    are not there; return True then."""
    if path.is_file():
        return False
    print(
        f"{bench}: skipped, no feedback data at {path} (it lives beside the repository, in"
        " ../shared/feedback-data/; --data FILE reads another file in its columns)"
    )
    return True
