"""The "why?" drill: the pipeline-design round practised against a case's drill plan.

:mod:`~casekit.drill.plan` reads a case's ``drill.toml``; :mod:`~casekit.drill.project_questions`
adds questions made from a candidate's own evaluation; :mod:`~casekit.drill.session` runs the
timed session in the terminal; :mod:`~casekit.drill.transcript` writes what was said and scored;
:mod:`~casekit.drill.whatif` re-scores a submission under another operating point, metric or cut-off.
"""
