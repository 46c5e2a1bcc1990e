from casekit.cli import app

app(prog_name="casekit")
