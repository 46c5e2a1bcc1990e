"""{{ cookiecutter.project_name }}: the pipeline stages (ingest, features, train, predict)."""
