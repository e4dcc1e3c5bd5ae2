"""The real police exports in ../shared/data/real, read in place.

A developer's clone elsewhere may not have them, so those tests skip there; CI always has
them beside the repository, so a missing folder in CI is a failure, never a silent skip.
"""

import os
from pathlib import Path

import pytest

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"

if not REAL.is_dir() and os.environ.get("CI"):
    raise RuntimeError(f"CI must have the real data files beside the repository: {REAL}")

needs_real_data = pytest.mark.skipif(
    not REAL.is_dir(), reason="../shared/data/real is not beside the repository"
)
