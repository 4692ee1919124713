"""The names of the statistics' preset periods, apart from stats_period.py (which loads
dateutil and, through records.common, cryptography) so the command line's parser can offer
them without loading either (tests/test_startup_imports.py)."""

from __future__ import annotations

PRESETS = ("month", "last_month", "quarter", "last_quarter", "ytd")
