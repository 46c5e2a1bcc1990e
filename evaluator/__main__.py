from evaluator.cli import app

app(prog_name="casekit")
