{{ starter_file("train.py") }}
