"""WeasyPrint subsets fonts with HarfBuzz; without it PDFs embed whole fonts (megabytes)."""

from __future__ import annotations

import weasyprint.text.ffi as ffi


def test_harfbuzz_subset_is_available() -> None:
    assert getattr(ffi, "harfbuzz_subset", None) is not None, (
        "libharfbuzz-subset0 is missing: install Debian's libharfbuzz-subset0 "
        "(`make setup` does it via .ci/sysdeps.sh, or: sudo apt-get install libharfbuzz-subset0)"
    )
