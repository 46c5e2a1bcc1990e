"""Stage 4, predict: the most likely fault of each test alarm, with every fault's probability."""

import pandas as pd

from {{ cookiecutter.package_name }} import config
from {{ cookiecutter.package_name }}.features import SENSORS


def predict(model, data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    test = data["test"]
    probabilities = model.predict_proba(test[SENSORS])
    submission = pd.DataFrame({config.ID: test[config.ID], config.TARGET: model.classes_[probabilities.argmax(axis=1)]})
    for position, fault in enumerate(model.classes_):
        submission[f"proba_{fault}"] = probabilities[:, position]
    return submission
