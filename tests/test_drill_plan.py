"""Drill plans: every case's ``drill.toml`` reads under the schema and speaks of the case's own
columns, metric and numbers; a broken plan is refused naming the file, the decision and the field;
an authored case gets a starter plan that reads under the same loader."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from own_tables import customers

from casekit import cases
from casekit.authoring.new_case import AuthoringOptions, author_case
from casekit.drill.plan import PLAN_FILE, STAGES, DrillPlanError, load_plan, read_plan

CASE_TERMS = {
    "tickets": ("Macro-F1", "product_area", "customer_plan", "priority"),
    "fake-news": ("ROC-AUC", "decision.json", "prob_fake", "15%"),
    "recommendations": ("NDCG@10", "add_to_cart", "LambdaRank", "movielens"),
    "events": ("NDCG@10", "early_rsvps.csv", "group_member", "LambdaRank"),
    "places": ("NDCG@10", "median_distance_km_at_10", "most_visited", "lightgbm_reranker"),
    "highlights": ("F1 (mean over editors)", "knapsack", "evenly_spaced", "lightgbm_knapsack"),
    "incident-titles": ("ROUGE-L", "faithfulness", "first_words", "AESLC"),
}


def test_every_case_has_a_list_of_terms():
    assert sorted(CASE_TERMS) == sorted(case.slug for case in cases.built_in())


@pytest.mark.parametrize("slug", sorted(CASE_TERMS))
def test_the_plan_validates_with_ten_decisions_over_every_stage(slug):
    plan = load_plan(cases.get(slug))
    assert plan.case == slug
    assert len(plan.decisions) >= 10
    assert {decision.stage for decision in plan.decisions} == set(STAGES)
    assert all(len(decision.follow_ups) in (2, 3) for decision in plan.decisions)


@pytest.mark.parametrize("slug", sorted(CASE_TERMS))
def test_the_plan_names_the_cases_own_terms(slug):
    text = load_plan(cases.get(slug)).path.read_text(encoding="utf-8")
    missing = [term for term in CASE_TERMS[slug] if term.casefold() not in text.casefold()]
    assert not missing, f"{slug}'s drill plan never names {missing}"


def broken(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    text = load_plan(cases.get("tickets")).path.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / PLAN_FILE
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def refusal(path: Path, slug: str = "tickets") -> str:
    with pytest.raises(DrillPlanError) as caught:
        read_plan(path, slug=slug)
    return str(caught.value)


def test_a_plan_for_another_case_is_refused_naming_both_slugs(tmp_path):
    message = refusal(broken(tmp_path, 'case = "tickets"', 'case = "tickets-v2"'))
    assert str(tmp_path / PLAN_FILE) in message and "'tickets-v2'" in message and "'tickets'" in message


def test_a_level_without_red_flags_is_refused_naming_the_decision_and_level(tmp_path):
    path = broken(tmp_path, "red_flags = [", "red_flags_dropped = [")
    assert "decision 'misroute_costs' level 1 red_flags: expected a non-empty list" in refusal(path)


def test_an_empty_weak_list_is_refused(tmp_path):
    text = re.sub(r"weak = \[[^\]]*\]", "weak = []", load_plan(cases.get("tickets")).path.read_text(), count=1)
    path = tmp_path / PLAN_FILE
    path.write_text(text)
    assert "decision 'misroute_costs' level 1 weak" in refusal(path)


def test_a_repeated_key_is_refused(tmp_path):
    path = broken(tmp_path, 'key = "human_triage"', 'key = "misroute_costs"')
    assert "'misroute_costs' used more than once" in refusal(path)


def test_an_unknown_stage_is_refused_listing_the_stages(tmp_path):
    path = broken(tmp_path, 'stage = "clarify"', 'stage = "clarification"')
    assert "decision 'misroute_costs' stage: 'clarification' is not a stage; the stages are: clarify" in refusal(path)


def test_a_missing_stage_is_refused(tmp_path):
    path = broken(tmp_path, 'stage = "tradeoffs"', 'stage = "model"')
    assert "no decision for stage(s) tradeoffs" in refusal(path)


def test_fewer_than_ten_decisions_are_refused(tmp_path):
    path = tmp_path / PLAN_FILE
    path.write_text('[plan]\ncase = "tickets"\nminutes = 60\n')
    assert "0 decision(s); a plan needs at least 10" in refusal(path)


def test_a_missing_plan_is_refused_naming_its_path(tmp_path):
    assert f"{tmp_path / PLAN_FILE}: no drill plan" in refusal(tmp_path / PLAN_FILE)


@pytest.fixture(scope="module")
def authored(tmp_path_factory):
    folder = tmp_path_factory.mktemp("table")
    options = AuthoringOptions(slug="churn", table=customers(folder, leaks=True), target="churned",
                               output=tmp_path_factory.mktemp("case") / "churn", id_column="customer_id",
                               time_column="signed_up_at",
                               accept_risk=("churn_score", "record_id", "closed_at", "duplicates"))
    return author_case(options)


def test_an_authored_case_gets_a_starter_plan_that_reads_under_the_same_loader(authored):
    plan = read_plan(authored.path / authored.names.package / PLAN_FILE, slug="churn")
    assert len(plan.decisions) >= 10 and {decision.stage for decision in plan.decisions} == set(STAGES)


def test_the_starter_plan_names_the_target_metric_split_and_the_audits_findings(authored):
    text = (authored.path / authored.names.package / PLAN_FILE).read_text(encoding="utf-8")
    for term in ("churned", authored.choice.primary_title, "'signed_up_at'", "churn_score", "closed_at",
                 "Edit it"):
        assert term in text
