"""Authoring a case from a team's own table: ``casekit case new`` and ``casekit case check``.

One idea per module, in the order ``casekit case new`` uses them: :mod:`.table` reads the table
(with an error naming the file, line, row and column for every way it can be unusable),
:mod:`.profile` says what each column holds and what the target asks for, :mod:`.metric_choice`
picks the metrics, :mod:`.audit` looks for leaks (:mod:`.audit_report` writes ``audit.md``),
:mod:`.package` renders the package's files from ``templates/``, and :mod:`.new_case` puts it
together and publishes the folder whole. :mod:`.check` runs the conformance suite for
``casekit case check``; :mod:`.terminal` prints what both commands found. What the package
declares (the split, the baselines, the stored table) is casekit's own generic code in
``cases/``, so the package stays small.
"""
