{{ starter_file("ingest.py") }}
