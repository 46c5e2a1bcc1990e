"""The answer-key store: held-out answers, kept outside every candidate bundle.

Layout, one folder per case instance::

    <keys dir>/<instance-id>/answers.csv      the answers (id, target)
    <keys dir>/<instance-id>/key.json         what the key is for, and its sha256
    <keys dir>/<instance-id>/inputs/          the input tables issued with the instance
    <keys dir>/<instance-id>/baselines/       cached baseline predictions

The keys dir is ``--keys-dir``, else ``CASEKIT_KEYS_DIR``, else the user data dir
(``~/.local/share/casekit/keys`` on Linux).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd
from filelock import FileLock

from casekit.errors import IntegrityError, UsageError
from casekit.files import atomic
from casekit.files.fingerprint import csv_bytes, sha256_bytes, sha256_file
from casekit.instances.bundle import BundleMetadata
from casekit.instances.time_record import Issue, parse_time

KEYS_DIR_ENV = "CASEKIT_KEYS_DIR"
ANSWERS_FILE = "answers.csv"
KEY_FILE = "key.json"
INPUTS_DIR = "inputs"


@dataclass(frozen=True)
class KeyRecord:
    """The trusted description of an answer key (``key.json``)."""

    case: str
    instance_id: str
    source: str
    seed: int
    labels: list[str]
    answers_sha256: str
    inputs_sha256: dict[str, str]
    bundles: list[str] = field(default_factory=list)
    """sha256 of every ``casekit.json`` issued for this instance (one per ``casekit new``)."""
    scale: float = 1.0
    """The size of a synthetic source relative to its default."""
    issues: dict[str, dict[str, object]] = field(default_factory=dict)
    """By the sha256 of the ``casekit.json`` it issued: when (``issued_at``, UTC) and with what time box
    (``time_box_minutes``). The reviewer's record; empty in a key stored before casekit kept it."""

    def issue(self, bundle_sha256: str) -> Issue | None:
        """When the ``casekit.json`` of ``bundle_sha256`` was issued, and its box; None if not recorded."""
        found = self.issues.get(bundle_sha256)
        if not isinstance(found, dict):
            return None
        issued_at, box = found.get("issued_at"), found.get("time_box_minutes")
        if not isinstance(issued_at, str) or parse_time(issued_at) is None or not isinstance(box, int):
            return None
        return Issue(issued_at, box)


@dataclass(frozen=True)
class AnswerKey:
    """A verified answer key."""

    record: KeyRecord
    answers: pd.DataFrame
    folder: Path

    @property
    def answers_path(self) -> Path:
        return self.folder / ANSWERS_FILE

    @property
    def baselines_dir(self) -> Path:
        return self.folder / "baselines"


def keys_root(override: Path | None = None) -> Path:
    if override is not None:
        return override.expanduser().resolve()
    if os.environ.get(KEYS_DIR_ENV):
        return Path(os.environ[KEYS_DIR_ENV]).expanduser().resolve()
    from platformdirs import user_data_dir

    return Path(user_data_dir("casekit")) / "keys"


def refuse_key_store_file(path: Path, root: Path, label: str | None = None) -> Path:
    """``path``, refused when it is (or links to) a file of the key store under ``root``.

    A submission is the candidate's file; scoring a file of the key store (a symbolic link to
    the answers, say) would hand out a perfect score.
    """
    if path.resolve().is_relative_to(root.resolve()):
        raise IntegrityError(f"{label or path}: a file of the key store ({root}); answers are never scored as a "
                             f"submission")
    return path


def store_key(root: Path, record: KeyRecord, answers: pd.DataFrame, inputs: dict[str, bytes]) -> Path:
    """Write the key for an instance, or confirm an identical one is already there.

    ``inputs`` are the instance's input files (as issued to the candidate); keeping a copy
    here lets the baselines train without the candidate's project. The record's ``bundles``
    and ``issues`` are added to those already issued for the instance.
    """
    folder = root / record.instance_id
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / ".key.lock")):
        return _store_key(folder, record, answers, inputs)


def _store_key(folder: Path, record: KeyRecord, answers: pd.DataFrame, inputs: dict[str, bytes]) -> Path:
    payload = csv_bytes(answers)
    if sha256_bytes(payload) != record.answers_sha256:
        raise IntegrityError("internal: the key record does not describe these answers")
    existing = folder / ANSWERS_FILE
    if existing.exists() and sha256_file(existing) != record.answers_sha256:
        raise IntegrityError(
            f"{existing}: a different answer key is already stored for instance {record.instance_id}"
        )
    record_path = folder / KEY_FILE
    if record_path.exists():
        stored = json.loads(record_path.read_text(encoding="utf-8"))
        record = replace(record, bundles=sorted(set(stored.get("bundles", [])) | set(record.bundles)),
                         issues={**stored.get("issues", {}), **record.issues})
    for name, content in inputs.items():
        atomic.write_bytes(folder / INPUTS_DIR / f"{name}.csv", content)
    atomic.write_bytes(existing, payload)
    atomic.write_text(folder / KEY_FILE, json.dumps(asdict(record), indent=2, sort_keys=True) + "\n")
    return folder


def load_key(root: Path, bundle: BundleMetadata, bundle_sha256: str) -> AnswerKey:
    """Load and verify the key for ``bundle`` (whose ``casekit.json`` has ``bundle_sha256``):
    refuse it if any fingerprint disagrees."""
    folder = root / bundle.instance_id
    answers_path, record_path = folder / ANSWERS_FILE, folder / KEY_FILE
    if not answers_path.is_file() or not record_path.is_file():
        raise UsageError(
            f"no answer key for instance {bundle.instance_id} in {root}. Pass --keys-dir (or set "
            f"{KEYS_DIR_ENV}) to the folder the reviewer used with 'casekit new --keys-dir'."
        )
    try:
        record = KeyRecord(**json.loads(record_path.read_text(encoding="utf-8")))
    except (TypeError, ValueError) as error:
        raise IntegrityError(f"{record_path}: unreadable key record ({error})") from error

    actual = sha256_file(answers_path)
    if actual != record.answers_sha256:
        raise IntegrityError(f"{answers_path}: sha256 {actual} does not match the key record; the key was altered")
    if actual != bundle.key_sha256:
        raise IntegrityError(
            f"the project's casekit.json names answer key {bundle.key_sha256[:12]}..., but the key stored for "
            f"instance {bundle.instance_id} is {actual[:12]}...; the project metadata was altered"
        )
    for field_name in ("case", "instance_id", "source", "labels"):
        if getattr(record, field_name) != getattr(bundle, field_name):
            raise IntegrityError(
                f"the project's casekit.json says {field_name}={getattr(bundle, field_name)!r}, but the answer key "
                f"says {getattr(record, field_name)!r}; the project metadata was altered"
            )
    if bundle_sha256 not in record.bundles:
        raise IntegrityError(
            f"the project's casekit.json is not one that was issued for instance {bundle.instance_id}; "
            "the project metadata was altered"
        )
    answers = pd.read_csv(answers_path, dtype=str, keep_default_na=False)
    return AnswerKey(record=record, answers=answers, folder=folder)
