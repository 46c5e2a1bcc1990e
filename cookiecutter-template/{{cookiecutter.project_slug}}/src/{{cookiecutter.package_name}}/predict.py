{{ starter_file("predict.py") }}
