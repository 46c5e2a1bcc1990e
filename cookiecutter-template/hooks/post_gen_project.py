"""Leave out the case's extra contract tests when the case has none."""

from pathlib import Path

extra = Path("tests") / "test_case.py"
if not extra.read_text(encoding="utf-8").strip():
    extra.unlink()
