"""Conformance: the checks every registered case passes, on every source.

:data:`~casekit.conformance.checks.CHECKS` lists them; :class:`CaseUnderTest` is one case on
one source, issued into a scratch folder as the checks need it. The test suite runs every
check on every registered case; a case author runs them with ``casekit case check``.
"""
