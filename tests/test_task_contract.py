"""The task contract: a case is checked against its task type's metric registry when it loads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from casekit import cases, tasks
from casekit.cases.errors import CaseSpecError
from casekit.cases.spec import MetricSpec
from casekit.tasks.base import Task


@pytest.mark.parametrize("case", cases.all(), ids=lambda case: case.slug)
def test_every_registered_case_loads_on_every_source(case):
    for source in case.sources:
        task = tasks.for_case(case.for_source(source.name))
        assert isinstance(task, Task) and task.primary.interval


def test_an_unknown_metric_fails_at_load_naming_the_case_the_metric_and_the_known_ones():
    spec = replace(cases.get("tickets"), metrics=(*cases.get("tickets").metrics,
                                                  MetricSpec("balanced_accuracy", "Balanced accuracy")))
    with pytest.raises(CaseSpecError) as error:
        tasks.for_case(spec)
    message = str(error.value)
    assert "case 'tickets'" in message and "'balanced_accuracy'" in message
    assert "accuracy, log_loss, macro_f1, roc_auc_ovr, weighted_f1" in message


def test_a_parameter_the_metric_does_not_take_fails_at_load():
    spec = replace(cases.get("tickets"), metrics=(MetricSpec("macro_f1", "Macro-F1", params={"average": "macro"}),))
    with pytest.raises(CaseSpecError, match=r"case 'tickets': metric 'macro_f1' \(macro_f1\) takes no parameter "
                                            r"'average'; the parameters it takes: none"):
        tasks.for_case(spec)


def test_a_parameter_of_the_wrong_type_fails_at_load():
    spec = replace(cases.get("recommendations"),
                   metrics=(MetricSpec("ndcg_at_10", "NDCG@10", "ndcg", params={"k": "10"}),),
                   primary_metric="ndcg_at_10")
    with pytest.raises(CaseSpecError, match=r"case 'recommendations': metric 'ndcg_at_10' \(ndcg\): parameter 'k': "
                                            r"input should be a valid integer, got '10'"):
        tasks.for_case(spec)


def test_a_parameter_outside_its_bounds_fails_at_load():
    spec = replace(cases.get("recommendations"),
                   metrics=(MetricSpec("ndcg_at_0", "NDCG@0", "ndcg", params={"k": 0}),), primary_metric="ndcg_at_0")
    with pytest.raises(CaseSpecError, match=r"parameter 'k': input should be greater than or equal to 1, got 0"):
        tasks.for_case(spec)


def test_a_parameter_outside_its_choices_fails_at_load_naming_them():
    spec = replace(cases.get("highlights"),
                   metrics=(MetricSpec("f1_min", "F1", "f1", params={"over_editors": "min"}),), primary_metric="f1_min")
    with pytest.raises(CaseSpecError, match=r"case 'highlights': metric 'f1_min' \(f1\): parameter 'over_editors': "
                                            r"input should be 'mean' or 'max', got 'min'"):
        tasks.for_case(spec)


def test_a_required_parameter_left_out_fails_at_load():
    spec = replace(cases.get("recommendations"), metrics=(MetricSpec("ndcg", "NDCG"),), primary_metric="ndcg")
    with pytest.raises(CaseSpecError, match=r"metric 'ndcg' \(ndcg\) needs parameter\(s\) k"):
        tasks.for_case(spec)


def test_two_metrics_computing_the_same_thing_fail_at_load():
    spec = replace(cases.get("tickets"), metrics=(MetricSpec("macro_f1", "Macro-F1"),
                                                  MetricSpec("f1", "F1", "macro_f1")))
    with pytest.raises(CaseSpecError, match="compute the same thing"):
        tasks.for_case(spec)


def test_a_catalogue_metric_with_an_interval_fails_at_load():
    spec = replace(cases.get("recommendations"),
                   metrics=(MetricSpec("ndcg_at_10", "NDCG@10", "ndcg", params={"k": 10}),
                            MetricSpec("coverage_at_10", "Coverage@10", "coverage", params={"k": 10})))
    with pytest.raises(CaseSpecError, match=r"metric 'coverage_at_10' \(coverage\) has no per-unit interval"):
        tasks.for_case(spec)


def test_an_unknown_task_type_names_the_known_ones():
    with pytest.raises(CaseSpecError, match=r"no task type 'clustering'; the task types are: binary, .*multiclass"):
        tasks.for_case(replace(cases.get("tickets"), task="clustering"))


def test_the_command_line_reports_a_broken_case_with_exit_code_1(monkeypatch, tmp_path, capsys):
    from typer.testing import CliRunner

    from casekit.cli import app

    broken = replace(cases.get("tickets"), metrics=(*cases.get("tickets").metrics,
                                                    MetricSpec("balanced_accuracy", "Balanced accuracy")))
    monkeypatch.setattr(cases, "_registry", lambda: {"tickets": broken})
    result = CliRunner().invoke(app, ["new", "tickets", "-o", str(tmp_path / "p")])
    assert result.exit_code == 1
    assert "'balanced_accuracy'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "p").exists()


def test_every_task_type_implements_the_whole_contract():
    for name in tasks.TASK_TYPES:
        task_type = tasks.task_type(name)
        assert not task_type.__abstractmethods__, (name, sorted(task_type.__abstractmethods__))
        assert task_type.registry.task == name
