"""What identifies a candidate in their files, and the redacted copies blind reviewers read.

The scan matches what the kit knows, not names in general (it is no named-entity recogniser):

- the candidate's name as given (``--candidate``, ``name=path``, the pack manifest, the
  project's ``casekit.json``) and its parts, and the name of the zip or folder it came in;
- e-mail addresses, GitHub, GitLab, LinkedIn (and like) profile URLs and ``@handles``;
- home-folder paths (``/home/ada/``, ``/Users/ada/``, ``C:\\Users\\ada\\``, ``~ada/``): the
  user name goes, and becomes a term to find elsewhere;
- author lines in comments, docstrings and DESIGN.md (``Author: ...``, ``__author__ = ...``),
  ``pyproject.toml``'s authors and maintainers, notebooks' metadata (authors; kernels' paths
  are home paths) and, in a project folder, git's metadata (``.git/config``, ``.git/logs/HEAD``).

Every name, e-mail, handle and user name found becomes a *term*, matched everywhere (file and
folder names, text files, zipped files) after Unicode NFKC normalisation and case folding, as
a whole word: ``Ada`` matches ``ＡＤＡ`` and ``ada_lovelace``, never ``adaptive``. Each match is
replaced by ``[redacted: KIND]`` (in a path: ``redacted-KIND``) and listed as a
:class:`Redaction` for the organiser.

Candidates' files are hostile input: a file over :data:`MAX_FILE_BYTES`, more than
:data:`MAX_CANDIDATE_BYTES` in all, a zipped entry that inflates more than
:data:`MAX_ZIP_RATIO` times, and a binary file holding a term are left out of the copy, and
listed as left out with the reason.
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

MAX_FILE_BYTES = 2 * 1024**2
MAX_CANDIDATE_BYTES = 64 * 1024**2
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_RATIO = 200
# Parts of a name shorter than this would redact common syllables ("Al", "Li") everywhere.
MIN_TERM_CHARACTERS = 3
# User names that machines, containers and CI give everyone: not an identity.
GENERIC_USERS = {"user", "users", "runner", "root", "ubuntu", "jovyan", "vscode", "codespace", "codespaces",
                 "admin", "shared", "public", "default", "home", "sandbox", "work", "app", "docker", "ec2-user"}
LEFT_OUT = "left out"
FILE_NAME = "file name"
# Prose, where a line may open with an @handle; elsewhere (Python, Makefiles, shell) a line's
# leading '@' is a decorator or a silent recipe line.
PROSE_SUFFIXES = (".md", ".txt", ".rst")
# Words of a sentence, never of a name: an author line holding one is prose.
NOT_NAMES = {"the", "a", "an", "of", "to", "for", "in", "on", "with", "by", "is", "are", "see", "team", "our", "we",
             "me", "you", "this", "that", "please", "via", "at", "from", "none", "n/a", "todo", "tbd", "unknown"}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PROFILE = re.compile(
    r"(?<![\w.-])(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|linkedin\.com/in|"
    r"twitter\.com|x\.com|kaggle\.com|huggingface\.co)/(?P<handle>[A-Za-z0-9_.-]+)(?P<rest>[^\s)\]}\"'<>,`]*)",
    re.IGNORECASE)
_HOME = re.compile(r"(?:/home/|/Users/|/u/|[A-Za-z]:[\\/]+Users[\\/]+|(?<![\w~])~(?=[A-Za-z][\w.-]*/))"
                   r"(?P<user>[A-Za-z0-9._-]+)")
_HANDLE = re.compile(r"(?<![\w.@/`])@(?P<handle>[A-Za-z0-9][A-Za-z0-9-]{1,38})(?![\w@-]|\.\w)")
_AUTHOR = re.compile(
    r"(?im)^[ \t]*(?:#+|//|/?\*+|--|>|-)?[ \t]*(?:\*\*|__)?"
    r"(?:authors?|written by|created by|maintainers?|contact|candidate)(?:\*\*|__)?[ \t]*(?::|--?|—)"
    r"[ \t]*(?:\*\*|__)?[ \t]*(?P<value>[^\n]{1,160}?)[ \t]*$")
_DUNDER_AUTHOR = re.compile(r"__(?:author|maintainer|email|credits)__\s*=\s*[\[(]?\s*[\"'](?P<value>[^\"'\n]{1,160})")
_GIT_LOG = re.compile(r"(?m)^[0-9a-f]{40} [0-9a-f]{40} (?P<name>[^<\n]+?) <(?P<email>[^>\n]*)>")
_GIT_USER = re.compile(r"(?m)^\s*(?:name|email)\s*=\s*(?P<value>.+?)\s*$")


@dataclass(frozen=True)
class Redaction:
    """One thing taken out of what reviewers read (for the organiser's eyes only).

    ``file`` is the path in the candidate's files (``a.zip!inner/path`` inside a zip), or what
    else was redacted (``re-run log``); ``line`` is 0 for a file or folder name.
    """

    file: str
    line: int
    kind: str
    found: str


@dataclass(frozen=True)
class Terms:
    """The known identifiers of one candidate (normalised), each with its kind, and how to redact them."""

    terms: tuple[tuple[str, str], ...]

    def redact(self, text: str, where: str = "", *, code: bool = False) -> tuple[str, list[Redaction]]:
        """``text`` with every identity replaced by ``[redacted: KIND]``, and what was replaced.

        ``code``: the text is not prose: ``@name`` at the start of a line is a decorator (Python)
        or a silent recipe line (a Makefile), not a handle.
        """
        spans = _pattern_spans(text, code) + self._term_spans(text)
        kept: list[tuple[int, int, str]] = []
        for start, end, kind in sorted(spans, key=lambda span: (span[0], -span[1])):
            if kept and start < kept[-1][1]:
                if end > kept[-1][1]:  # overlapping matches merge into one redaction
                    kept[-1] = (kept[-1][0], end, kept[-1][2])
                continue
            kept.append((start, end, kind))
        redactions = [Redaction(where, text.count("\n", 0, start) + 1, kind, text[start:end])
                      for start, end, kind in kept]
        for start, end, kind in reversed(kept):
            text = text[:start] + f"[redacted: {kind}]" + text[end:]
        return text, redactions

    def redact_path(self, relative: str) -> tuple[str, list[Redaction]]:
        """A relative POSIX path with identities in its parts replaced by ``redacted-KIND``."""
        parts, found = [], []
        for part in relative.split("/"):
            redacted, redactions = self.redact(part, relative)
            found += [Redaction(relative, 0, item.kind, item.found) for item in redactions]
            parts.append(re.sub(r"\[redacted: ([^\]]+)\]", lambda match: "redacted-" + match.group(1).replace(" ", "-"),
                                redacted))
        return "/".join(parts), found

    def holds_any(self, payload: bytes) -> bool:
        """Whether binary ``payload`` holds a term (as UTF-8, case-folded for ASCII) or an e-mail address."""
        lowered = payload.lower()
        return any(term.encode("utf-8") in lowered for term, _kind in self.terms) or \
            re.search(_EMAIL.pattern.encode(), payload) is not None

    def _term_spans(self, text: str) -> list[tuple[int, int, str]]:
        if not self.terms:
            return []
        folded, starts, ends = fold(text)
        kinds = dict(self.terms)
        pattern = "|".join(_term_pattern(term) for term, _kind in self.terms)
        spans = []
        for match in re.finditer(rf"(?<![^\W_])(?:{pattern})(?![^\W_])", folded):
            term = next(term for term, _kind in self.terms if re.fullmatch(_term_pattern(term), match.group()))
            spans.append((starts[match.start()], ends[match.end() - 1], kinds[term]))
        return spans


def fold(text: str) -> tuple[str, list[int], list[int]]:
    """``text`` NFKC-normalised and case-folded, with each folded character's span in ``text``.

    A character and the combining marks after it are normalised together, so a decomposed
    ``é`` folds as the composed one does.
    """
    if text.isascii():
        positions = list(range(len(text)))
        return text.lower(), positions, [position + 1 for position in positions]
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    while at < len(text):
        end = at + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        piece = unicodedata.normalize("NFKC", text[at:end]).casefold()
        out.append(piece)
        starts += [at] * len(piece)
        ends += [end] * len(piece)
        at = end
    return "".join(out), starts, ends


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def _term_pattern(term: str) -> str:
    """A term's words joined by any run of separators: ``ada lovelace`` matches ``Ada_Lovelace``."""
    return r"[\s_.-]+".join(re.escape(word) for word in re.split(r"[\s_.-]+", term) if word)


def _pattern_spans(text: str, code: bool) -> list[tuple[int, int, str]]:
    spans = [(match.start(), match.end(), "e-mail") for match in _EMAIL.finditer(text)]
    spans += [(match.start(), match.end(), "profile URL") for match in _PROFILE.finditer(text)]
    spans += [(match.start("user"), match.end("user"), "home") for match in _HOME.finditer(text)
              if match.group("user").casefold() not in GENERIC_USERS]
    for match in _HANDLE.finditer(text):
        if code and _at_line_start(text, match.start()):
            continue  # a decorator
        spans.append((match.start(), match.end(), "handle"))
    return spans


def _is_code(relative: str) -> bool:
    return not relative.lower().endswith(PROSE_SUFFIXES)


def _at_line_start(text: str, at: int) -> bool:
    return not text[text.rfind("\n", 0, at) + 1:at].strip()


def terms_of(names: Iterable[tuple[str, str]]) -> Terms:
    """The terms for ``names`` (text, kind): each whole; for a name, also each part of at least
    :data:`MIN_TERM_CHARACTERS` characters with a letter; for an e-mail address, its local part.

    A ``file name`` (the zip's or folder's the candidate came in) is matched whole only: its
    parts are often the case's own words (``ada-fake-news.zip``). Handles and home users are
    whole too (``ada-lovelace-1815`` has no part ``1815``).
    """
    found: dict[str, str] = {}
    for text, kind in names:
        text = normalise(text).strip("\"'<>()[],;:*_ \t")
        if len(text) < 2 or text in GENERIC_USERS:
            continue
        if kind == FILE_NAME:
            found.setdefault(text, "name")
            continue
        found.setdefault(text, kind)
        if kind == "e-mail" and "@" in text:
            local = text.split("@")[0]
            if len(local) >= MIN_TERM_CHARACTERS:
                found.setdefault(local, "name")
            continue
        words = [word for word in re.split(r"[\W_]+", text) if word]
        if kind != "name" or len(words) < 2:
            continue
        found.setdefault("".join(words), kind)
        for word in words:
            if len(word) >= MIN_TERM_CHARACTERS and word not in GENERIC_USERS and re.search(r"[^\W\d_]", word):
                found.setdefault(word, kind)
    # Longest first, so a full name wins over its parts at the same place.
    return merged([Terms(tuple(found.items()))])


def identities_in(text: str, relative: str) -> list[tuple[str, str]]:
    """The identifiers a file states: e-mail addresses, profile handles, home users, authors;
    and, for notebooks and ``pyproject.toml``, their authors' metadata."""
    found = [(match.group(), "e-mail") for match in _EMAIL.finditer(text)]
    found += [(match.group("handle"), "handle") for match in _PROFILE.finditer(text)
              if not match.group("rest").strip("/")]  # a profile, not a repository's page
    # A handle opening a line may be a decorator quoted in prose: redacted there, not looked for elsewhere.
    found += [(match.group("handle"), "handle") for match in _HANDLE.finditer(text)
              if not _at_line_start(text, match.start())]
    found += [(match.group("user"), "home") for match in _HOME.finditer(text)]
    for pattern in (_AUTHOR, _DUNDER_AUTHOR):
        for match in pattern.finditer(text):
            found += [(name, "name") for name in _names_in_value(match.group("value"))]
    name = relative.rsplit("/", 1)[-1]
    if name.endswith(".ipynb"):
        found += _notebook_authors(text)
    elif name == "pyproject.toml":
        found += _pyproject_authors(text)
    return found


def _names_in_value(value: str) -> list[str]:
    """The names in an author line's value (``Ada Lovelace <ada@x.org>, Bob``, ``[{name = "Ada"}]``):
    e-mails, URLs, keys (``name =``), quotes and brackets aside."""
    value = _PROFILE.sub(" ", _EMAIL.sub(" ", value))
    value = re.sub(r"[\"'`*<>()\[\]{}]", " ", re.sub(r"\b\w+\s*=", " ", value))
    chunks = (" ".join(chunk.split()) for chunk in re.split(r",|;|\band\b|&", value))
    return [chunk for chunk in chunks if len(chunk) >= 2 and _like_a_name(chunk)]


def _like_a_name(chunk: str) -> bool:
    """Whether an author line's chunk can be a name: a few words of letters, no sentence (``Contact:
    the support team``), so that prose never becomes a term redacted everywhere."""
    words = chunk.split()
    return len(words) <= 4 and all(word[0].isalpha() for word in words) and \
        not {word.casefold() for word in words} & NOT_NAMES


def _notebook_authors(text: str) -> list[tuple[str, str]]:
    try:
        metadata = json.loads(text).get("metadata", {})
    except (ValueError, AttributeError):
        return []
    authors = metadata.get("authors", []) if isinstance(metadata, dict) else []
    found = []
    for author in authors if isinstance(authors, list) else []:
        if isinstance(author, dict):
            found += [(str(author[key]), "e-mail" if key == "email" else "name")
                      for key in ("name", "email") if isinstance(author.get(key), str)]
        elif isinstance(author, str):
            found.append((author, "name"))
    return found


def _pyproject_authors(text: str) -> list[tuple[str, str]]:
    try:
        project = tomllib.loads(text).get("project", {})
    except (tomllib.TOMLDecodeError, AttributeError):
        return []
    found = []
    for field in ("authors", "maintainers"):
        for person in project.get(field, []) if isinstance(project.get(field), list) else []:
            if isinstance(person, dict):
                found += [(str(person[key]), "e-mail" if key == "email" else "name")
                          for key in ("name", "email") if isinstance(person.get(key), str)]
    return found


def git_identities(project: Path) -> list[tuple[str, str]]:
    """Names and e-mail addresses in a project folder's git metadata (its config and the log of HEAD)."""
    found: list[tuple[str, str]] = []
    config, log = project / ".git" / "config", project / ".git" / "logs" / "HEAD"
    if config.is_file() and not config.is_symlink():
        text = _read_capped(config).decode("utf-8", errors="replace")
        user = re.search(r"(?ms)^\[user\](?P<body>.*?)(?=^\[|\Z)", text)
        if user:
            found += [(match.group("value").strip("\"'"), "e-mail" if "@" in match.group("value") else "name")
                      for match in _GIT_USER.finditer(user.group("body"))]
    if log.is_file() and not log.is_symlink():
        for match in _GIT_LOG.finditer(_read_capped(log).decode("utf-8", errors="replace")):
            found += [(match.group("name"), "name"), (match.group("email"), "e-mail")]
    return found


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as stream:
        return stream.read(MAX_FILE_BYTES)


@dataclass(frozen=True)
class ScannedFiles:
    """A candidate's files as read for the scan: their bytes (capped), and those left out unread."""

    files: dict[str, bytes]
    left_out: list[Redaction]


def read_files(root: Path, relative_paths: Iterable[str]) -> ScannedFiles:
    """Read the candidate's files under ``root``, within the caps (see the module docstring)."""
    files: dict[str, bytes] = {}
    left_out: list[Redaction] = []
    total = 0
    for relative in relative_paths:
        path = root / relative
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            left_out.append(Redaction(relative, 0, LEFT_OUT, f"{size:,} bytes: over the {MAX_FILE_BYTES:,} a file "
                                                             f"is scanned"))
        elif total + size > MAX_CANDIDATE_BYTES:
            left_out.append(Redaction(relative, 0, LEFT_OUT, f"over the {MAX_CANDIDATE_BYTES:,} bytes scanned per "
                                                             f"candidate"))
        else:
            files[relative] = _read_capped(path)
            total += size
    return ScannedFiles(files, left_out)


def zipped_texts(payload: bytes, name: str) -> tuple[dict[str, bytes], list[Redaction]]:
    """The entries of a zipped artifact (capped like files; a zip bomb's entries left out), and those left out."""
    entries: dict[str, bytes] = {}
    left_out: list[Redaction] = []
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
    except (zipfile.BadZipFile, OSError) as error:
        return {}, [Redaction(name, 0, LEFT_OUT, f"an unreadable zip ({error})")]
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_ZIP_ENTRIES:
            return {}, [Redaction(name, 0, LEFT_OUT, f"{len(infos):,} entries: over the {MAX_ZIP_ENTRIES:,} scanned")]
        total = 0
        for info in infos:
            where = f"{name}!{info.filename}"
            if unsafe_entry(info.filename):
                left_out.append(Redaction(where, 0, LEFT_OUT, "an unsafe path (absolute, or climbing out with '..')"))
                continue
            if info.file_size > MAX_FILE_BYTES or (info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1) \
                    and info.file_size > 1024**2) or total + info.file_size > MAX_CANDIDATE_BYTES:
                left_out.append(Redaction(where, 0, LEFT_OUT, f"{info.file_size:,} bytes unzipped: over the caps"))
                continue
            try:
                with archive.open(info) as stream:
                    data = stream.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
                left_out.append(Redaction(where, 0, LEFT_OUT, f"unreadable ({error})"))
                continue
            if len(data) > info.file_size:
                left_out.append(Redaction(where, 0, LEFT_OUT, "larger than its header says"))
                continue
            entries[info.filename] = data
            total += len(data)
    return entries, left_out


def unsafe_entry(name: str) -> bool:
    """A zipped entry's path that would leave the folder it is unzipped in."""
    return name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name \
        or os.path.isabs(name)


@dataclass(frozen=True)
class Scan:
    """What the scan found for one candidate: the terms to redact, and the files read."""

    terms: Terms
    files: ScannedFiles


def scan_candidate(root: Path | None, relative_paths: Iterable[str], known: Iterable[tuple[str, str]],
                   git_root: Path | None = None) -> Scan:
    """Read the candidate's files under ``root`` (none for a bare submission) and collect every
    identifier they state, beside those ``known`` (the name, the manifest's, the input's file
    name) and those in ``git_root``'s git metadata."""
    scanned = read_files(root, relative_paths) if root is not None else ScannedFiles({}, [])
    names = list(known)
    if git_root is not None:
        names += git_identities(git_root)
    for relative, payload in scanned.files.items():
        if relative.lower().endswith(".zip"):
            entries, _left_out = zipped_texts(payload, relative)
            texts = {f"{relative}!{inner}": data for inner, data in entries.items()}
        else:
            texts = {relative: payload}
        for where, data in texts.items():
            text = _text(data)
            if text is not None:  # binary: it states nothing the kit can read; copying checks it for the terms
                names += identities_in(text, where)
    return Scan(terms_of(names), scanned)


def merged(all_terms: Iterable[Terms]) -> Terms:
    """The terms of several candidates as one (a term's first kind kept), longest first."""
    found: dict[str, str] = {}
    for terms in all_terms:
        for term, kind in terms.terms:
            found.setdefault(term, kind)
    return Terms(tuple(sorted(found.items(), key=lambda item: (-len(item[0]), item[0]))))


def write_redacted_copy(scanned: ScannedFiles, terms: Terms, destination: Path) -> list[Redaction]:
    """Write the scanned files, with ``terms`` and the patterns redacted, into ``destination``
    (replaced whole, atomically); return every redaction, the files left out included."""
    from casekit.files import atomic

    redactions = list(scanned.left_out)
    written: set[str] = set()
    with atomic.staged_directory(destination) as staging:
        for relative, payload in sorted(scanned.files.items()):
            if relative.lower().endswith(".zip"):
                data, found = _redacted_zip(payload, relative, terms)
            else:
                data, found = _redacted_file(payload, relative, terms)
            redactions += found
            if data is None:
                continue
            target, found = terms.redact_path(relative)
            redactions += found
            target = _unique(target, written)
            (staging / target).parent.mkdir(parents=True, exist_ok=True)
            (staging / target).write_bytes(data)
    return redactions


def _redacted_file(payload: bytes, where: str, terms: Terms) -> tuple[bytes | None, list[Redaction]]:
    text = _text(payload)
    if text is None:
        if terms.holds_any(payload):
            return None, [Redaction(where, 0, LEFT_OUT, "a binary file that holds an identity (it cannot be "
                                                        "redacted in place)")]
        return payload, []
    redacted, found = terms.redact(text, where, code=_is_code(where))
    return redacted.encode("utf-8"), found


def _text(payload: bytes) -> str | None:
    """``payload`` as UTF-8 text, or None for a binary file."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _redacted_zip(payload: bytes, where: str, terms: Terms) -> tuple[bytes | None, list[Redaction]]:
    entries, found = zipped_texts(payload, where)
    if not entries and found:
        return None, found
    buffer = io.BytesIO()
    written: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for inner, data in sorted(entries.items()):
            redacted, more = _redacted_file(data, f"{where}!{inner}", terms)
            found += more
            if redacted is None:
                continue
            name, more = terms.redact_path(inner)
            found += [Redaction(f"{where}!{inner}", 0, item.kind, item.found) for item in more]
            archive.writestr(_unique(name, written), redacted)
    return buffer.getvalue(), found


def _unique(path: str, taken: set[str]) -> str:
    """``path``, or a numbered variant of it when two redacted paths would collide."""
    candidate, number = path, 2
    while candidate in taken:
        stem, dot, suffix = path.rpartition(".")
        candidate = f"{stem}-{number}.{suffix}" if dot and "/" not in suffix else f"{path}-{number}"
        number += 1
    taken.add(candidate)
    return candidate
