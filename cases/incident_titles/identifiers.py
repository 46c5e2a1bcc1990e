"""What counts as an identifier in a title, for the faithfulness metric and the baselines.

A title that names a service, an error code or a version the incident's inputs do not hold
points engineers at the wrong place; a subject line that names a number or an acronym its
message does not hold says something the sender did not.
"""

SERVICE = r"(?i)\b[a-z]+(?:-[a-z]+)*-(?:api|gateway|worker|db|cache|queue|proxy|scheduler|indexer)\b"
VERSION = r"(?i)\bv\d+\.\d+\.\d+\b"
HTTP_STATUS = r"(?<![\w.])[1-5]\d\d(?=s?\b)(?!\.\d)"
ERRNO = r"\bE[A-Z]{4,}\b"
INCIDENT_PATTERNS = (SERVICE, VERSION, HTTP_STATUS, ERRNO)
INCIDENT_INPUTS = ("alerts", "metric_anomalies", "error_logs", "deploys", "oncall_note")

NUMBER = r"(?<![\w.])\d+(?:[.,:/-]\d+)*(?![\w])"
ACRONYM = r"\b[A-Z]{2,}[0-9]*\b"
EMAIL_PATTERNS = (NUMBER, ACRONYM)
EMAIL_INPUTS = ("body",)
