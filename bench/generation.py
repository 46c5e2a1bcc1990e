"""Generation metrics on a 100k-row submission: ours beside rouge-score and sacrebleu, same data, same run.

Prints, for 100k rows of incident-style titles with three references each:

* ROUGE-1/2/L (best reference), BLEU and chrF statistics: our vectorised implementation on all
  rows, then the libraries (rouge-score with stemming; ``sacrebleu.corpus_bleu`` and
  ``corpus_chrf``) on a 10k-row slice, as time per row. BLEU and chrF are timed twice each,
  ours and the library's interleaved, and the best of the two is kept (others share the machine);
* the whole evaluation of the 100k-row submission through the task, in CPU seconds (all
  threads): the file checked and decoded, every metric (ROUGE, BLEU, chrF, length ratio,
  faithfulness) and 1,000 bootstrap resamples of the ids (the intervals), as ``casekit
  evaluate`` runs it with the baselines' scores cached. The target is under 10 s.

Wall and CPU seconds are both printed: on a shared machine the wall time is inflated, and the
ratios per row are taken on CPU time.
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
REPEATS = 2


def timed(label: str, function, *args):
    """Run ``function(*args)``, print its wall and CPU seconds, return (result, cpu seconds)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    spent = time.process_time() - cpu
    print(f"  {label:<52} wall {time.perf_counter() - wall:7.2f} s   cpu {spent:7.2f} s")
    return result, spent


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

    import sacrebleu
    from rouge_score import rouge_scorer

    cut = int(np.searchsorted(ref_row, LIBRARY_ROWS))
    few_texts, few_refs, few_rows = texts[:LIBRARY_ROWS], references[:cut], ref_row[:cut]
    grouped = [[] for _ in range(LIBRARY_ROWS)]
    for reference, row in zip(few_refs, few_rows, strict=True):
        grouped[row].append(reference)
    streams = [[group[k] if k < len(group) else None for group in grouped] for k in range(3)]
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)

    ours: dict[str, float] = {}
    theirs: dict[str, float] = {}
    print(f"ours on {ROWS:,} rows / the library on {LIBRARY_ROWS:,} rows:")
    _, ours["ROUGE"] = timed("ours: ROUGE-1/2/L", rouge_scores, texts, references, ref_row)
    _, theirs["ROUGE"] = timed("rouge-score score_multi, stemming",
                               lambda: [scorer.score_multi(group, text)
                                        for group, text in zip(grouped, few_texts, strict=True)])
    for _ in range(REPEATS):
        for name, statistics, library in (("BLEU", bleu_statistics, sacrebleu.corpus_bleu),
                                          ("chrF", chrf_statistics, sacrebleu.corpus_chrf)):
            _, spent = timed(f"ours: {name} statistics", statistics, texts, references, ref_row)
            ours[name] = min(spent, ours.get(name, spent))
            _, spent = timed(f"sacrebleu corpus_{name.lower()}", library, few_texts, streams)
            theirs[name] = min(spent, theirs.get(name, spent))
    print("per row (CPU, best of the runs above):")
    for name, library in (("ROUGE", "rouge-score"), ("BLEU", "sacrebleu"), ("chrF", "sacrebleu")):
        mine, other = ours[name] / ROWS * 1e6, theirs[name] / LIBRARY_ROWS * 1e6
        print(f"  {name:<6} ours {mine:6.1f} us/row   {library} {other:7.1f} us/row   {other / mine:5.1f}x")

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

        scores, spent = timed("check + decode + metrics + bootstrap", evaluate)
    print(f"  {spent:.1f} s of CPU for the whole evaluation (target: under 10 s)")
    print("  " + ", ".join(f"{name} {value:.4f}" for name, value in scores.points.items()))


if __name__ == "__main__":
    main()
