"""An issued case instance: what every scoring path starts from.

An instance is a case (bound to its task type, for the source it was issued from), the
metadata ``casekit new`` recorded, and the verified answer key. It is opened from a project
folder (whose ``casekit.json`` names it), or from the key store by its id (for a bare
submission file, which carries no metadata).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from casekit import tasks
from casekit.cases.spec import CaseSpec
from casekit.errors import IntegrityError, UnknownCaseError, UsageError
from casekit.files.fingerprint import sha256_file
from casekit.instances.bundle import METADATA_FILE, BundleMetadata
from casekit.instances.keystore import (
    INPUTS_DIR,
    KEY_FILE,
    AnswerKey,
    KeyRecord,
    keys_root,
    load_key,
)
from casekit.instances.time_record import Issue
from casekit.tasks.base import Task, Truth
from casekit.version import __version__


@dataclass(frozen=True)
class Instance:
    """A case instance with its verified answer key.

    ``project`` is the project folder, or the key's folder for an instance opened by id.
    ``issue`` is when the key store says this project was issued, and its time box (None when
    not recorded, or, for an instance opened by id, when it was issued more than once).
    """

    project: Path
    bundle: BundleMetadata
    task: Task
    key: AnswerKey
    issue: Issue | None = None

    @property
    def spec(self) -> CaseSpec:
        return self.task.spec

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.bundle.labels)

    @cached_property
    def test_ids(self) -> pd.Index:
        """The units a submission answers, in the key's order (a ranking key has one row per
        relevant pair, so ids repeat in it), as the task reads them (see
        :meth:`~casekit.tasks.base.Task.expected_units`)."""
        return self.task.expected_units(self.key.answers)

    @cached_property
    def truth(self) -> Truth:
        """The answer key, decoded by the task (with the input tables it reads to score)."""
        return self.task.load_truth(self.key.answers, self.labels, self.read_columns)

    def input_path(self, name: str) -> Path:
        """The key store's copy of the input table ``name``, verified against the key record."""
        path = self.key.folder / INPUTS_DIR / f"{name}.csv"
        expected = self.key.record.inputs_sha256.get(name)
        issued = self.bundle.files.get(f"data/{name}.csv", expected)
        if expected is None or not path.is_file() or sha256_file(path) != expected or issued != expected:
            raise IntegrityError(f"{path}: missing or altered; it must match the sha256 recorded when the instance "
                                 "was issued")
        return path

    def inputs(self) -> dict[str, pd.DataFrame]:
        """Every input table issued with the instance (the baselines train on them)."""
        return {name: pd.read_csv(self.input_path(name)) for name in sorted(self.key.record.inputs_sha256)}

    def read_columns(self, table: str, columns: list[str]) -> pd.DataFrame:
        """Some columns of an input table, or of the answer key (``table="answers"``), as text."""
        if table == "answers":
            return self.key.answers[columns]
        return pd.read_csv(self.input_path(table), usecols=columns, dtype=str, keep_default_na=False)


def open_instance(project: Path, keys_dir: Path | None = None) -> Instance:
    """A project's instance: its metadata, read, and its answer key, loaded and checked."""
    bundle = BundleMetadata.read(project)
    try:
        task = tasks.load_case(bundle.case, bundle.source)
    except UnknownCaseError as error:
        raise UsageError(f"{project}: {error}") from error
    bundle_sha256 = sha256_file(project / METADATA_FILE)
    key = load_key(keys_root(keys_dir), bundle, bundle_sha256)
    return Instance(project, bundle, task, key, key.record.issue(bundle_sha256))


def open_issued_instance(instance_id: str, keys_dir: Path | None = None) -> Instance:
    """An instance known only by its id, from its key record (for bare submission files).

    The metadata is rebuilt from the key record; the seed stays withheld, as in a reviewer's
    project, and ``project`` is the key's folder.
    """
    root = keys_root(keys_dir)
    record_path = root / instance_id / KEY_FILE
    if not re.fullmatch(r"[\w.-]+", instance_id) or set(instance_id) == {"."} or not record_path.is_file():
        raise UsageError(f"no answer key for instance {instance_id!r} in {root}; pass --keys-dir (or set "
                         f"CASEKIT_KEYS_DIR) to the folder the reviewer used with 'casekit new --keys-dir'")
    try:
        record = KeyRecord(**json.loads(record_path.read_text(encoding="utf-8")))
    except (TypeError, ValueError) as error:
        raise IntegrityError(f"{record_path}: unreadable key record ({error})") from error
    try:
        task = tasks.load_case(record.case, record.source)
    except UnknownCaseError as error:
        raise UsageError(f"{record_path}: {error}") from error
    spec = task.spec
    bundle = BundleMetadata(
        case=record.case, title=spec.title, task=spec.task, instance_id=record.instance_id, source=record.source,
        seed=None, labels=list(record.labels), id_column=spec.id_column, target=spec.target,
        primary_metric=spec.primary_metric, key_sha256=record.answers_sha256, files={},
        casekit_version=__version__, scale=record.scale,
    )
    # A bare file comes without a casekit.json, so there is no issued metadata to check it
    # against: the record's own fingerprint of what it issued stands in for it. Nor does it say
    # which issue it answers: only an instance issued once has an issue time to go by.
    key = load_key(root, bundle, next(iter(record.bundles), ""))
    only = record.issue(record.bundles[0]) if len(record.bundles) == 1 else None
    return Instance(root / instance_id, bundle, task, key, only)
