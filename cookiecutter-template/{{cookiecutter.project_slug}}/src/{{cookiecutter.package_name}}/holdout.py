{{ starter_file("holdout.py") }}
