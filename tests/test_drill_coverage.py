"""The drill's coverage hint: which strong points an answer's words touch (a hint, not a grade)."""

from __future__ import annotations

from casekit.drill.coverage import content_words, touched_points

CAPACITY = "Fact-checkers can review about 15% of posts, so the model fills a queue, it does not decide."
TIMING = "Asks when a post is scored: at one hour old, with share_count as it stands at that moment."


def test_an_answer_in_the_points_own_words_touches_it():
    assert touched_points("The queue is capped: fact-checkers review 15% of the posts.", (CAPACITY,)) == [CAPACITY]


def test_two_common_content_words_do_not_touch_a_long_point():
    assert touched_points("I would ask about every post.", (TIMING,)) == []


def test_an_empty_answer_touches_nothing():
    assert touched_points("", (CAPACITY, TIMING)) == []


def test_words_compare_without_case_punctuation_or_a_final_s():
    assert content_words("Posts, QUEUES; share_count!") == {"post", "queue", "share_count"}


def test_touched_points_keep_the_plans_order():
    answer = "The model ranks posts into a queue for fact-checkers; I'd ask when a post is scored, at one hour old."
    assert touched_points(answer, (TIMING, CAPACITY)) == [TIMING, CAPACITY]
