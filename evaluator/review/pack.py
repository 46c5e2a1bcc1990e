"""``casekit pack``: the zip a candidate sends back, and its checked unpacking for review.

A pack holds the project's own work (code, tests, DESIGN.md, notebooks, the submission) and
leaves out what the reviewer has or can rebuild: the data (issued with the instance and kept in
the key store), virtual environments, caches, casekit's own evaluations and, unless asked for,
the candidate's MLflow runs and drill transcripts (``drill/``). Its manifest, ``casekit-pack.json``,
lists every file with its sha256, so that ``casekit review`` can refuse a pack that was altered or truncated,
and says when the pack was made (``created_at``, on the candidate's clock; the project's log of its
development runs, ``.casekit/development-runs.jsonl``, travels in the pack as one of its files).
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from casekit.errors import CasekitError, IntegrityError, UsageError
from casekit.files import atomic
from casekit.files.fingerprint import sha256_bytes, sha256_file
from casekit.instances.bundle import DEFAULT_SUBMISSION, METADATA_FILE, BundleMetadata
from casekit.version import __version__

MANIFEST_FILE = "casekit-pack.json"
FORMAT = "casekit-pack"
FORMAT_VERSION = 1
# A pack is code and a few CSVs; a cap keeps a hostile archive from filling the disk.
MAX_UNPACKED_BYTES = 1024**3
# Deflate tops out near 1032:1 and only a zip bomb gets there; code and predictions compress
# 3-30x. Entries too small to matter are let through at any ratio.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 1024**2

# Folders left out wherever they are, and top-level ones that hold data or casekit's output.
SKIPPED_DIRS = {".git", ".hg", ".svn", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache",
                ".ipynb_checkpoints", ".tox", ".nox", ".cache", "node_modules", ".venv", "venv"}
SKIPPED_TOP_DIRS = {"data", "evaluation", "build", "dist"}
SKIPPED_SUFFIXES = {".pyc", ".pyo"}
SKIPPED_NAMES = {".DS_Store", MANIFEST_FILE}
# The candidate's own MLflow runs, as the project template's pipeline writes them.
MLFLOW_ENTRIES = {"mlflow.db", "mlruns", "mlartifacts"}
# The transcripts of 'casekit drill --project': practice, left out unless the candidate sends them.
DRILL_DIR = "drill"


@dataclass(frozen=True)
class PackedProject:
    """A written pack: where it is and what went in."""

    path: Path
    files: list[str]
    bytes: int
    skipped_links: list[str]


def project_files(project: Path, *, include_mlflow: bool = False,
                  include_drill: bool = False) -> tuple[list[str], list[str]]:
    """The project's files that belong in a pack (POSIX paths, sorted), and the symlinks left out.

    Symbolic links are never followed: a link could point at anything on the candidate's
    machine (or, on the reviewer's, at the key store).
    """
    files: list[str] = []
    links: list[str] = []
    for folder, dirs, names in os.walk(project):
        here = Path(folder)
        relative_folder = here.relative_to(project)
        kept = []
        for name in sorted(dirs):
            path = here / name
            relative = (relative_folder / name).as_posix()
            if path.is_symlink():
                links.append(relative)
            elif not _skipped_dir(path, relative_folder == Path("."), include_mlflow, include_drill):
                kept.append(name)
        dirs[:] = kept
        for name in sorted(names):
            path = here / name
            relative = (relative_folder / name).as_posix()
            if path.is_symlink():
                links.append(relative)
            elif _kept_file(name, relative_folder == Path("."), include_mlflow) and path.is_file():
                files.append(relative)
    return sorted(files), sorted(links)


def _skipped_dir(path: Path, top_level: bool, include_mlflow: bool, include_drill: bool) -> bool:
    name = path.name
    if name in SKIPPED_DIRS or name.endswith(".egg-info") or (path / "pyvenv.cfg").is_file():
        return True
    if top_level and name in SKIPPED_TOP_DIRS:
        return True
    if top_level and name == DRILL_DIR and not include_drill:
        return True
    return top_level and name in MLFLOW_ENTRIES and not include_mlflow


def _kept_file(name: str, top_level: bool, include_mlflow: bool) -> bool:
    if name in SKIPPED_NAMES or Path(name).suffix in SKIPPED_SUFFIXES:
        return False
    return not (top_level and name in MLFLOW_ENTRIES and not include_mlflow)


def default_pack_path(project: Path) -> Path:
    """``<project folder>.zip`` beside the project folder."""
    resolved = project.resolve()
    return resolved.parent / f"{resolved.name}.zip"


def pack_project(
    project: Path, output: Path | None = None, *, include_mlflow: bool = False, include_drill: bool = False,
    force: bool = False,
) -> PackedProject:
    """Zip ``project`` for review, with a manifest; the zip appears whole or not at all."""
    project = project.resolve()
    bundle = BundleMetadata.read(project)
    output = (output or default_pack_path(project)).expanduser().resolve()
    if output.exists() and not force:
        raise UsageError(f"{output} already exists; pass --force to replace it")
    if output == project or project in output.parents:
        raise UsageError(f"{output} is inside the project {project}; write the pack elsewhere")
    if not (project / DEFAULT_SUBMISSION).is_file():
        raise CasekitError(f"{project / DEFAULT_SUBMISSION}: not found; run the pipeline ('make run') "
                           "so that the pack holds your submission")

    files, links = project_files(project, include_mlflow=include_mlflow, include_drill=include_drill)
    entries = [{"path": name, "sha256": sha256_file(project / name), "bytes": (project / name).stat().st_size}
               for name in files]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "casekit_version": __version__,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "case": bundle.case,
        "instance_id": bundle.instance_id,
        "candidate": bundle.candidate,
        "submission": DEFAULT_SUBMISSION,
        "includes_mlflow_runs": include_mlflow,
        "includes_drill": include_drill,
        "files": entries,
    }
    with (
        atomic.staged_file(output) as staging,
        zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in files:
            archive.write(project / name, name)
        archive.writestr(MANIFEST_FILE, json.dumps(manifest, indent=2) + "\n")
    return PackedProject(output, files, output.stat().st_size, links)


@dataclass(frozen=True)
class PackManifest:
    """A verified pack's manifest."""

    case: str
    instance_id: str
    candidate: str | None
    submission: str
    files: dict[str, str]
    created_at: str | None = None
    """When the pack was made, on the candidate's clock (evidence, not proof)."""


def unpack(archive_path: Path, destination: Path) -> PackManifest:
    """Extract a pack into the empty folder ``destination`` after checking every entry.

    Refused, with the entry named: an archive that is not a zip, a missing or unreadable
    manifest, a path that is absolute or climbs out (``..``), a symbolic link, a file that
    is not in the manifest or is missing from the archive, a sha256 that does not match,
    more than :data:`MAX_UNPACKED_BYTES` in all, and an entry that inflates more than
    :data:`MAX_COMPRESSION_RATIO` times (a zip bomb).
    """
    name = archive_path.name
    try:
        archive = zipfile.ZipFile(archive_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise IntegrityError(f"{archive_path}: not a readable zip archive ({error})") from error
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        for info in entries:
            _check_entry(info, name)
        if sum(info.file_size for info in entries) > MAX_UNPACKED_BYTES:
            raise IntegrityError(f"{name}: unpacks to more than {MAX_UNPACKED_BYTES // 2**20:,} MB")
        manifest = _read_manifest(archive, name)
        expected = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
        infos = [info for info in entries if info.filename != MANIFEST_FILE]
        present = {info.filename for info in infos}
        unlisted = sorted(present - set(expected))
        missing = sorted(set(expected) - present)
        if unlisted:
            raise IntegrityError(f"{name}: entry '{unlisted[0]}' is not in the pack's manifest")
        if missing:
            raise IntegrityError(f"{name}: entry '{missing[0]}' is listed in the manifest but missing")
        for info in infos:
            payload = _read_capped(archive, info, name)
            if sha256_bytes(payload) != expected[info.filename]:
                raise IntegrityError(f"{name}: entry '{info.filename}' does not match its sha256 in the manifest")
            target = destination / info.filename
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(payload)
            except OSError as error:  # e.g. an entry named like another entry's folder
                raise IntegrityError(f"{name}: entry '{info.filename}' cannot be unpacked ({error})") from error
    if METADATA_FILE not in expected:
        raise IntegrityError(f"{name}: the pack has no {METADATA_FILE}; make it with 'casekit pack'")
    created = manifest.get("created_at")
    return PackManifest(manifest["case"], manifest["instance_id"], manifest.get("candidate"),
                        manifest["submission"], expected, created if isinstance(created, str) else None)


def _read_manifest(archive: zipfile.ZipFile, name: str) -> dict:
    try:
        info = archive.getinfo(MANIFEST_FILE)
    except KeyError:
        raise IntegrityError(f"{name}: no {MANIFEST_FILE} in the archive; make packs with 'casekit pack'") from None
    try:
        raw = json.loads(_read_capped(archive, info, name))
    except ValueError as error:
        raise IntegrityError(f"{name}: unreadable {MANIFEST_FILE} ({error})") from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT or raw.get("format_version") != FORMAT_VERSION:
        raise IntegrityError(f"{name}: {MANIFEST_FILE} is not a casekit pack manifest of version {FORMAT_VERSION}")
    files = raw.get("files")
    if not isinstance(files, list) or not all(
        isinstance(entry, dict) and isinstance(entry.get("path"), str) and isinstance(entry.get("sha256"), str)
        for entry in files
    ):
        raise IntegrityError(f"{name}: {MANIFEST_FILE} has no valid 'files' list")
    for field_name in ("case", "instance_id", "submission"):
        if not isinstance(raw.get(field_name), str):
            raise IntegrityError(f"{name}: {MANIFEST_FILE} has no '{field_name}'")
    return raw


def _check_entry(info: zipfile.ZipInfo, name: str) -> None:
    path = PurePosixPath(info.filename)
    if path.is_absolute() or ".." in path.parts or "\\" in info.filename or ":" in info.filename:
        raise IntegrityError(f"{name}: entry '{info.filename}' has an unsafe path")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise IntegrityError(f"{name}: entry '{info.filename}' is a symbolic link")
    if info.file_size >= RATIO_CHECKED_FROM_BYTES and info.file_size > MAX_COMPRESSION_RATIO * info.compress_size:
        ratio = info.file_size / max(info.compress_size, 1)
        raise IntegrityError(f"{name}: entry '{info.filename}' inflates {ratio:,.0f} times (more than "
                             f"{MAX_COMPRESSION_RATIO}); a pack holding it looks like a zip bomb")


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """The entry's bytes, refusing one that inflates beyond the size its header declares."""
    try:
        with archive.open(info) as stream:
            payload = stream.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
        raise IntegrityError(f"{name}: entry '{info.filename}' cannot be read ({error})") from error
    if len(payload) > info.file_size:
        raise IntegrityError(f"{name}: entry '{info.filename}' is larger than its header says")
    return payload
