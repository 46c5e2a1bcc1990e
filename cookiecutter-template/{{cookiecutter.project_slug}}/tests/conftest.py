from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project_dir() -> Path:
    return PROJECT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    data = PROJECT / "data"
    if not (data / "train.csv").is_file():
        pytest.fail(f"{data} holds no data yet: create the project with 'casekit new', which writes the data files")
    return data
