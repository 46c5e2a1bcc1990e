"""Seeded synthetic incidents: what the platform sees when an incident opens, and what engineers titled it.

An incident hits one service of a catalogue, in one environment, with one of a dozen failure
archetypes (a bad deploy, an exhausted connection pool, a degraded upstream, consumer lag,
a full disk, ...). At creation time the platform holds:

* ``alerts``: the firing alerts, one per line (``HighErrorRate service=checkout-api env=prod: ...``),
  with unrelated alerts from other services now and then;
* ``metric_anomalies`` and ``error_logs``: what the monitors and the logs show, one per line,
  with error codes (HTTP statuses, errno names) and upstream services where the archetype has them;
* ``deploys``: the deploys of the last two hours, the culprit's among others;
* ``oncall_note``: the first note of the on-call engineer, in their own voice, which may name the
  service that paged rather than the one at fault, and may be vague.

Engineers write titles late, each in their own style: the house style
(``[SEV2] checkout-api: elevated 5xx errors (after v2.14.1 deploy)``), terse, sentence-like, or
cause first; the house style spreads over time. A training incident has the title its owner
wrote; a test incident has two or three, by different engineers. Some titles name what was
only learnt later (a cause the inputs do not show), as real ones do.

The design is meant to separate approaches: copying the note gets the service and a few
symptom words; copying the most similar past incident's title gets the phrasing of some
engineer but risks identifiers from another incident; picking the service, symptom and cause
from the inputs and writing them in the house style matches the references best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.cases.draws import Draws

DEFAULT_INCIDENTS = 8000
HISTORY_DAYS = 540
START = pd.Timestamp("2023-01-02T00:00:00Z")
ENVIRONMENTS = {"prod": 0.7, "eu-prod": 0.15, "staging": 0.15}

SERVICES = (
    "checkout-api",
    "payments-api",
    "cart-api",
    "search-api",
    "catalog-api",
    "pricing-api",
    "shipping-api",
    "profile-api",
    "webhooks-api",
    "auth-gateway",
    "graphql-gateway",
    "orders-worker",
    "billing-worker",
    "fraud-worker",
    "email-worker",
    "ledger-db",
    "inventory-db",
    "sessions-cache",
    "notifications-queue",
    "media-proxy",
    "reports-scheduler",
    "analytics-indexer",
)
TOPICS = ("orders.created", "payments.settled", "inventory.updated", "emails.outbound", "audit.events")
HOSTS = ("ip-10-0-3-17", "ip-10-0-7-42", "ip-10-0-1-88", "ip-10-0-9-5")


@dataclass(frozen=True)
class Archetype:
    """A kind of failure: how it shows at creation time, and how engineers name its symptom and cause
    (the first phrasing is the one the house style prefers; engineers vary).

    ``causes`` phrases may use ``{version}`` (the culprit deploy's), ``{upstream}`` (a degraded
    dependency) and ``{code}``; ``hidden_cause`` is a cause only found later (not in the inputs).
    """

    name: str
    symptoms: tuple[str, ...]
    terse: str
    causes: tuple[str, ...]
    hidden_cause: str
    alert: str
    alert_text: str
    metric: str
    logs: tuple[str, ...]
    codes: tuple[str, ...]
    note: str
    severities: tuple[int, ...]
    deploy: bool = False
    upstream: bool = False


ARCHETYPES = (
    Archetype(
        "bad_deploy",
        ("elevated 5xx errors", "5xx error spike", "HTTP {code} errors"),
        "5xx spike",
        ("after {version} deploy", "bad {version} rollout"),
        "bad config in {version}",
        "HighErrorRate",
        "5xx rate above 5% for 5m",
        "http_5xx_rate {big}% (baseline 0.2%)",
        ("HTTP {code} POST /v1/{path}: NullPointerException in {handler}", "HTTP {code} GET /v1/{path}"),
        ("500", "502"),
        "{service} throwing {code}s since the deploy?",
        (1, 2, 2, 3),
        deploy=True,
    ),
    Archetype(
        "pool_exhausted",
        ("high latency", "p99 latency above SLO", "slow requests"),
        "slow responses",
        ("database connection pool exhausted", "DB connections saturated"),
        "slow query after index drop",
        "LatencySLOBurn",
        "p99 latency above SLO for 10m",
        "p99_latency {slow}ms (baseline 180ms)",
        ("timeout acquiring connection from pool (max=50) ETIMEDOUT", "HTTP {code} GET /v1/{path} after 30000ms"),
        ("503", "504"),
        "{service} latency way up, db looks saturated",
        (2, 2, 3),
    ),
    Archetype(
        "upstream_timeout",
        ("request timeouts", "{code} gateway timeouts", "timeouts to {upstream}"),
        "timeouts",
        ("{upstream} degraded", "slow {upstream} responses"),
        "{upstream} network partition",
        "HighErrorRate",
        "5xx rate above 5% for 5m",
        "upstream_latency_p99 {slow}ms (baseline 90ms)",
        ("upstream {upstream} timed out after 3000ms", "HTTP {code} from {upstream} ECONNRESET"),
        ("504", "502"),
        "{service} timing out, maybe {upstream}?",
        (2, 3, 3),
        upstream=True,
    ),
    Archetype(
        "consumer_lag",
        ("consumer lag on {topic}", "{topic} consumers falling behind", "growing lag on {topic}"),
        "lag on {topic}",
        ("slow downstream writes", "slow database writes"),
        "stuck partition after rebalance",
        "KafkaConsumerLag",
        "consumer lag above 10000 for 15m",
        "consumer_lag {lag} messages on {topic}",
        ("commit failed for {topic}: rebalance in progress", "processing batch took 48000ms"),
        (),
        "lag building on {topic}, consumers look slow",
        (3, 3, 4),
    ),
    Archetype(
        "disk_full",
        ("disk almost full", "disk full on {host}", "ENOSPC write failures"),
        "disk full",
        ("log volume growth", "verbose logging"),
        "retention job stopped",
        "DiskSpaceLow",
        "disk usage above 90% on {host}",
        "disk_used 96% on {host}",
        ("write failed: ENOSPC no space left on device", "failed to rotate logs: ENOSPC"),
        (),
        "{host} disk filling up, {service} logs?",
        (3, 4, 4),
    ),
    Archetype(
        "oom",
        ("pods OOMKilled and restarting", "crashlooping pods", "OOM kills"),
        "OOM restarts",
        ("memory leak after {version} deploy", "memory leak in {version}"),
        "unbounded cache in {version}",
        "PodCrashLooping",
        "pods restarting more than 5 times in 10m",
        "container_memory {mem}Mi of 2048Mi limit",
        ("OOMKilled: container exceeded memory limit", "back-off restarting failed container"),
        (),
        "{service} pods crashlooping, OOM",
        (2, 3, 3),
        deploy=True,
    ),
    Archetype(
        "cert_expired",
        ("TLS handshake failures", "failing probes", "certificate errors"),
        "TLS errors",
        ("expired certificate", "certificate not renewed"),
        "cert-manager renewal failed",
        "ProbeFailed",
        "synthetic probe failing for 5m",
        "tls_handshake_errors {big}/s",
        ("x509: certificate has expired or is not yet valid", "remote error: tls: bad certificate"),
        ("495", "502"),
        "probes failing on {service}, cert?",
        (1, 2),
    ),
    Archetype(
        "dns_failure",
        ("DNS resolution failures", "cannot resolve {upstream}", "ENOTFOUND errors"),
        "DNS errors",
        ("resolver misconfiguration", "DNS config change"),
        "bad CoreDNS rollout",
        "HighErrorRate",
        "5xx rate above 5% for 5m",
        "dns_lookup_failures {big}/s",
        ("getaddrinfo ENOTFOUND {upstream}.internal", "dial tcp: lookup {upstream}.internal: no such host"),
        ("503",),
        "{service} cannot resolve {upstream}",
        (1, 2, 2),
        upstream=True,
    ),
    Archetype(
        "rate_limited",
        ("429 rate limiting", "partners rate limited", "throttled requests"),
        "429s",
        ("traffic spike from a partner", "partner traffic surge"),
        "retry storm from a client",
        "HighErrorRate",
        "4xx rate above 10% for 5m",
        "http_429_rate {big}%",
        ("HTTP {code} rate limit exceeded for client partner-{client}",),
        ("429",),
        "{service} returning 429s to partners",
        (3, 3, 4),
    ),
    Archetype(
        "auth_failures",
        ("login failures", "401 errors on login", "users unable to log in"),
        "401s",
        ("signing key rotation", "rotated signing keys"),
        "stale JWKS cache",
        "LoginSuccessRateLow",
        "login success rate below 90% for 5m",
        "login_success_rate {low}%",
        ("HTTP {code} invalid token signature", "jwt verification failed: unknown kid"),
        ("401",),
        "users cannot log in, {service} rejecting tokens",
        (1, 2),
    ),
    Archetype(
        "replica_lag",
        ("replica lag", "stale reads from replicas", "replication delay"),
        "replica lag",
        ("long-running migration", "schema migration"),
        "vacuum blocked by a stuck txn",
        "ReplicationLagHigh",
        "replication lag above 300s",
        "replication_lag {lag}s",
        ("canceling statement due to conflict with recovery",),
        (),
        "{service} replicas behind, reads stale",
        (3, 4),
    ),
    Archetype(
        "queue_backlog",
        ("queue backlog", "jobs piling up", "growing queue depth"),
        "backlog",
        ("worker pool scaled down", "too few workers"),
        "autoscaler misconfigured",
        "QueueDepthHigh",
        "queue depth above 50000 for 10m",
        "queue_depth {lag} messages",
        ("worker heartbeat missed", "job took 120000ms, over the 60000ms budget"),
        (),
        "{service} backlog growing",
        (3, 3, 4),
    ),
)

STYLES = ("house", "terse", "sentence", "cause_first")
ENGINEERS = 40


def load(seed: int, scale: float = 1.0) -> dict[str, pd.DataFrame]:
    """``incidents``: one row per incident with what the platform holds at creation time, in
    time order; ``titles``: one row per title an engineer wrote (two or three per incident), with
    the incident it names and the engineer."""
    rng = np.random.default_rng(seed)
    draws = Draws(rng)
    count = max(200, round(DEFAULT_INCIDENTS * scale))
    preferred = [
        draws.weighted({"house": 0.25, "terse": 0.3, "sentence": 0.3, "cause_first": 0.15}) for _ in range(ENGINEERS)
    ]
    seconds = np.sort(rng.integers(0, HISTORY_DAYS * 86400, size=count))
    incidents, titles = [], []
    for number, offset in enumerate(seconds.tolist()):
        opened = START + pd.Timedelta(seconds=offset)
        incident = _incident(draws, number, opened)
        incidents.append(incident.inputs)
        progress = offset / (HISTORY_DAYS * 86400)
        for engineer in draws.sample(range(ENGINEERS), draws.integer(2, 3)):
            # The house style spreads: an engineer uses it more often as the months go by.
            style = "house" if draws.chance(0.1 + 0.35 * progress) else preferred[engineer]
            titles.append({"incident": number, "engineer": engineer, "title": _title(draws, incident, style)})
    return {"incidents": pd.DataFrame(incidents), "titles": pd.DataFrame(titles)}


@dataclass(frozen=True)
class _Incident:
    inputs: dict[str, object]
    archetype: Archetype
    service: str
    slots: dict[str, str]
    severity: int
    environment: str
    hidden: bool


def _incident(draws: Draws, number: int, opened: pd.Timestamp) -> _Incident:
    archetype = draws.pick(ARCHETYPES)
    service = draws.pick(SERVICES)
    upstream = draws.pick([other for other in SERVICES if other != service])
    environment = draws.weighted(ENVIRONMENTS)
    severity = draws.pick(archetype.severities)
    version = f"v{draws.integer(1, 4)}.{draws.integer(0, 30)}.{draws.integer(0, 9)}"
    slots = {
        "service": service,
        "upstream": upstream,
        "version": version,
        "topic": draws.pick(TOPICS),
        "host": draws.pick(HOSTS),
        "code": draws.pick(archetype.codes) if archetype.codes else "",
        "path": draws.pick(["orders", "cart", "charges", "sessions", "items", "refunds"]),
        "handler": draws.pick(["OrderHandler", "ChargeService", "CartMapper", "TokenFilter"]),
        "big": f"{draws.integer(5, 40)}.{draws.integer(0, 9)}",
        "slow": str(draws.integer(900, 9000)),
        "lag": str(draws.integer(12, 900) * 100),
        "mem": str(draws.integer(1900, 2048)),
        "low": str(draws.integer(40, 85)),
        "client": str(draws.integer(10, 99)),
    }
    alerts = [f"{archetype.alert} service={service} env={environment}: {archetype.alert_text.format(**slots)}"]
    if archetype.upstream and draws.chance(0.5):
        alerts.append(f"LatencySLOBurn service={upstream} env={environment}: p99 latency above SLO for 10m")
    if draws.chance(0.3):
        noise = draws.pick([other for other in SERVICES if other not in (service, upstream)])
        alerts.insert(
            draws.integer(0, len(alerts)),
            f"{draws.pick(['CPUThrottling', 'HighErrorRate', 'ProbeFailed'])}"
            f" service={noise} env={environment}: threshold crossed",
        )
    logs = [f"{service} ERROR {line.format(**slots)}" for line in draws.sample(archetype.logs, draws.integer(1, 2))]
    deploys = []
    if archetype.deploy and draws.chance(0.85):
        deploys.append(f"{service} {version} by ci-bot {draws.integer(5, 40)} min before")
    for _ in range(draws.integer(0, 2)):
        other = draws.pick([other for other in SERVICES if other != service])
        deploys.append(
            f"{other} v{draws.integer(1, 4)}.{draws.integer(0, 30)}.{draws.integer(0, 9)} by "
            f"{draws.pick(['ci-bot', 'alice', 'ravi', 'mei'])} {draws.integer(20, 120)} min before"
        )
    if len(deploys) > 1 and draws.chance(0.5):
        deploys.reverse()
    note_service = upstream if archetype.upstream and draws.chance(0.2) else service
    note = archetype.note.format(**{**slots, "service": note_service})
    opener = draws.pick(["", "ack. ", "paged, ", "on it. ", "looking: "])
    note = opener + (
        note
        if draws.chance(0.8)
        else draws.pick(["something is off, checking dashboards", "investigating alerts, no idea yet"])
    )
    inputs = {
        "incident": number,
        "opened_at": opened.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": environment,
        "severity": f"SEV{severity}",
        "alerts": "\n".join(alerts),
        "metric_anomalies": f"{service} {archetype.metric.format(**slots)}",
        "error_logs": "\n".join(logs),
        "deploys": "\n".join(deploys),
        "oncall_note": note,
    }
    slots["deployed"] = "yes" if any(deploy.startswith(f"{service} {version} ") for deploy in deploys) else ""
    return _Incident(inputs, archetype, service, slots, severity, environment, hidden=draws.chance(0.2))


def _title(draws: Draws, incident: _Incident, style: str) -> str:
    """One engineer's title for an incident, in their style."""
    archetype, slots = incident.archetype, incident.slots
    canonical = style == "house" and draws.chance(0.6)
    symptom = (archetype.symptoms[0] if canonical else draws.pick(archetype.symptoms)).format(**slots)
    terse = archetype.terse.format(**slots)
    cause_template = (
        archetype.hidden_cause
        if incident.hidden
        else (archetype.causes[0] if canonical else draws.pick(archetype.causes))
    )
    if "{version}" in cause_template and not slots["deployed"]:
        # Nobody names a version that was not deployed.
        cause_template = re.sub(r"\s*(after|in) \{version\}( deploy)?", "", cause_template) or "a recent change"
    cause = cause_template.format(**slots)
    service = slots["service"]
    if style == "house":
        # Severity is often revised once the impact is known.
        severity = incident.severity if draws.chance(0.85) else min(4, max(1, incident.severity + draws.pick([-1, 1])))
        return f"[SEV{severity}] {service}: {symptom}" + (f" ({cause})" if draws.chance(0.85) else "")
    if style == "terse":
        short_cause = cause.split(" after ")[0] if draws.chance(0.5) else cause
        return f"{service} {terse}" + (f" - {short_cause}" if draws.chance(0.6) else "")
    if style == "sentence":
        where = f" in {incident.environment}" if draws.chance(0.5) else ""
        return f"{symptom[0].upper()}{symptom[1:]} on {service}{where} due to {cause}"
    return f"{cause[0].upper()}{cause[1:]} causing {symptom} on {service}"
