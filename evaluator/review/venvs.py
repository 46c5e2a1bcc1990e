"""Virtual environments for re-runs: one per dependency spec, built once and cached.

A candidate's project depends on ``casekit`` (for the local scoring API), which need not be on
any package index: the reviewer's own copy is packed into a wheel (from the running code, so
the re-run sees the very casekit that reviews it) and installed first, and so is the package
of a case that another package registers (``casekit case new`` makes such packages: the
project's contract tests find the case through its entry point); the project's other
dependencies come from the project's ``pyproject.toml`` (its dependencies and its ``test``
extra). The project's own code is not installed: it runs from its ``src/`` folder, so one
environment serves every candidate who asked for the same dependencies.

Installing must not run the candidate's code, and building a package runs code (a setup.py, a
build backend): the installer takes wheels only (``--only-binary :all:``), and only
requirements by name and version, never a URL or a local path. A project that needs a package
with no wheel for this platform (an sdist-only one) is reported as such, and nothing is built.

The installer is uv (a dependency of casekit): it resolves, links and byte-compiles the ~150
packages of a project's environment in a fifth of pip's time (20 s against 100 s, 31 s of CPU
against 89 s). uv reads pip's ``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL`` and ``PIP_FIND_LINKS``
(passed on as its own settings) but not pip's configuration files, so when uv fails, pip
installs the environment again from scratch, and pip's error is the one reported.

Environments live under ``$CASEKIT_VENV_DIR``, else the user cache dir
(``~/.cache/casekit/venvs``), named by a hash of the Python version, the casekit wheel and the
sorted requirements. A lock makes concurrent reviews build each one once, and a marker file
written last means that an interrupted build is thrown away, never used.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from casekit import cases
from casekit.cases.spec import CaseSpec
from casekit.errors import CasekitError
from casekit.files import atomic
from casekit.files.fingerprint import sha256_bytes
from casekit.review.sandbox import StepResult, run_limited
from casekit.version import __version__

VENV_DIR_ENV = "CASEKIT_VENV_DIR"
READY_MARKER = ".casekit-ready"
# casekit's folder (this module is casekit/review/venvs.py), and its case library's.
PACKAGES = {"casekit": Path(__file__).parents[1], "casekit.cases": Path(cases.__file__ or "").parent}
# pip's index settings and uv's names for them.
UV_SETTINGS = {"PIP_INDEX_URL": "UV_DEFAULT_INDEX", "PIP_EXTRA_INDEX_URL": "UV_INDEX",
               "PIP_FIND_LINKS": "UV_FIND_LINKS"}


class InstallError(CasekitError):
    """The project's environment cannot be built; the message says why."""

    def __init__(self, message: str, step: StepResult | None = None) -> None:
        super().__init__(message)
        self.step = step


@dataclass(frozen=True)
class Environment:
    """A ready environment: its Python, whether it came from the cache, and the build's cost."""

    python: Path
    cached: bool
    seconds: float
    install: StepResult | None


def venv_root() -> Path:
    if os.environ.get(VENV_DIR_ENV):
        return Path(os.environ[VENV_DIR_ENV]).expanduser().resolve()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("casekit")) / "venvs"


def project_requirements(project: Path) -> list[str]:
    """The requirements in ``project``'s pyproject.toml, less casekit itself (the wheel provides it)."""
    from packaging.requirements import InvalidRequirement, Requirement

    # Not the rubric module's tomllib: importing it loads the scoring layer (3 s), and 'casekit pack'
    # reads the requirements to check the project's imports.
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib

    path = project / "pyproject.toml"
    if not path.is_file():
        raise InstallError("the project has no pyproject.toml to install its dependencies from")
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
        listed = list(table.get("dependencies", [])) + list(table.get("optional-dependencies", {}).get("test", []))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError, TypeError) as error:
        raise InstallError(f"pyproject.toml is not readable: {error}") from error
    requirements = []
    for text in listed:
        try:
            requirement = Requirement(str(text))
        except InvalidRequirement as error:
            raise InstallError(f"pyproject.toml: invalid requirement {text!r} ({error})") from error
        if requirement.url:
            raise InstallError(f"pyproject.toml: {text!r} points at {requirement.url}; a re-run installs packages "
                               f"by name and version from the package index only, as wheels")
        if requirement.name.lower() != "casekit":
            requirements.append(str(requirement))
    return sorted(set(requirements))


def ensure_environment(requirements: list[str], *, install_time_limit: float,
                       case: CaseSpec | None = None) -> Environment:
    """The cached environment for ``requirements`` (and ``case``'s package, when a package other
    than casekit registers it), building it if needed."""
    root = venv_root()
    wheel = casekit_wheel(root / "wheels")
    wheels = [wheel]
    extra = case_wheel(case, root / "wheels") if case is not None else None
    if extra is not None:
        wheels.append(extra)
    spec = {"python": list(sys.version_info[:3]), "casekit_wheel": wheel.name, "requirements": requirements,
            "install": "wheels only"}
    if extra is not None:
        spec["case_wheel"] = extra.name
    digest = sha256_bytes(json.dumps(spec, sort_keys=True).encode())[:20]
    folder = root / digest
    python = folder / "bin" / "python"
    started = time.monotonic()
    with FileLock(str(root / f"{digest}.lock")):
        if (folder / READY_MARKER).is_file():
            return Environment(python, True, round(time.monotonic() - started, 2), None)
        packages = [*map(str, wheels), *requirements]
        log = root / f"{digest}.log"
        step = _install(folder, uv_command(python, packages), uv_environment(), log, install_time_limit,
                        with_pip=False)
        if not step.passed:
            step = _install(folder, pip_command(python, packages), pip_environment(), log, install_time_limit,
                            with_pip=True)
        if not step.passed:
            shutil.rmtree(folder, ignore_errors=True)
            raise InstallError(describe_install_failure(step), step)
        atomic.write_text(folder / READY_MARKER, json.dumps(spec, indent=2) + "\n")
    return Environment(python, False, round(time.monotonic() - started, 2), step)


def _install(folder: Path, command: list[str], env: dict[str, str], log: Path, time_limit: float, *,
             with_pip: bool) -> StepResult:
    """A new environment in ``folder`` (with pip in it for pip's install: uv needs none), then ``command``."""
    import venv

    shutil.rmtree(folder, ignore_errors=True)
    venv.EnvBuilder(with_pip=with_pip, clear=True).create(folder)
    return run_limited("install", command, cwd=folder, env=env, log=log, time_limit=time_limit,
                       memory_limit_mb=None)


def uv_command(python: Path, packages: list[str]) -> list[str]:
    """uv's install of ``packages`` into the environment of ``python``, as pip's below."""
    from uv import find_uv_bin

    return [find_uv_bin(), "pip", "install", "--python", str(python), "--no-progress", "--compile-bytecode",
            "--only-binary", ":all:", *packages]


def pip_command(python: Path, packages: list[str]) -> list[str]:
    return [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--progress-bar", "off",
            "--only-binary", ":all:", *packages]


def describe_install_failure(step: StepResult) -> str:
    """Why pip failed, in the reviewer's words: a dependency with no wheel is named as such."""
    if step.outcome == "timed_out":
        return "installing the dependencies failed (timed out)"
    missing = re.search(r"Could not find a version that satisfies the requirement (\S+)", step.log_tail)
    if missing:
        return (f"no wheel of {missing.group(1)} for this platform: a re-run installs dependencies from wheels "
                f"only (building an sdist runs its code), so a project that needs an sdist-only package cannot "
                f"be installed")
    return f"installing the dependencies failed (pip exited {step.exit_code})"


def pip_environment() -> dict[str, str]:
    """The reviewer's pip settings and cache, and nothing of casekit's or MLflow's."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE",
            "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
            "XDG_CACHE_HOME", "XDG_CONFIG_HOME")
    env = {name: value for name, value in os.environ.items() if name in keep or name.startswith("PIP_")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def uv_environment() -> dict[str, str]:
    """pip's environment, with pip's index settings passed on as uv's."""
    env = pip_environment()
    env.update({uv: env[pip] for pip, uv in UV_SETTINGS.items() if pip in env})
    env.update({name: value for name, value in os.environ.items() if name.startswith("UV_")})
    return env


def casekit_wheel(folder: Path) -> Path:
    """A wheel of the running casekit, named by the hash of its contents, built once."""
    files = _package_files()
    digest = hashlib.sha256()
    for archive_name, path in files:
        digest.update(archive_name.encode() + b"\0" + path.read_bytes() + b"\0")
    version = f"{__version__}+local.{digest.hexdigest()[:12]}"
    requirements = [f"Requires-Dist: {requirement}" for requirement in _runtime_requirements()]
    return _wheel(folder / digest.hexdigest()[:12], "casekit", version, files, requirements,
                  "[console_scripts]\ncasekit = casekit.cli:app\n")


def case_wheel(case: CaseSpec, folder: Path) -> Path | None:
    """A wheel of the package that registers ``case`` through the ``casekit.cases`` entry point
    (its code and files, and the entry point), named by the hash of its contents; None for a
    case built into casekit, whose wheel carries it."""
    entry = next((entry for entry in importlib.metadata.entry_points(group=cases.ENTRY_POINT_GROUP)
                  if entry.name == case.slug), None)
    if entry is None or entry.dist is None:
        return None
    top = entry.module.split(".")[0]
    root = Path(importlib.import_module(top).__file__ or "").parent
    files = [(f"{top}/{path.relative_to(root).as_posix()}", path) for path in sorted(root.rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"]
    digest = hashlib.sha256()
    for archive_name, path in files:
        digest.update(archive_name.encode() + b"\0" + path.read_bytes() + b"\0")
    name = re.sub(r"[-_.]+", "_", entry.dist.metadata["Name"]).lower()
    version = f"{entry.dist.version}+local.{digest.hexdigest()[:12]}"
    return _wheel(folder / digest.hexdigest()[:12], name, version, files, [],
                  entry.dist.read_text("entry_points.txt") or "")


def _wheel(folder: Path, name: str, version: str, files: list[tuple[str, Path]], requirements: list[str],
           entry_points: str) -> Path:
    """Write (once) the pure-Python wheel ``name-version`` holding ``files`` (name in the wheel, file)."""
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    if wheel.is_file():
        return wheel
    dist_info = f"{name}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}", "Requires-Python: >=3.10",
                *requirements]
    extra = {
        f"{dist_info}/METADATA": ("\n".join(metadata) + "\n").encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: casekit\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{dist_info}/entry_points.txt": entry_points.encode(),
    }
    record = []
    with (
        atomic.staged_file(wheel) as staging,
        zipfile.ZipFile(staging, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for archive_name, path in files:
            payload = path.read_bytes()
            archive.writestr(archive_name, payload)
            record.append(_record_line(archive_name, payload))
        for archive_name, payload in extra.items():
            archive.writestr(archive_name, payload)
            record.append(_record_line(archive_name, payload))
        record.append(f"{dist_info}/RECORD,,")
        archive.writestr(f"{dist_info}/RECORD", "\n".join(record) + "\n")
    return wheel


def _package_files() -> list[tuple[str, Path]]:
    """(name in the wheel, file) for casekit (its case library inside it) and its project template."""
    from casekit.instances.issue import TEMPLATE_FOLDER, template_dir

    # Installed, the case library lies inside casekit's folder; in a checkout, beside it.
    files: dict[str, Path] = {}
    for package, root in PACKAGES.items():
        prefix = package.replace(".", "/")
        files.update((f"{prefix}/{path.relative_to(root).as_posix()}", path) for path in sorted(root.rglob("*"))
                     if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc")
    template = template_dir()
    files.update((f"casekit/{TEMPLATE_FOLDER}/{path.relative_to(template).as_posix()}", path)
                 for path in sorted(template.rglob("*")) if path.is_file() and "__pycache__" not in path.parts)
    return sorted(files.items())


def _runtime_requirements() -> list[str]:
    requirements = importlib.metadata.requires("casekit") or []
    return [requirement for requirement in requirements if "extra ==" not in requirement]


def _record_line(name: str, payload: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(payload).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(payload)}"
