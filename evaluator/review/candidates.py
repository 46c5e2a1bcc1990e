"""What a review scores: candidates given as project folders, packs or bare submission files.

An INPUT on the ``casekit review`` command line is one of:

- a project folder made by ``casekit new`` (its ``casekit.json`` names the instance);
- a zip made by ``casekit pack`` (checked against its manifest, then unpacked);
- a bare submission file, written ``name=path``: it carries no metadata, so its instance is
  ``--instance ID`` (an instance in the key store) or, when that is not given, the one
  instance the batch's projects and packs share.

``name=path`` also names a project or a pack; otherwise the name is the one recorded in the
project (``casekit new --candidate``), else the folder's or the zip's name.

Candidates' files and names are untrusted. A review reads a project's submission only when it
is the project's own file (a symbolic link could point at the key store's answers), never
reads a file inside the key store, and refuses two names that read the same (``Ada`` and
``ＡＤＡ``) or a name that mixes Latin, Greek and Cyrillic letters (``Аda``, Cyrillic А), which
would let one candidate pass for another on the leaderboard.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from casekit.errors import IntegrityError, UsageError
from casekit.instances.bundle import DEFAULT_SUBMISSION, BundleMetadata
from casekit.instances.keystore import refuse_key_store_file
from casekit.review.pack import unpack

Kind = Literal["project", "pack", "submission"]


@dataclass(frozen=True)
class CandidateInput:
    """One INPUT as given: who, what kind, where."""

    name: str | None
    kind: Kind
    path: Path
    argument: str


@dataclass(frozen=True)
class Candidate:
    """A candidate ready to review: its files on disk and its instance."""

    name: str
    slug: str
    kind: Kind
    source: Path
    submission: Path
    submission_label: str
    code: Path | None
    instance_id: str
    packed_at: str | None = None
    """A pack's time, on the candidate's clock."""
    blind: bool = False
    redacted: Path | None = None  # blind: the redacted copy of ``code`` that reviewers read

    @property
    def shown_source(self) -> str:
        """Where the candidate came from, as outputs show it (hidden in a blind review: a file name can name)."""
        return "hidden (blind review)" if self.blind else str(self.source)

    @property
    def shown_code(self) -> Path | None:
        """The project files reviewers read: the redacted copy in a blind review (re-runs use ``code``)."""
        return self.redacted if self.blind else self.code


def parse_input(argument: str) -> CandidateInput:
    """Read one INPUT: an existing path as it is, else ``name=path``.

    A name may itself hold '=': the first split whose right side exists is the one meant.
    """
    path = Path(argument)
    name = None
    if not path.exists() and "=" in argument:
        splits = [(argument[:at], argument[at + 1:]) for at, character in enumerate(argument) if character == "="]
        name, rest = next(((left, right) for left, right in splits if Path(right).exists()), splits[0])
        name, path = name.strip(), Path(rest)
        if not name:
            raise UsageError(f"INPUT {argument!r}: the candidate's name before '=' is empty")
    if not path.exists():
        raise UsageError(f"INPUT {argument!r}: {path} is neither a file nor a folder")
    if path.is_dir():
        return CandidateInput(name, "project", path.resolve(), argument)
    if zipfile.is_zipfile(path):
        return CandidateInput(name, "pack", path.resolve(), argument)
    return CandidateInput(name, "submission", path.resolve(), argument)


def resolve_candidates(inputs: list[CandidateInput], instance_id: str | None, work: Path,
                       key_store: Path) -> list[Candidate]:
    """Name every input, unpack the packs into ``work``, and give every candidate its instance."""
    candidates: list[Candidate] = []
    bare: list[CandidateInput] = []
    slugs: set[str] = set()
    for item in inputs:
        packed_at = None
        if item.kind == "submission":
            bare.append(item)
            continue
        if item.kind == "pack":
            folder = work / f"pack-{len(candidates)}"
            manifest = unpack(item.path, folder)
            bundle = BundleMetadata.read(folder)
            name = item.name or manifest.candidate or _stem(item.path)
            submission = folder / manifest.submission
            label = f"{item.path.name}:{manifest.submission}"
            code = folder
            packed_at = manifest.created_at
        else:
            bundle = BundleMetadata.read(item.path)
            name = item.name or bundle.candidate or item.path.name
            submission = _own_file(item.path, DEFAULT_SUBMISSION)
            label = str(item.path / DEFAULT_SUBMISSION)
            code = item.path
        candidates.append(Candidate(name, _unique_slug(name, slugs), item.kind, item.path, submission, label,
                                    code, bundle.instance_id, packed_at))
    if bare:
        instance_id = instance_id or _shared_instance(candidates, bare[0])
        for item in bare:
            name = item.name or _stem(item.path)
            candidates.append(Candidate(name, _unique_slug(name, slugs), "submission", item.path, item.path,
                                        str(item.path), None, instance_id))
    _check_names([candidate.name for candidate in candidates])
    for candidate in candidates:
        refuse_key_store_file(candidate.submission, key_store,
                              f"candidate {candidate.name!r}: {candidate.submission_label}")
    return candidates


def _own_file(project: Path, relative: str) -> Path:
    """``project / relative``, refused when a symbolic link takes it outside the project."""
    path = project / relative
    if path.exists() and not path.resolve().is_relative_to(project.resolve()):
        raise IntegrityError(f"{path}: a symbolic link to {path.resolve()}, outside the project; a review reads "
                             f"only the project's own files")
    return path


def _check_names(names: list[str]) -> None:
    seen: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFKC", name).casefold()
        if key in seen:
            same = "is given more than once" if seen[key] == name else f"reads the same as {seen[key]!r}"
            raise UsageError(f"candidate {name!r} {same}; name each input (name=path)")
        seen[key] = name
        scripts = _confusable_scripts(name)
        if len(scripts) > 1:
            raise UsageError(f"candidate name {name!r} mixes {' and '.join(sorted(scripts))} letters, so it can pass "
                             f"for another name; rename the input (name=path)")


def _confusable_scripts(name: str) -> set[str]:
    """The scripts among Latin, Greek and Cyrillic (whose letters look alike) used by ``name``'s letters."""
    scripts = set()
    for character in name:
        if character.isalpha():
            script = unicodedata.name(character, "").split(" ")[0]
            if script in {"LATIN", "GREEK", "CYRILLIC"}:
                scripts.add(script.title())
    return scripts


def _shared_instance(candidates: list[Candidate], first_bare: CandidateInput) -> str:
    instances = sorted({candidate.instance_id for candidate in candidates})
    if len(instances) == 1:
        return instances[0]
    found = f"the batch's projects and packs hold {len(instances)} instances" if instances else \
        "the batch has no project or pack to take it from"
    raise UsageError(f"INPUT {first_bare.argument!r} is a bare submission file: pass --instance ID to say which "
                     f"instance it answers ({found})")


def _stem(path: Path) -> str:
    return path.name.split(".")[0] or path.name


def _unique_slug(name: str, taken: set[str]) -> str:
    """A file-name-safe, unique form of ``name`` (names are the candidates' own text)."""
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:40] or "candidate"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug
