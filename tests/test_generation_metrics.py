"""The generation metrics agree with their reference libraries: rouge-score (with stemming) for
ROUGE-1, -2 and -L, and sacrebleu for corpus BLEU, chrF and the length ratio, on random text and
on real text, and a bootstrap resample as a weighted sum of per-row statistics gives what
sacrebleu gives on the resampled corpus."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest
import sacrebleu
from conftest import MIRROR, needs_mirror
from hypothesis import given, settings
from hypothesis import strategies as st
from rouge_score import rouge_scorer

from casekit.cases.incident_titles import synthetic
from casekit.metrics import ngrams
from casekit.metrics.bleu import bleu_statistics, corpus_bleu, length_ratio, tokenize_13a
from casekit.metrics.chrf import chrf, chrf_statistics
from casekit.metrics.faithfulness import faithfulness
from casekit.metrics.ngrams import Sequences
from casekit.metrics.rouge import lcs_lengths, rouge_scores

SCORER = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
# Letters, digits, punctuation 13a splits, spaces of several kinds, accents and emoji.
ALPHABET = st.sampled_from([*"abcdeé fgh-.,:;()&<>0123456789 \t\u00a0XYZ", "&amp;", "ing ", "Ω", "\U0001f525"])
TEXTS = st.lists(ALPHABET, max_size=40).map("".join)


def corpus(rng: np.random.Generator, rows: int, words: list[str]) -> tuple[list[str], list[list[str | None]]]:
    """Texts and up to three references per row (the second and third sometimes missing)."""

    def text() -> str:
        return " ".join(rng.choice(words, size=rng.integers(0, 14)))

    texts = [text() for _ in range(rows)]
    references = [[text() for _ in range(rows)]] + [
        [text() if rng.random() < 0.8 else None for _ in range(rows)] for _ in range(2)
    ]
    return texts, references


def flatten(references: list[list[str | None]]) -> tuple[list[str], np.ndarray]:
    flat, rows = [], []
    for row in range(len(references[0])):
        for stream in references:
            if stream[row] is not None:
                flat.append(stream[row])
                rows.append(row)
    return flat, np.array(rows)


def assert_agrees(texts: list[str], references: list[list[str | None]]) -> None:
    flat, rows = flatten(references)
    ours = rouge_scores(texts, flat, rows)
    for row, text in enumerate(texts):
        expected = SCORER.score_multi([stream[row] for stream in references if stream[row] is not None], text)
        assert ours.rouge1[row] == pytest.approx(expected["rouge1"].fmeasure, abs=1e-12)
        assert ours.rouge2[row] == pytest.approx(expected["rouge2"].fmeasure, abs=1e-12)
        assert ours.rouge_l[row] == pytest.approx(expected["rougeL"].fmeasure, abs=1e-12)
    bleu = sacrebleu.corpus_bleu(texts, references)
    statistics = bleu_statistics(texts, flat, rows).sum(axis=0, keepdims=True)
    assert corpus_bleu(statistics)[0] == pytest.approx(bleu.score, rel=1e-9, abs=1e-9)
    assert length_ratio(statistics)[0] == pytest.approx(bleu.ratio, rel=1e-12)
    expected_chrf = sacrebleu.corpus_chrf(texts, references).score
    assert chrf(chrf_statistics(texts, flat, rows).sum(axis=0, keepdims=True))[0] == pytest.approx(
        expected_chrf, rel=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(TEXTS, TEXTS, st.one_of(st.none(), TEXTS)), min_size=1, max_size=12))
def test_every_metric_agrees_with_its_library_on_random_text(rows):
    texts = [row[0] for row in rows]
    assert_agrees(texts, [[row[1] for row in rows], [row[2] for row in rows]])


def test_13a_tokens_are_sacrebleus_on_random_text():
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a

    tokenizer, rng = Tokenizer13a(), np.random.default_rng(3)
    characters = list("ab0 9.,-:;&()<>[]{}|~`'\"\n\t/@#$%^*+=?!é")
    for _ in range(3_000):
        text = "".join(rng.choice(characters, size=rng.integers(0, 30)))
        assert tokenize_13a(text) == tokenizer(text.rstrip()).split(), repr(text)


def test_every_metric_agrees_with_its_library_on_synthetic_incident_titles():
    titles = synthetic.load(seed=3, scale=0.05)["titles"]
    grouped = titles.groupby("incident")["title"].apply(list)
    texts = [group[0] for group in grouped]
    others = [group[1:] for group in grouped]
    references = [[row[k] if k < len(row) else None for row in others] for k in range(2)]
    assert_agrees(texts, references)


def test_every_metric_agrees_with_its_library_on_real_email_subjects():
    needs_mirror("aeslc-email-subject")
    with zipfile.ZipFile(MIRROR / "aeslc-email-subject" / "AESLC-master.zip") as archive:
        names = sorted(name for name in archive.namelist() if "/test/" in name and name.endswith(".subject"))[:150]
        emails = [
            dict(block.split("\n", 1) for block in archive.read(name).decode().split("\n\n@")[1:]) for name in names
        ]
    texts = [email["ann0"] for email in emails]
    references = [[email[key] for email in emails] for key in ("subject", "ann1", "ann2")]
    assert_agrees(texts, references)


def test_a_bootstrap_resample_is_a_weighted_sum_of_row_statistics():
    texts, references = corpus(
        np.random.default_rng(5),
        300,
        ["disk", "full", "on", "db-1", "kafka", "lag", "after", "deploy", "v2.1.0", "errors", "503", "checkout-api",
         "the"],
    )
    flat, rows = flatten(references)
    bleu_rows, chrf_rows = bleu_statistics(texts, flat, rows), chrf_statistics(texts, flat, rows)
    counts = np.bincount(np.random.default_rng(6).integers(0, len(texts), len(texts)), minlength=len(texts))
    drawn = np.repeat(np.arange(len(texts)), counts)
    resampled = [texts[row] for row in drawn]
    streams = [[stream[row] for row in drawn] for stream in references]
    weights = counts[None, :].astype(float)
    assert corpus_bleu(weights @ bleu_rows)[0] == pytest.approx(
        sacrebleu.corpus_bleu(resampled, streams).score, rel=1e-9
    )
    assert chrf(weights @ chrf_rows)[0] == pytest.approx(sacrebleu.corpus_chrf(resampled, streams).score, rel=1e-9)


def test_bleu_and_chrf_agree_with_sacrebleu_with_one_to_six_references_empty_texts_and_any_script():
    rng = np.random.default_rng(8)
    words = ["disk", "full", "db-1", "", "ошибка", "磁盘已满", "\U0001f525", "v2.1.0", "503,", "kafka.", "é"]
    rows = 40
    texts, _ = corpus(rng, rows, words)
    texts[:3] = ["", " ", "\U0001f525"]
    counts = rng.integers(1, 7, size=rows)
    references = [[" ".join(rng.choice(words, size=rng.integers(0, 9))) if k < count else None for count in counts]
                  for k in range(6)]
    assert_agrees(texts, references)


def test_a_text_with_more_distinct_symbols_than_a_key_holds_is_counted_exactly():
    rng = np.random.default_rng(9)
    alphabet = [chr(0x4E00 + code) for code in range(1_500)]
    # Over a thousand distinct characters in one text: too many for six of them in one 64-bit key.
    wide = "".join(rng.permutation(alphabet))
    texts = [wide, "".join(rng.choice(alphabet[:40], size=60))]
    references = [[wide[:700] + wide[:300], "".join(rng.choice(alphabet[:40], size=50))],
                  [wide[::-1], None]]
    flat, rows = flatten(references)
    assert chrf(chrf_statistics(texts, flat, rows).sum(axis=0, keepdims=True))[0] == pytest.approx(
        sacrebleu.corpus_chrf(texts, references).score, rel=1e-9)
    # And over 32,768 distinct words in one text: too many for four of them in one key.
    words = [f"w{number}" for number in rng.permutation(33_000)]
    texts = [" ".join(words), "w1 w2 w3"]
    references = [[" ".join(words[:20_000] + words[:5]), "w2 w3"], [" ".join(words[::-1]), None]]
    flat, rows = flatten(references)
    statistics = bleu_statistics(texts, flat, rows).sum(axis=0, keepdims=True)
    assert corpus_bleu(statistics)[0] == pytest.approx(sacrebleu.corpus_bleu(texts, references).score, rel=1e-9)


def test_long_texts_with_many_references_count_every_reference():
    rng = np.random.default_rng(10)
    # 5,000-character texts leave room for four counts in a 63-bit word: six texts a row need two.
    texts = ["".join(rng.choice(list("abcd "), size=5_000)) for _ in range(2)]
    references = [["".join(rng.choice(list("abcde "), size=5_000)) for _ in range(2)] for _ in range(5)]
    flat, rows = flatten(references)
    assert chrf(chrf_statistics(texts, flat, rows).sum(axis=0, keepdims=True))[0] == pytest.approx(
        sacrebleu.corpus_chrf(texts, references).score, rel=1e-9)
    statistics = bleu_statistics(texts, flat, rows).sum(axis=0, keepdims=True)
    assert corpus_bleu(statistics)[0] == pytest.approx(sacrebleu.corpus_bleu(texts, references).score, rel=1e-9)


def test_rows_counted_in_many_small_chunks_give_the_same_statistics(monkeypatch):
    texts, references = corpus(np.random.default_rng(11), 200, ["disk", "full", "on", "db-1", "kafka", "lag", "the"])
    flat, rows = flatten(references)
    whole = bleu_statistics(texts, flat, rows), chrf_statistics(texts, flat, rows), rouge_scores(texts, flat, rows)
    monkeypatch.setattr(ngrams, "_CHUNK", 50)
    chunked = bleu_statistics(texts, flat, rows), chrf_statistics(texts, flat, rows), rouge_scores(texts, flat, rows)
    assert np.array_equal(whole[0], chunked[0]) and np.array_equal(whole[1], chunked[1])
    assert np.array_equal(whole[2].rouge2, chunked[2].rouge2)


def test_13a_tokens_of_a_corpus_are_those_of_each_text():
    from casekit.metrics.bleu import tokenize_13a_corpus

    rng = np.random.default_rng(12)
    # The separator the corpus is joined with is among the characters: those texts are tokenised alone.
    pieces = [*"ab0 9.,-:;&()<>\n\t/é", "&amp;", "<skipped>", "-\n", "\ue000", " \ue000 "]
    for _ in range(200):
        texts = ["".join(rng.choice(pieces, size=rng.integers(0, 12))) for _ in range(rng.integers(0, 6))]
        coded = tokenize_13a_corpus(texts)
        tokens = [tokenize_13a(text) for text in texts]
        assert coded.lengths.tolist() == [len(text) for text in tokens]
        assert coded.values.tolist() == Sequences.from_tokens(tokens).values.tolist()


def test_the_bit_parallel_lcs_matches_the_textbook_table_for_long_texts():
    rng = np.random.default_rng(7)
    tokens = [list(rng.integers(0, 5, size=length).astype(str)) for length in (0, 1, 63, 64, 65, 130, 40, 200)]
    texts = Sequences.from_tokens(tokens)
    left, right = np.repeat(np.arange(8), 8), np.tile(np.arange(8), 8)

    def table(a, b):
        previous = [0] * (len(b) + 1)
        for x in a:
            current = [0]
            for j, y in enumerate(b, start=1):
                current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[-1]))
            previous = current
        return previous[-1]

    assert lcs_lengths(texts, left, right).tolist() == [
        table(tokens[a], tokens[b]) for a, b in zip(left, right, strict=True)
    ]


def test_faithfulness_finds_identifiers_as_whole_tokens_case_insensitively():
    result = faithfulness(
        ["Checkout-API down", "checkout-api down", "v2.1 rollback", "no identifier"],
        ["alert: checkout-api 5xx", "alert: checkout-api-canary 5xx", "deployed v2.14", ""],
        [r"(?i)\b[a-z]+(?:-[a-z]+)*-api\b", r"\bv\d+\.\d+\b"],
    )
    assert result.faithful.tolist() == [True, False, False, True]
    assert result.unsupported == [[], ["checkout-api"], ["v2.1"], []]
