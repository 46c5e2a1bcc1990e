"""The bundle's metadata: ``casekit.json`` at the root of every generated project.

It records which case instance the project holds and the fingerprints of its data and of the
answer key, so that evaluation can check that nothing was swapped. It never holds answers.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from casekit.errors import IntegrityError, UsageError
from casekit.files import atomic

METADATA_FILE = "casekit.json"
# casekit's import name before 0.3 (its repository folder): a project made then imports it.
OLD_IMPORT = re.compile(r"^[ \t]*(?:from|import)[ \t]+evaluator\b", re.MULTILINE)
SCHEMA_VERSION = 1
DEFAULT_SUBMISSION = "submission/predictions.csv"
# Fields a project made by an earlier casekit may lack (their defaults stand for "not recorded").
OPTIONAL_FIELDS = ("candidate", "notes", "scale", "issued_at", "time_box_minutes")


@dataclass(frozen=True)
class BundleMetadata:
    """What ``casekit new`` recorded about a project.

    ``seed`` is None when the reviewer withheld it (a seed in the candidate's hands would let
    them regenerate the answers); the key store keeps it.
    """

    case: str
    title: str
    task: str
    instance_id: str
    source: str
    seed: int | None
    labels: list[str]
    id_column: str
    target: str
    primary_metric: str
    key_sha256: str
    files: dict[str, str]
    casekit_version: str
    candidate: str | None = None
    notes: dict[str, object] = field(default_factory=dict)
    scale: float = 1.0
    """The size of a synthetic source relative to its default (1.0 for real sources)."""
    issued_at: str | None = None
    """When ``casekit new`` issued the project (UTC, ISO 8601); None in a project made before casekit
    recorded it. The candidate holds this copy: a review reads the key store's."""
    time_box_minutes: int | None = None
    """The time box in force (``--time-box``, else the case's); None as ``issued_at``."""
    schema_version: int = SCHEMA_VERSION

    @property
    def seed_withheld(self) -> bool:
        return self.seed is None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"

    def write(self, project: Path) -> None:
        atomic.write_text(project / METADATA_FILE, self.to_json())

    @classmethod
    def read(cls, project: Path) -> BundleMetadata:
        path = project / METADATA_FILE
        if not project.is_dir():
            raise UsageError(f"{project}: not a directory; expected a casekit project folder")
        if not path.is_file():
            raise UsageError(f"{path}: not found; {project} is not a project made by 'casekit new'")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise IntegrityError(f"{path}: unreadable project metadata ({error})") from error
        if not isinstance(raw, dict):
            raise IntegrityError(f"{path}: expected a JSON object")
        if raw.get("schema_version") != SCHEMA_VERSION:
            raise IntegrityError(f"{path}: schema_version {raw.get('schema_version')!r} is not {SCHEMA_VERSION}")
        expected = set(cls.__dataclass_fields__)
        missing = sorted(name for name in expected if name not in raw and name not in OPTIONAL_FIELDS)
        unknown = sorted(set(raw) - expected)
        if missing or unknown:
            raise IntegrityError(f"{path}: missing field(s) {missing}, unknown field(s) {unknown}")
        return cls(**raw)


def find_project(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``casekit.json``."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        if (folder / METADATA_FILE).is_file():
            return folder
    return None


def old_imports(project: Path) -> list[str]:
    """``file:line`` of each import of casekit's old name (``evaluator``) in the project's code."""
    found: list[str] = []
    for path in sorted([*project.glob("src/**/*.py"), *project.glob("tests/**/*.py")]):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found.extend(f"{path.relative_to(project)}:{text.count(chr(10), 0, match.start()) + 1}"
                     for match in OLD_IMPORT.finditer(text))
    return found
