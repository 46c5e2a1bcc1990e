"""Pinned downloads: mirror, cache and official URL, every file checked against its sha256."""

from __future__ import annotations

import hashlib
import http.server
import io
import shutil
import threading
import zipfile

import pytest
from conftest import MIRROR, needs_mirror

from casekit.cases.downloads import DataSourceError, fetch
from casekit.cases.spec import RemoteFile
from casekit.cases.tickets import nlbse24

PAYLOAD = b"id,label\n1,a\n"
SHA = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def server(tmp_path):
    """A local HTTP server standing in for the official location (the only network here)."""
    root = tmp_path / "site"
    root.mkdir()
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture
def no_mirror(monkeypatch, tmp_path):
    monkeypatch.delenv("CASEKIT_DATA_MIRROR", raising=False)
    monkeypatch.setenv("CASEKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_nlbse24_loads_from_the_mirror_with_the_official_split():
    needs_mirror()
    tables = nlbse24.load(seed=0)
    assert {name: len(frame) for name, frame in tables.items()} == {"train": 1500, "test": 1500}
    for frame in tables.values():
        assert list(frame.columns) == ["created_at", "product_area", "subject", "body", "category"]
        assert frame["category"].value_counts().to_dict() == {"bug": 500, "feature": 500, "question": 500}
        assert frame["product_area"].nunique() == 5
    assert tables["train"]["body"].str.contains("\n").any()  # multi-line bodies survive the parse


def test_a_mirror_file_that_does_not_match_its_sha256_is_refused(tmp_path, monkeypatch):
    needs_mirror()
    mirror = tmp_path / "mirror" / nlbse24.DATASET
    shutil.copytree(MIRROR / nlbse24.DATASET, mirror)
    (mirror / "issues_test.csv").write_bytes((mirror / "issues_test.csv").read_bytes() + b"\n")
    monkeypatch.setenv("CASEKIT_DATA_MIRROR", str(tmp_path / "mirror"))
    with pytest.raises(DataSourceError, match=r"issues_test\.csv.*does not match the pinned"):
        nlbse24.load(seed=0)


def test_a_file_missing_from_the_mirror_is_an_error_not_a_download(tmp_path, monkeypatch):
    monkeypatch.setenv("CASEKIT_DATA_MIRROR", str(tmp_path))
    with pytest.raises(DataSourceError, match="not found in the mirror"):
        fetch("nothing", (RemoteFile("x.csv", "http://127.0.0.1:9/x.csv", SHA),))


def test_a_download_is_verified_then_cached(server, no_mirror):
    root, url = server
    (root / "x.csv").write_bytes(PAYLOAD)
    path = fetch("demo", (RemoteFile("x.csv", f"{url}/x.csv", SHA),))["x.csv"]
    assert path == no_mirror / "demo" / "x.csv" and path.read_bytes() == PAYLOAD
    (root / "x.csv").unlink()  # the cache answers from now on
    assert fetch("demo", (RemoteFile("x.csv", f"{url}/x.csv", SHA),))["x.csv"].read_bytes() == PAYLOAD


def test_a_download_with_the_wrong_sha256_is_not_cached(server, no_mirror):
    root, url = server
    (root / "x.csv").write_bytes(PAYLOAD + b"tampered")
    with pytest.raises(DataSourceError, match="does not match the pinned"):
        fetch("demo", (RemoteFile("x.csv", f"{url}/x.csv", SHA),))
    assert not (no_mirror / "demo").exists() or not any((no_mirror / "demo").iterdir())


def test_an_archive_member_is_extracted_and_both_are_verified(server, no_mirror):
    root, url = server
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("inner/x.csv", PAYLOAD)
    (root / "bundle.zip").write_bytes(buffer.getvalue())
    remote = RemoteFile("x.csv", f"{url}/bundle.zip", SHA, archive_member="inner/x.csv",
                        archive_sha256=hashlib.sha256(buffer.getvalue()).hexdigest())
    assert fetch("demo", (remote,))["x.csv"].read_bytes() == PAYLOAD


def test_an_unreachable_url_names_the_url_and_the_mirror_setting(no_mirror):
    with pytest.raises(DataSourceError, match=r"127\.0\.0\.1:9/x\.csv: download failed.*CASEKIT_DATA_MIRROR"):
        fetch("demo", (RemoteFile("x.csv", "http://127.0.0.1:9/x.csv", SHA),))
