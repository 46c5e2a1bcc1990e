"""Split the segments into the candidate's inputs and the editors' judgements of the test groups.

Groups are held out whole and by time where there is a time: the synthetic season's last
``TEST_SHARE`` of days are the test days (the recap system is trained on past days and cuts
the next ones). QVHighlights has no time order, so its videos are drawn at random (with the
seed), every query of a video on the same side.

Inputs: ``train`` (the training groups' segments with every editor's judgement) and ``test``
(the test groups' segments without them). The answers are the test segments with the editors'
judgements (``selected_<editor>``, ``importance_<editor>``, ``importance``); the labels are
the editors' names. Groups and items carry fresh ids drawn from the seed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.cases.prepared import PreparedData, check_selection_prepared

GROUP, ITEM = "day_id", "segment_id"
LENGTH, BUDGET, TARGET = "duration", "budget", "importance"
TEST_SHARE = 1 / 3
SELECTED, IMPORTANCE = "selected_", "importance_"


def prepare(tables: dict[str, pd.DataFrame], seed: int) -> PreparedData:
    """Return train and test segments and the test answers; see the module docstring."""
    if "segments" in tables:
        return _split(tables["segments"], GROUP, ITEM, seed, by_time=True)
    from casekit.cases.highlights.qvhighlights import GROUP as VIDEO_GROUP
    from casekit.cases.highlights.qvhighlights import ITEM as CLIP

    return _split(tables["clips"], VIDEO_GROUP, CLIP, seed, by_time=False)


def label_columns(frame: pd.DataFrame) -> list[str]:
    """The editors' judgements: the target and every ``selected_`` / ``importance_`` column."""
    return [TARGET, *[column for column in frame.columns if column.startswith((SELECTED, IMPORTANCE))]]


def editors(frame: pd.DataFrame) -> tuple[str, ...]:
    """The editors whose judgements the frame holds, in column order."""
    return tuple(column[len(SELECTED):] for column in frame.columns if column.startswith(SELECTED))


def _split(frame: pd.DataFrame, group: str, item: str, seed: int, by_time: bool) -> PreparedData:
    groups = pd.Index(frame[group].unique())
    n_test = max(1, round(len(groups) * TEST_SHARE))
    if by_time:
        test_groups = groups[-n_test:]
        split = f"by time: the last {n_test} of {len(groups)} {group} values are the test set"
    else:
        videos = frame.drop_duplicates(group)["video"]
        unique_videos = pd.Index(videos.unique())
        drawn = np.random.default_rng([seed, 3]).permutation(len(unique_videos))
        share = videos.map(pd.Series(drawn, index=unique_videos)).to_numpy() < round(len(unique_videos) * TEST_SHARE)
        test_groups = groups[share]
        split = (f"by video, at random: {int(share.sum())} of {len(groups)} queries (a third of the videos) are the "
                 "test set")
    is_test = frame[group].isin(test_groups).to_numpy()
    labels = label_columns(frame)
    train = frame[~is_test].reset_index(drop=True)
    test = frame[is_test].drop(columns=labels).reset_index(drop=True)
    answer_columns = [group, item, LENGTH, BUDGET, *labels]
    answers = frame.loc[is_test, answer_columns].reset_index(drop=True)
    prepared = PreparedData(
        inputs={"train": train, "test": test},
        answers=answers,
        labels=editors(frame),
        notes={"split": split, "train_groups": int(len(groups) - len(test_groups)), "test_groups": len(test_groups),
               "train_items": len(train), "test_items": len(test)},
    )
    check_selection_prepared(prepared, group_column=group, item_column=item, length_column=LENGTH,
                             budget_column=BUDGET, train_columns=list(frame.columns), test_columns=list(test.columns),
                             answer_columns=answer_columns)
    return prepared
