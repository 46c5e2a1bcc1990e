"""Split incidents (or emails) into the candidate's train and test inputs and the held-out titles.

* Synthetic incidents are split in time: the latest fifth is the test set, every test incident
  later than every training one. A training incident keeps the title its owner wrote; a test
  incident's two or three titles (by different engineers) are the references.
* AESLC keeps its official split: train and dev are the training set (with the subject the
  sender wrote), test is the test set, whose references are that subject and the three written
  by annotators.

Every row gets a fresh random id and rows are ordered by id. The answer key has one row per
reference (an id repeated once for each), as the generation task reads it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import PreparedData, check_generation_prepared, fresh_ids

INCIDENT_ID = "incident_id"
EMAIL_ID = "email_id"
TITLE = "title"
SUBJECT = "subject"
TEST_FRACTION = 0.2
INCIDENT_COLUMNS = ["opened_at", "environment", "severity", "alerts", "metric_anomalies", "error_logs", "deploys",
                    "oncall_note"]
EMAIL_COLUMNS = ["mailbox", "body"]


def prepare_incidents(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """The synthetic incidents, split in time: the latest ``TEST_FRACTION`` is the test set."""
    incidents = tables["incidents"].sort_values(["opened_at", "incident"], kind="stable", ignore_index=True)
    titles = tables["titles"]
    last_train = incidents["opened_at"].iloc[round(len(incidents) * (1 - TEST_FRACTION)) - 1]
    in_test = (incidents["opened_at"] > last_train).to_numpy()
    rng = np.random.default_rng(seed)
    ids = pd.Series(fresh_ids(len(incidents), "INC-", rng), index=incidents["incident"].to_numpy())
    first_titles = titles.drop_duplicates("incident").set_index("incident")[TITLE]
    train = incidents[~in_test].assign(**{INCIDENT_ID: lambda frame: ids[frame["incident"]].to_numpy(),
                                          TITLE: lambda frame: first_titles[frame["incident"]].to_numpy()})
    test = incidents[in_test].assign(**{INCIDENT_ID: lambda frame: ids[frame["incident"]].to_numpy()})
    answers = titles[titles["incident"].isin(test["incident"])]
    answers = pd.DataFrame({INCIDENT_ID: ids[answers["incident"]].to_numpy(), TITLE: answers[TITLE].to_numpy()})
    prepared = PreparedData(
        inputs={"train": train[[INCIDENT_ID, *INCIDENT_COLUMNS, TITLE]].sort_values(INCIDENT_ID, ignore_index=True),
                "test": test[[INCIDENT_ID, *INCIDENT_COLUMNS]].sort_values(INCIDENT_ID, ignore_index=True)},
        answers=answers.sort_values(INCIDENT_ID, kind="stable", ignore_index=True),
        notes={"split": f"temporal: the latest {TEST_FRACTION:.0%} of incidents by opened_at are the test set",
               "train_until": str(train["opened_at"].max()), "test_from": str(test["opened_at"].min()),
               "train_rows": len(train), "test_rows": len(test),
               "references": "two or three titles per test incident, by different engineers"},
    )
    check_generation_prepared(prepared, id_column=INCIDENT_ID, target=TITLE,
                              train_columns=[INCIDENT_ID, *INCIDENT_COLUMNS, TITLE],
                              test_columns=[INCIDENT_ID, *INCIDENT_COLUMNS])
    if not prepared.inputs["train"]["opened_at"].max() < prepared.inputs["test"]["opened_at"].min():
        raise AssertionError("a test incident is not later than every training incident")
    return prepared


def prepare_emails(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """AESLC's official split; the test references are the sender's subject and the three annotations."""
    emails = tables["emails"]
    rng = np.random.default_rng(seed)
    emails = emails.assign(**{EMAIL_ID: fresh_ids(len(emails), "M-", rng)})
    train = emails[emails["split"].isin(["train", "dev"])]
    test = emails[emails["split"] == "test"]
    sources = [SUBJECT, "ann0", "ann1", "ann2"]
    references = pd.concat([pd.DataFrame({EMAIL_ID: test[EMAIL_ID].to_numpy(), SUBJECT: test[source].to_numpy(),
                                          "position": position}) for position, source in enumerate(sources)])
    references = references.sort_values([EMAIL_ID, "position"], kind="stable")
    prepared = PreparedData(
        inputs={"train": train[[EMAIL_ID, *EMAIL_COLUMNS, SUBJECT]].sort_values(EMAIL_ID, ignore_index=True),
                "test": test[[EMAIL_ID, *EMAIL_COLUMNS]].sort_values(EMAIL_ID, ignore_index=True)},
        answers=references[[EMAIL_ID, SUBJECT]].reset_index(drop=True),
        notes={"split": "AESLC's official split: train and dev are the training set, test is the test set",
               "references": "four per test email: the sender's subject and three written by annotators",
               "train_rows": len(train), "test_rows": len(test)},
    )
    check_generation_prepared(prepared, id_column=EMAIL_ID, target=SUBJECT,
                              train_columns=[EMAIL_ID, *EMAIL_COLUMNS, SUBJECT],
                              test_columns=[EMAIL_ID, *EMAIL_COLUMNS])
    return prepared
