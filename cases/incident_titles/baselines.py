"""Reference title generators, from trivial to strong.

Each builder returns an unfitted model with scikit-learn's protocol: ``fit(table, titles)`` on
the training rows (every column but the id and the title) and ``predict(table)`` returning one
title per row. No pretrained weights: everything is learnt from the training rows.

* :class:`FirstWords` (trivial): the first words of the on-call note (or the email body), as many
  as a typical title has.
* :class:`NearestTitle` (classical): the title of the most similar training row by TF-IDF
  cosine, with its identifiers (services, versions, error codes; numbers and acronyms in email)
  replaced by this row's own of the same kind, where it has one.
* :class:`SlotFillingTitler` (strong, incidents): LightGBM picks the service among those the
  inputs name, and the symptom and the cause among those the house-style titles use, and writes
  them in the house style ``[SEVn] service: symptom (cause)``.
* :class:`ExtractiveTitler` (strong, email): LightGBM scores candidates (spans at the start of
  the body's first lines, and the subjects of the most similar training emails) by how much of
  the subject they would recover, less a penalty for naming what the body does not hold.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from casekit.cases.incident_titles import identifiers

TEXT_COLUMNS = ["alerts", "metric_anomalies", "error_logs", "deploys", "oncall_note", "body"]
NOTE_COLUMNS = ["oncall_note", "body"]
HOUSE_STYLE = re.compile(r"^\[SEV(\d)\] (\S+): (.+?)(?: \((.+)\))?$")
_SERVICE = re.compile(identifiers.SERVICE)
_VERSION = re.compile(identifiers.VERSION)
_STATUS = re.compile(identifiers.HTTP_STATUS)
_TOPIC = re.compile(r"\b[a-z]+\.[a-z]+\b")
_WORD = re.compile(r"\w+")
# LightGBM's OpenMP threads spin-wait; one thread is faster on a busy two-core machine.
LIGHTGBM: dict[str, Any] = {"n_jobs": 1, "verbose": -1, "random_state": 0}


def row_text(frame: pd.DataFrame) -> pd.Series:
    """The text columns a table has, as one string per row."""
    present = [column for column in TEXT_COLUMNS if column in frame.columns]
    return frame[present].fillna("").astype(str).agg("\n".join, axis=1)


def _note(frame: pd.DataFrame) -> pd.Series:
    column = next(column for column in NOTE_COLUMNS if column in frame.columns)
    return frame[column].fillna("").astype(str)


class FirstWords:
    """The first words of the note (or body), as many as the median training title has."""

    def fit(self, frame: pd.DataFrame, titles: pd.Series) -> FirstWords:
        self.words_ = max(1, int(np.median([len(title.split()) for title in titles])))
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.array([" ".join(note.split()[: self.words_]) for note in _note(frame)], dtype=object)


class NearestTitle:
    """The most similar training row's title (TF-IDF cosine), its identifiers swapped for this row's."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns

    def fit(self, frame: pd.DataFrame, titles: pd.Series) -> NearestTitle:
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=50_000,
                                           token_pattern=r"[A-Za-z0-9][\w.-]*")
        self.matrix_ = normalize(self.vectorizer_.fit_transform(row_text(frame)))
        self.titles_ = np.asarray(titles, dtype=object)
        self.compiled_ = [re.compile(pattern) for pattern in self.patterns]
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        texts = row_text(frame)
        queries = normalize(self.vectorizer_.transform(texts))
        nearest = np.concatenate([np.asarray((queries[start:start + 2000] @ self.matrix_.T).argmax(axis=1)).ravel()
                                  for start in range(0, queries.shape[0], 2000)])
        return np.array([self._swap(self.titles_[index], text) for index, text in zip(nearest, texts, strict=True)],
                        dtype=object)

    def _swap(self, title: str, inputs: str) -> str:
        """Each identifier of ``title`` replaced by the next one of the same kind in ``inputs``."""
        for pattern in self.compiled_:
            own = list(dict.fromkeys(match.group(0) for match in pattern.finditer(inputs)))
            theirs = list(dict.fromkeys(match.group(0) for match in pattern.finditer(title)))
            mapping = dict(zip(theirs, own, strict=False))
            if mapping:
                title = pattern.sub(partial(_swapped, mapping), title)
        return title


def _swapped(swaps: dict[str, str], match: re.Match[str]) -> str:
    return swaps.get(match.group(0), match.group(0))


def first_words() -> FirstWords:
    return FirstWords()


def nearest_incident_title() -> NearestTitle:
    return NearestTitle(identifiers.INCIDENT_PATTERNS)


def nearest_email_subject() -> NearestTitle:
    return NearestTitle(identifiers.EMAIL_PATTERNS)


class SlotFillingTitler:
    """Service, symptom and cause picked by LightGBM, written in the house style.

    The symptom is a class: the phrases the house-style training titles use (versions, services
    and status codes written as ``{version}``, ``{service}`` and ``{code}``, filled in from this
    incident's deploys and errors); the cause is the one house-style titles give that symptom
    most often. The service is the best-scored of those the inputs name, scored on where and how
    often each is named.
    """

    def fit(self, frame: pd.DataFrame, titles: pd.Series) -> SlotFillingTitler:
        parsed = [HOUSE_STYLE.match(str(title)) for title in titles]
        house = np.array([match is not None for match in parsed])
        # Words only (no names, numbers or versions): what kind of failure it is, not where.
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, min_df=5, max_features=2_000, binary=True,
                                           token_pattern=r"[A-Za-z][A-Za-z_]+")
        features = self.vectorizer_.fit_transform(row_text(frame))
        symptoms = [_template(match.group(3)) for match in parsed if match]
        causes = [_template(match.group(4) or "") for match in parsed if match]
        self.symptom_ = self._classifier(features[house], symptoms)
        pairs = pd.DataFrame({"symptom": symptoms, "cause": causes})
        self.cause_ = pairs.groupby("symptom")["cause"].agg(lambda values: values.value_counts().index[0]).to_dict()
        candidates, labels = [], []
        for row, title in zip(frame.to_dict("records"), titles, strict=True):
            named = {match.group(0).lower() for match in _SERVICE.finditer(str(title))}
            for service, values in _service_candidates(row).items():
                candidates.append(values)
                labels.append(service in named)
        self.service_ = LGBMClassifier(n_estimators=60, learning_rate=0.1, num_leaves=15, **LIGHTGBM)
        self.service_.fit(np.array(candidates), np.array(labels))
        return self

    @staticmethod
    def _classifier(features, classes: list[str]) -> LGBMClassifier | str:
        counts = Counter(classes)
        kept = {name for name, count in counts.items() if count >= 10} or set(counts)
        if len(kept) == 1:
            return next(iter(kept))
        mask = np.array([name in kept for name in classes])
        # A small learning rate: with a few dozen classes on sparse words, larger steps made
        # some seeds' boosting collapse onto one class.
        model = LGBMClassifier(n_estimators=100, learning_rate=0.05, num_leaves=15, min_child_samples=20,
                               colsample_bytree=0.5, **LIGHTGBM)
        return model.fit(features[mask], np.array(classes)[mask])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        features = self.vectorizer_.transform(row_text(frame))
        symptoms = self._predict(self.symptom_, features)
        titles = []
        for row, symptom in zip(frame.to_dict("records"), symptoms, strict=True):
            cause = self.cause_.get(symptom, "")
            candidates = _service_candidates(row)
            if candidates:
                scores = np.asarray(self.service_.predict_proba(np.array(list(candidates.values()))))[:, 1]
                service = list(candidates)[int(np.argmax(scores))]
            else:
                service = "unknown service"
            cause = self._fill(cause, row, service)
            symptom = self._fill(symptom, row, service) or symptom.replace("{code} ", "").replace(" {code}", "")
            severity = str(row.get("severity", "SEV3")).removeprefix("SEV")
            titles.append(f"[SEV{severity}] {service}: {symptom}" + (f" ({cause})" if cause else ""))
        return np.array(titles, dtype=object)

    @staticmethod
    def _predict(model: LGBMClassifier | str, features) -> np.ndarray:
        if isinstance(model, str):
            return np.full(features.shape[0], model, dtype=object)
        return np.asarray(model.predict(features))

    @staticmethod
    def _fill(cause: str, row: dict, service: str) -> str:
        """The cause's placeholders filled from the inputs; a placeholder with nothing to fill it
        drops the phrase it is in (a title names no version the inputs do not show)."""
        if "{version}" in cause:
            deploys = [line.split() for line in str(row.get("deploys", "")).splitlines()]
            version = next((parts[1] for parts in deploys if len(parts) > 1 and parts[0] == service), None)
            if version is None:
                return re.sub(r"\s*(after|in) \{version\}( deploy)?", "", cause).strip()
            cause = cause.replace("{version}", version)
        if "{service}" in cause:
            others = [name for name in _SERVICE.findall(str(row.get("error_logs", ""))) if name != service]
            if not others:
                return ""
            cause = cause.replace("{service}", others[0])
        if "{topic}" in cause:
            topics = _TOPIC.findall(str(row.get("metric_anomalies", "")) + " " + str(row.get("error_logs", "")))
            if not topics:
                return ""
            cause = cause.replace("{topic}", topics[0])
        if "{code}" in cause:
            codes = Counter(_STATUS.findall(str(row.get("error_logs", ""))))
            if not codes:
                return ""
            cause = cause.replace("{code}", codes.most_common(1)[0][0])
        return cause


def _template(phrase: str) -> str:
    """A phrase with its versions, services, status codes and topics made placeholders."""
    phrase = _TOPIC.sub("{topic}", _VERSION.sub("{version}", phrase))
    return _STATUS.sub("{code}", _SERVICE.sub("{service}", phrase))


def _service_candidates(row: dict) -> dict[str, list[float]]:
    """The services the inputs name, each with where and how often it is named."""
    columns = ["alerts", "metric_anomalies", "error_logs", "deploys", "oncall_note"]
    texts = {column: str(row.get(column, "")) for column in columns}
    found: dict[str, list[float]] = {}
    for column in columns:
        for match in _SERVICE.finditer(texts[column]):
            found.setdefault(match.group(0).lower(), [])
    for service in found:
        values = [float(texts[column].lower().count(service)) for column in columns]
        first_alert = texts["alerts"].split("\n", 1)[0].lower()
        values += [float(service in first_alert), float(f"{service} error" in texts["error_logs"].lower()),
                   float(f"upstream {service}" in texts["error_logs"].lower())]
        found[service] = values
    return found


def slot_filling() -> SlotFillingTitler:
    return SlotFillingTitler()


class ExtractiveTitler:
    """The best candidate subject as scored by LightGBM: a span of the body, or a similar email's subject.

    Candidates are the first 2 to 8 words of each of the body's first lines, and the subjects of
    the three most similar training emails (TF-IDF cosine). The model learns each candidate's
    word-overlap F1 with the subject, less a penalty when it names a number or an acronym the
    body does not hold (so borrowing a subject is learnt to be worth it only when it stays
    faithful), from where a span sits, its length, capitalisation and digits, how often its
    words appear in subjects given they appear in a body, and a borrowed subject's similarity.
    """

    LINES = 4
    LENGTHS = (2, 3, 4, 5, 6, 8)
    NEIGHBOURS = 3
    TRAINING_ROWS = 4000
    UNFAITHFUL_PENALTY = 0.5

    def fit(self, frame: pd.DataFrame, titles: pd.Series) -> ExtractiveTitler:
        notes = _note(frame).to_numpy()
        self.titles_ = np.asarray(titles.astype(str), dtype=object)
        self.identifiers_ = [re.compile(pattern) for pattern in identifiers.EMAIL_PATTERNS]
        in_subject: Counter[str] = Counter()
        in_body: Counter[str] = Counter()
        for note, title in zip(notes, self.titles_, strict=True):
            body_words = {word.lower() for word in _WORD.findall(note)}
            in_body.update(body_words)
            in_subject.update(body_words & {word.lower() for word in _WORD.findall(title)})
        self.subject_rate_ = {word: in_subject[word] / count for word, count in in_body.items() if count >= 3}
        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=50_000)
        self.matrix_ = normalize(self.vectorizer_.fit_transform(notes))
        rows = np.random.default_rng(0).permutation(len(notes))[: self.TRAINING_ROWS]
        neighbours = self._neighbours(self.matrix_[rows], exclude=rows)
        features, targets = [], []
        for row, similar in zip(rows, neighbours, strict=True):
            title_words = {word.lower() for word in _WORD.findall(self.titles_[row])}
            for text, values in self._candidates(notes[row], similar):
                features.append(values)
                score = _overlap_f1({word.lower() for word in _WORD.findall(text)}, title_words)
                targets.append(score - self.UNFAITHFUL_PENALTY * (not self._faithful(text, notes[row])))
        self.model_ = LGBMRegressor(n_estimators=150, learning_rate=0.08, num_leaves=31, min_child_samples=20,
                                    **LIGHTGBM)
        self.model_.fit(np.array(features), np.array(targets))
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        notes = _note(frame).to_numpy()
        neighbours = self._neighbours(normalize(self.vectorizer_.transform(notes)))
        titles = []
        for note, similar in zip(notes, neighbours, strict=True):
            candidates = self._candidates(note, similar)
            scores = self.model_.predict(np.array([values for _, values in candidates]))
            titles.append(candidates[int(np.argmax(scores))][0])
        return np.array(titles, dtype=object)

    def _neighbours(self, queries, exclude: np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """The most similar training emails of each query (leaving out the query itself in training)."""
        found = []
        for start in range(0, queries.shape[0], 500):
            similarity = (queries[start:start + 500] @ self.matrix_.T).toarray()
            if exclude is not None:
                similarity[np.arange(similarity.shape[0]), exclude[start:start + 500]] = -1.0
            best = np.argsort(-similarity, axis=1)[:, : self.NEIGHBOURS]
            found += [[(int(index), float(similarity[row, index])) for index in indexes]
                      for row, indexes in enumerate(best)]
        return found

    def _faithful(self, text: str, note: str) -> bool:
        return all(match.group(0) in note for pattern in self.identifiers_ for match in pattern.finditer(text))

    def _candidates(self, note: str, similar: list[tuple[int, float]]) -> list[tuple[str, list[float]]]:
        found = []
        for position, line in enumerate([line for line in note.splitlines() if line.strip()][: self.LINES]):
            words = line.split()
            for length in self.LENGTHS:
                if length > len(words) and length != self.LENGTHS[0]:
                    break
                found.append(self._described(" ".join(words[:length]), note, position, len(words),
                                             float(line.rstrip().endswith((",", ":"))), 0.0, 0))
        for rank, (index, similarity) in enumerate(similar, start=1):
            subject = self.titles_[index]
            found.append(self._described(subject, note, -1, len(subject.split()), 0.0, similarity, rank))
        return found or [(" ".join(note.split()[:4]) or "untitled", [0.0] * 13)]

    def _described(self, text: str, note: str, position: int, line_words: int, ends_line: float, similarity: float,
                   rank: int) -> tuple[str, list[float]]:
        words = text.split()
        lowered = [word.lower() for word in _WORD.findall(text)]
        rates = [self.subject_rate_.get(word, 0.0) for word in lowered] or [0.0]
        return text, [
            position, len(words), line_words, float(len(words) >= line_words), float(np.mean(rates)),
            float(np.max(rates)), float(np.mean([word[:1].isupper() for word in words])) if words else 0.0,
            float(any(character.isdigit() for character in text)), ends_line, similarity, rank,
            float(self._faithful(text, note)), float(len(text)),
        ]


def _overlap_f1(predicted: set[str], wanted: set[str]) -> float:
    shared = len(predicted & wanted)
    if not shared:
        return 0.0
    precision, recall = shared / len(predicted), shared / len(wanted)
    return 2 * precision * recall / (precision + recall)


def extractive() -> ExtractiveTitler:
    return ExtractiveTitler()
