"""README facts about the tool that must stay true (the dataset's own, such as its record counts, are in
tests/dataset/)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_gives_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python3 dev.py run" in text and "python3 dev.py test" in text
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 dev.py test" in ci
