{{ starter_file("test_contract.py") }}
