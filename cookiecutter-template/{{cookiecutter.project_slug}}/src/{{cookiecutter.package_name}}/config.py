"""What this project is and where its files are: filled in from the case by ``casekit new``.

The pipeline, the hold-out and the contract tests read these; your stages may too. Leave the
values as they are: they describe the case instance, not choices of yours.
"""

from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT / "data"
SUBMISSION_DIR = PROJECT / "submission"
SUBMISSION = SUBMISSION_DIR / "predictions.csv"

CASE = "{{ cookiecutter.case }}"
SOURCE = "{{ cookiecutter.source }}"
TASK = "{{ cookiecutter.__task }}"
ID = "{{ cookiecutter.__id_column }}"
TARGET = "{{ cookiecutter.__target }}"
{%- if cookiecutter.__time_column %}
TIME_COLUMN = "{{ cookiecutter.__time_column }}"  # the test set is later than train in this column
{%- else %}
TIME_COLUMN = None  # the test set was not held out by time
{%- endif %}
PRIMARY_METRIC = "{{ cookiecutter.__primary_metric }}"
EXPERIMENT = "{{ cookiecutter.__experiment }}"  # where make run logs to MLflow
