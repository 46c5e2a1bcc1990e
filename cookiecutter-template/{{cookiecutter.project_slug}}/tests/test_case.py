{{ case_tests() }}
