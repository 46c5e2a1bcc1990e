{{ starter_file("features.py") }}
