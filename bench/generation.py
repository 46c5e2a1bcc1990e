"""Generation metrics on a 100k-row submission: ours beside rouge-score and sacrebleu, same data, same run.

Prints, for 100k rows of incident-style titles with three references each:

* ROUGE-1/2/L (best reference), corpus BLEU and corpus chrF: our vectorised implementation,
  then the libraries (rouge-score with stemming; sacrebleu) on a 10k-row slice, extrapolated
  linearly to 100k (both are per-row loops; ROUGE alone would take minutes at 100k);
* the whole evaluation of the 100k-row submission through the task: the file checked and
  decoded, every metric, and 1,000 bootstrap resamples of the ids (the intervals), as
  ``casekit evaluate`` runs it with the baselines' scores cached.

Wall and CPU seconds are both printed: on a shared machine the wall time is inflated.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from casekit import tasks
from casekit.cases.incident_titles import synthetic
from casekit.metrics.bleu import bleu_statistics
from casekit.metrics.chrf import chrf_statistics
from casekit.metrics.rouge import rouge_scores
from casekit.scoring.model_scores import score_model

ROWS = 100_000
LIBRARY_ROWS = 10_000


def timed(label: str, function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    print(f"  {label:<52} wall {time.perf_counter() - wall:7.2f} s   cpu {time.process_time() - cpu:7.2f} s")
    return result, time.perf_counter() - wall


def data() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """100k incidents (inputs), a submission (one engineer's title) and three references each."""
    tables = synthetic.load(seed=11, scale=ROWS / synthetic.DEFAULT_INCIDENTS * 1.02)
    incidents = tables["incidents"].head(ROWS)
    titles = tables["titles"][tables["titles"]["incident"] < ROWS]
    ids = incidents["incident"].map(lambda number: f"INC-{number:07d}")
    first = titles.drop_duplicates("incident")
    submission = pd.DataFrame({"incident_id": ids.to_numpy(), "title": first["title"].to_numpy()})
    # References: the other engineers' titles, and one more from a shifted incident so every row has three.
    rest = titles.drop(index=first.index)
    shifted = first.assign(incident=(first["incident"] + 1) % ROWS)
    references = pd.concat([rest, shifted]).sort_values("incident", kind="stable").groupby("incident").head(3)
    answers = pd.DataFrame({"incident_id": references["incident"].map(lambda n: f"INC-{n:07d}").to_numpy(),
                            "title": references["title"].to_numpy()})
    inputs = incidents.assign(incident_id=ids)
    return inputs, submission, answers


def main() -> None:
    inputs, submission, answers = data()
    task = tasks.load_case("incident-titles", "synthetic")
    truth = task.truth(answers, (), inputs={"test": inputs[task.scoring_inputs()["test"]]})
    texts, references, ref_row = list(submission["title"]), list(truth.references), truth.ref_row
    print(f"{ROWS:,} rows, {len(references):,} references; "
          f"libraries timed on {LIBRARY_ROWS:,} rows, x{ROWS // LIBRARY_ROWS}")

    print("ours (all rows):")
    _, rouge_ours = timed("ROUGE-1/2/L", rouge_scores, texts, references, ref_row)
    _, bleu_ours = timed("BLEU statistics", bleu_statistics, texts, references, ref_row)
    _, chrf_ours = timed("chrF statistics", chrf_statistics, texts, references, ref_row)

    import sacrebleu
    from rouge_score import rouge_scorer

    cut = int(np.searchsorted(ref_row, LIBRARY_ROWS))
    few_texts, few_refs, few_rows = texts[:LIBRARY_ROWS], references[:cut], ref_row[:cut]
    grouped = [[] for _ in range(LIBRARY_ROWS)]
    for reference, row in zip(few_refs, few_rows, strict=True):
        grouped[row].append(reference)
    streams = [[group[k] if k < len(group) else None for group in grouped] for k in range(3)]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scale = ROWS / LIBRARY_ROWS
    print(f"libraries ({LIBRARY_ROWS:,} rows):")
    _, rouge_lib = timed("rouge-score score_multi, stemming",
                         lambda: [scorer.score_multi(group, text)
                                  for group, text in zip(grouped, few_texts, strict=True)])
    _, bleu_lib = timed("sacrebleu corpus_bleu", sacrebleu.corpus_bleu, few_texts, streams)
    _, chrf_lib = timed("sacrebleu corpus_chrf", sacrebleu.corpus_chrf, few_texts, streams)
    print(f"at {ROWS:,} rows (wall): ROUGE ours {rouge_ours:.1f} s vs rouge-score ~{rouge_lib * scale:.0f} s; "
          f"BLEU ours {bleu_ours:.1f} s vs sacrebleu ~{bleu_lib * scale:.0f} s; "
          f"chrF ours {chrf_ours:.1f} s vs sacrebleu ~{chrf_lib * scale:.0f} s")

    print("the whole evaluation through the task (check, decode, metrics, 1,000 resamples):")
    fresh_task = tasks.load_case("incident-titles", "synthetic")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "predictions.csv"
        submission.to_csv(path, index=False)

        def evaluate():
            checked = fresh_task.check_submission(path, (), truth.ids)
            assert checked.report.ok, checked.report.summary()
            predictions = fresh_task.decode(checked.frame, (), truth.ids)
            return score_model(fresh_task, truth, predictions, resamples=1000, seed=20240917)

        scores, _ = timed("check + decode + metrics + bootstrap", evaluate)
    print("  " + ", ".join(f"{name} {value:.4f}" for name, value in scores.points.items()))


if __name__ == "__main__":
    main()
