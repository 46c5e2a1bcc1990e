"""``casekit review`` end to end on a reviewer-issued ticket instance (the real nlbse24 source).

Three candidates: Ada's project (the baseline starter, run for real), Bob's pack (Ada's code
with a doctored submission, which the re-run catches) and a bare file under a hostile name
(the sample submission: one label for every row). Then a batch whose pipelines time out or
cannot be installed, and a batch of twenty bare files reviewed two at a time.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from browser import INSTALL_HINT, Page, chromium
from conftest import NLBSE24_SIZE, casekit, needs_mirror, shared_key_store
from mlflow import MlflowClient

from casekit.outputs.tracking import experiment_name
from casekit.review.rubric import tomllib

pytestmark = pytest.mark.slow

HOSTILE = "=cmd|' /C calc'!A0 <b>Carol</b>"
DESIGN_WORDS = "We route tickets with a linear model over word and bigram counts of the subject and body. " * 6


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> SimpleNamespace:
    """A reviewer's instance and the three candidates' inputs."""
    needs_mirror()
    root = tmp_path_factory.mktemp("review")
    # The session's key store and the session project's seed: the instance's baselines are trained once.
    keys = shared_key_store()
    ada = root / "ada"
    casekit("new", "tickets", "--source", "nlbse24", *NLBSE24_SIZE,
            "--seed", "11", "--keys-dir", keys, "--candidate", "Ada",
            "-o", ada, check=True)
    run = subprocess.run(["make", "run", f"PYTHON={sys.executable}"], cwd=ada, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    design = ada / "DESIGN.md"
    design.write_text(design.read_text().replace("## Design\n", f"## Design\n\n{DESIGN_WORDS}\n"))

    bob = root / "bob"
    shutil.copytree(ada, bob)
    metadata = json.loads((bob / "casekit.json").read_text())
    submission = pd.read_csv(bob / "submission" / "predictions.csv", dtype={"ticket_id": str})
    submission.loc[submission.index % 3 == 0, "category"] = "bug"  # doctored: not what the code writes
    submission.to_csv(bob / "submission" / "predictions.csv", index=False)
    casekit("pack", bob, "-o", root / "bob.zip", check=True)

    carol = root / "carol.csv"
    shutil.copy(ada / "data" / "sample_submission.csv", carol)
    # Named on the command line: the issued casekit.json (which names Ada) must not be edited.
    return SimpleNamespace(root=root, keys=keys, ada=ada, pack=f"Bob={root / 'bob.zip'}", bare=carol,
                           instance=metadata["instance_id"])


def candidates_in(folder: Path) -> list[dict]:
    with (folder / "leaderboard.csv").open(newline="") as stream:
        return [row for row in csv.DictReader(stream) if row["kind"] == "candidate"]


def latest_review(folder: Path, slug: str) -> dict:
    return json.loads((sorted((folder / "candidates" / slug).iterdir())[-1] / "review.json").read_text())


def review_runs(folder: Path, instance: str) -> list:
    client = MlflowClient()
    experiment = client.get_experiment_by_name(experiment_name("tickets", instance))
    return client.search_runs([experiment.experiment_id], f"tags.`casekit.review.output` = '{folder}'")


@pytest.fixture(scope="module")
def reviewed(issued) -> SimpleNamespace:
    output = issued.root / "review"
    result = casekit("review", issued.ada, issued.pack, f"{HOSTILE}={issued.bare}", "--rerun", "--jobs", "2",
                     "--keys-dir", issued.keys, "-o", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return SimpleNamespace(output=output, result=result)


def test_the_leaderboard_ranks_the_candidates_by_their_metric(reviewed):
    rows = candidates_in(reviewed.output)
    assert [row["candidate"] for row in rows] == ["Ada", "Bob", "'" + HOSTILE]
    assert [row["rank"] for row in rows] == ["1", "2", "3"]
    # Bob is ranked on what his code makes, which is Ada's code: his doctored file does not count.
    assert float(rows[0]["value"]) == float(rows[1]["value"]) > float(rows[2]["value"])
    assert rows[2]["versus_baselines"] == "ties trivial"


def test_tiers_open_where_a_candidate_is_significantly_below_the_one_that_opened_the_tier_above(reviewed):
    rows = candidates_in(reviewed.output)
    assert [row["tier"] for row in rows] == ["1", "1", "2"]
    assert rows[1]["tier_test"].startswith("stays in tier 1: not significantly below Ada")
    assert rows[2]["tier_test"].startswith("opens tier 2: significantly below Ada")


def test_the_terminal_shows_the_leaderboard_and_the_batch_summary(reviewed):
    out = reviewed.result.stdout
    assert "Leaderboard" in out and HOSTILE in out and "3 scored" in out and "3 MLflow runs" in out


def test_each_candidate_is_logged_to_mlflow_with_its_name(reviewed, issued):
    runs = review_runs(reviewed.output, issued.instance)
    assert sorted(run.data.tags["casekit.candidate"] for run in runs) == sorted(["Ada", "Bob", HOSTILE])
    assert all("final_score" in run.data.metrics and run.data.tags["casekit.role"] == "candidate" for run in runs)


def test_each_review_json_names_its_mlflow_run(reviewed, issued):
    runs = {run.data.tags["casekit.candidate"]: run.info.run_id
            for run in review_runs(reviewed.output, issued.instance)}
    slugs = {"Ada": "ada", "Bob": "bob"}
    assert {name: latest_review(reviewed.output, slug)["run_id"] for name, slug in slugs.items()} == \
        {name: runs[name] for name in slugs}


def test_the_rerun_reproduces_the_project_in_the_sandbox_and_reports_time_and_memory(reviewed):
    ada = latest_review(reviewed.output, "ada")
    assert ada["rerun_status"] == "reproduced"
    assert "sandbox" in ada["rerun_isolation"] and "no network" in ada["rerun_isolation"]
    assert ada["rerun_seconds"] > 0 and ada["rerun_peak_memory_mb"] > 50
    engineering = next(part for part in ada["final"]["parts"] if part["name"] == "engineering")
    assert engineering["value"] == 1.0


def test_the_rerun_catches_a_submission_the_code_does_not_produce(reviewed):
    bob = latest_review(reviewed.output, "bob")
    assert bob["kind"] == "pack" and bob["rerun_status"] == "differs"
    assert "from the submitted" in bob["rerun_summary"]
    assert bob["verification"]["verdict"] == "not_reproduced"
    assert bob["primary_value"] == bob["verification"]["rerun"] > bob["verification"]["submitted"]


def test_a_bare_file_is_scored_without_a_rerun(reviewed):
    carol = next(path.name for path in (reviewed.output / "candidates").iterdir() if "carol" in path.name)
    review = latest_review(reviewed.output, carol)
    assert review["kind"] == "submission" and review["rerun_status"] == "no code"


def test_rubric_files_are_prefilled_from_design_md(reviewed):
    rubrics = sorted(path.name for path in (reviewed.output / "rubrics").iterdir())
    assert len(rubrics) == 3 and "ada.toml" in rubrics
    ada = tomllib.loads((reviewed.output / "rubrics" / "ada.toml").read_text())
    assert "score" not in ada["design"]  # written: left to the reviewer
    assert ada["assumptions"]["score"] == 0  # the template's prompt only


def test_candidate_text_is_escaped_in_the_csv_and_the_html(reviewed):
    csv_text = (reviewed.output / "leaderboard.csv").read_text()
    assert "\n1,1,candidate,Ada" in csv_text and ",'=cmd|" in csv_text and ",=cmd|" not in csv_text
    html = (reviewed.output / "leaderboard.html").read_text()
    assert "<b>Carol</b>" not in html and "&lt;b&gt;Carol&lt;/b&gt;" in html


def test_a_completed_rubric_is_read_back_by_the_next_review(reviewed, issued, tmp_path):
    output = tmp_path / "again"
    shutil.copytree(reviewed.output, output)
    rubric = output / "rubrics" / "ada.toml"
    rubric.write_text(rubric.read_text().replace("# score = ", "score = 3").replace("score = 0  #", "score = 3  #"))
    completed = rubric.read_text()
    casekit("review", issued.ada, "--keys-dir", issued.keys, "-o", output, "--no-track", check=True)
    review = latest_review(output, "ada")
    rubric_part = next(part for part in review["final"]["parts"] if part["name"] == "rubric")
    assert rubric_part["value"] == 1.0 and "complete" in rubric_part["explanation"]
    assert review["rubric_scored"] == 10
    assert rubric.read_text() == completed


def test_reports_render_in_headless_chromium(reviewed, tmp_path):
    if chromium() is None:
        pytest.skip(INSTALL_HINT)
    report = sorted((reviewed.output / "candidates" / "ada").iterdir())[-1] / "report.html"
    with Page(report.as_uri()) as page:
        assert "Ada" in page.evaluate("document.querySelector('h1').innerText")
        assert page.evaluate("document.querySelectorAll('#metrics tbody tr').length") >= 4
        assert page.evaluate("document.querySelector('#final-score').innerText").count("engineering") == 1
        images = page.evaluate("[...document.images].map(image => [image.complete, image.naturalWidth])")
        assert images and all(complete and width > 100 for complete, width in images)
        page.screenshot(tmp_path / "report.png")
    with Page((reviewed.output / "leaderboard.html").as_uri()) as page:
        text = page.evaluate("document.querySelector('#ranking').innerText")
        assert "Ada" in text and "Bob" in text and HOSTILE in text
        assert page.evaluate("document.querySelectorAll('#ranking a').length") == 3


@pytest.fixture(scope="module")
def failing(issued) -> SimpleNamespace:
    """Dana's pipeline outlives its time limit (after printing what it can see); Erin's cannot install."""
    dana, erin = issued.root / "dana", issued.root / "erin"
    for folder in (dana, erin):
        shutil.copytree(issued.ada, folder)
    pipeline = dana / "src" / "tickets_solution" / "pipeline.py"
    pipeline.write_text(pipeline.read_text().replace(
        "def main() -> int:\n",
        "def main() -> int:\n    import os\n    print('KEYS', os.environ.get('CASEKIT_KEYS_DIR'), flush=True)\n"
        "    print('THREADS', os.environ.get('OMP_NUM_THREADS'), os.environ.get('OPENBLAS_NUM_THREADS'), flush=True)\n"
        "    time.sleep(600)\n"))
    pyproject = erin / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pandas>=2.1",', '"pandas>=2.1", "not a requirement!",'))
    output = issued.root / "failing"
    result = casekit("review", f"Dana={dana}", f"Erin={erin}", "--rerun", "--time-limit", "15", "--jobs", "2",
                     "--keys-dir", issued.keys, "-o", output)
    return SimpleNamespace(output=output, result=result)


def test_a_pipeline_past_its_time_limit_is_reported_and_left_unranked(failing):
    assert failing.result.returncode == 0, failing.result.stderr
    dana = latest_review(failing.output, "dana")
    assert dana["status"] == "scored" and dana["verification"]["submitted"] > 0.5
    assert dana["rerun_status"] == "timed out" and "time limit of 15 s" in dana["rerun_summary"]
    row = next(row for row in candidates_in(failing.output) if row["candidate"] == "Dana")
    assert row["rank"] == "" and "time limit of 15 s" in row["tier_test"]


def test_a_project_that_cannot_be_installed_is_reported_and_left_unranked(failing):
    erin = latest_review(failing.output, "erin")
    assert erin["status"] == "scored" and erin["verification"]["verdict"] == "unproven"
    assert erin["rerun_status"] == "install failed" and "not a requirement!" in erin["rerun_summary"]
    rows = candidates_in(failing.output)
    assert [row["candidate"] for row in rows] == ["Dana", "Erin"] and [row["rank"] for row in rows] == ["", ""]


def test_the_rerun_environment_does_not_name_the_key_store(failing):
    log = sorted((failing.output / "candidates" / "dana").iterdir())[-1] / "rerun" / "pipeline.log"
    assert "KEYS None" in log.read_text()


def test_each_of_two_reruns_at_a_time_gets_half_the_cores_for_its_thread_pools(failing):
    log = sorted((failing.output / "candidates" / "dana").iterdir())[-1] / "rerun" / "pipeline.log"
    share = str(max(1, len(os.sched_getaffinity(0)) // 2))  # --jobs 2
    assert f"THREADS {share} {share}" in log.read_text()


def test_twenty_bare_submissions_two_at_a_time_log_twenty_runs(issued, tmp_path):
    sample = pd.read_csv(issued.bare, dtype=str)
    labels = ["bug", "feature", "question"]
    inputs = []
    for number in range(20):
        path = tmp_path / f"c{number:02d}.csv"
        sample.assign(category=[labels[(row * (number + 1)) % 3] for row in range(len(sample))]).to_csv(path,
                                                                                                        index=False)
        inputs.append(f"candidate {number:02d}={path}")
    output = tmp_path / "twenty"
    result = casekit("review", *inputs, "--instance", issued.instance, "--jobs", "2", "--keys-dir", issued.keys,
                     "-o", output)
    assert result.returncode == 0, result.stderr
    assert "locked" not in result.stdout + result.stderr
    assert len(candidates_in(output)) == 20
    runs = review_runs(output, issued.instance)
    assert sorted(run.data.tags["casekit.candidate"] for run in runs) == [f"candidate {n:02d}" for n in range(20)]


def test_a_bare_file_without_an_instance_is_a_usage_error(issued, tmp_path):
    result = casekit("review", f"Carol={issued.bare}", "--keys-dir", issued.keys, "-o", tmp_path / "out")
    assert result.returncode == 2 and "--instance" in result.stderr and "Traceback" not in result.stderr


def test_the_same_candidate_twice_is_a_usage_error(issued, tmp_path):
    result = casekit("review", issued.ada, issued.ada, "--keys-dir", issued.keys, "-o", tmp_path / "out")
    assert result.returncode == 2 and "'Ada' is given more than once" in result.stderr


def test_an_invalid_submission_is_listed_and_the_batch_exits_1(issued, tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("ticket_id,category\nT-nope,bug\n")
    result = casekit("review", issued.ada, f"Broken={broken}", "--keys-dir", issued.keys, "-o", tmp_path / "out",
                     "--no-track")
    assert result.returncode == 1
    rows = {row["candidate"]: row for row in candidates_in(tmp_path / "out")}
    assert rows["Broken"]["status"] == "invalid" and "not in the test set" in rows["Broken"]["message"]
    assert rows["Ada"]["rank"] == "1"


def test_a_folder_that_holds_something_else_is_not_used_for_output(issued, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = casekit("review", issued.ada, "--keys-dir", issued.keys, "-o", tmp_path)
    assert result.returncode == 2 and "choose another -o" in result.stderr
