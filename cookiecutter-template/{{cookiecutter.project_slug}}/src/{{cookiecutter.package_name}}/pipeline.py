{{ starter_file("pipeline.py") }}
