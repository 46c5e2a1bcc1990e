"""The "why?" drill: the pipeline-design round practised against a case's drill plan.

:mod:`~casekit.drill.plan` reads and checks a case's ``drill.toml``;
:mod:`~casekit.drill.project_questions` makes questions from a candidate's own evaluation, and
:mod:`~casekit.drill.questions` merges them into the plan; :mod:`~casekit.drill.session` runs the
timed session in the terminal, :mod:`~casekit.drill.coverage` gives its coverage hint,
:mod:`~casekit.drill.transcript` writes what was said and scored and :mod:`~casekit.drill.run_log`
logs it to MLflow; :mod:`~casekit.drill.sheet` writes the interviewer's page;
:mod:`~casekit.drill.whatif` re-scores a submission under another operating point, metric or cut-off.
"""
