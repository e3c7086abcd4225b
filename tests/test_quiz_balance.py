"""The quiz and the lessons' Check yourself questions do not give their answers away, and say true things.

Everything here is computed from ``lessons/quiz.toml`` and every lesson's ``[[check]]`` tables, so a question
added or edited later that breaks a rule fails here: the right option must not be picked out by its length
(strictly longest in at most 40% of single-answer questions, and not almost never either, which would be a
tell of its own; strictly shortest in at most 40%), select-all questions have 1 to 4 right options and not
always the same number, answers are spread over the positions, and every option says why it is right or
wrong. The items that once taught something false are checked against the engine.
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import mean

import numpy as np
import pytest

from dltutor.tutor.lessons import get_lesson, load_lessons
from dltutor.tutor.quiz import QuizQuestion, load_quiz

LONGEST_MAX = 0.40  # chance is 25% with four options, 33% with three
LONGEST_MIN = 0.10  # "the longest is never right" would give answers away too
SHORTEST_MAX = 0.40
POSITION_MAX = 0.40

_AFFIRM = re.compile(r"^(right|correct|true|yes)\b", re.IGNORECASE)
_DENY = re.compile(r"^(wrong|incorrect|false|no)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def quiz() -> list[QuizQuestion]:
    return load_quiz()


@pytest.fixture(scope="module")
def checks():
    return [(lesson.id, check) for lesson in load_lessons() for check in lesson.checks]


def by_id(quiz: list[QuizQuestion], qid: int) -> QuizQuestion:
    return next(q for q in quiz if q.id == qid)


def length_shares(items: list[tuple[list[str], int]]) -> tuple[float, float]:
    """The share of items whose right option is strictly the longest, and strictly the shortest."""
    longest = shortest = 0
    for texts, right in items:
        others = [len(t) for i, t in enumerate(texts) if i != right]
        longest += len(texts[right]) > max(others)
        shortest += len(texts[right]) < min(others)
    return longest / len(items), shortest / len(items)


def quiz_singles(quiz) -> list[tuple[list[str], int]]:
    return [([o.text for o in q.options], next(i for i, o in enumerate(q.options) if o.correct))
            for q in quiz if q.kind == "single"]


def check_items(checks) -> list[tuple[list[str], int]]:
    return [(list(c.options), c.answer) for _, c in checks]


# ------------------------------------------------------------------------------------------- length and place


@pytest.mark.parametrize("which", ["quiz", "checks", "both"])
def test_the_right_option_is_not_given_away_by_its_length(quiz, checks, which):
    items = {"quiz": quiz_singles(quiz), "checks": check_items(checks),
             "both": quiz_singles(quiz) + check_items(checks)}[which]
    assert len(items) >= 30
    longest, shortest = length_shares(items)
    assert LONGEST_MIN <= longest <= LONGEST_MAX, f"right option longest in {longest:.0%} of {which}"
    assert shortest <= SHORTEST_MAX, f"right option shortest in {shortest:.0%} of {which}"


@pytest.mark.parametrize("which", ["quiz", "checks"])
def test_no_length_rank_is_a_tell(quiz, checks, which):
    # "pick the second longest" must not work either: no rank by length holds most of the right answers
    items = quiz_singles(quiz) if which == "quiz" else check_items(checks)
    ranks = Counter(sorted((len(t) for t in texts), reverse=True).index(len(texts[right]))
                    for texts, right in items)
    assert max(ranks.values()) <= 0.40 * len(items), ranks


def test_select_all_right_options_are_not_longer_than_the_wrong_ones(quiz):
    multi = [q for q in quiz if q.kind == "multi"]
    right = mean(len(o.text) for q in multi for o in q.options if o.correct)
    wrong = mean(len(o.text) for q in multi for o in q.options if not o.correct)
    assert abs(right - wrong) <= 0.15 * wrong, (right, wrong)
    # the right set is the k longest options no more often than about chance allows
    top = sum({o.key for o in sorted(q.options, key=lambda o: -len(o.text))[:len(q.right)]} == q.right
              for q in multi)
    assert top <= 0.4 * len(multi), top


def test_select_all_questions_have_one_to_four_right_options_in_a_spread(quiz):
    counts = Counter(len(q.right) for q in quiz if q.kind == "multi")
    assert set(counts) <= {1, 2, 3, 4}, counts
    assert len(counts) >= 3, f"select-all questions always have one of {sorted(counts)} right options"
    assert max(counts.values()) <= 0.5 * sum(counts.values()), counts
    for q in quiz:
        if q.kind == "multi":
            assert len(q.right) < len(q.options), f"question {q.id}: select-all needs a wrong option"


def test_right_answers_are_spread_over_the_positions(quiz, checks):
    for name, items in (("quiz", quiz_singles(quiz)), ("checks", check_items(checks))):
        positions = Counter(right for _, right in items)
        assert max(positions.values()) <= POSITION_MAX * len(items), (name, positions)
        assert {0, 1, 2} <= set(positions), (name, positions)


# ------------------------------------------------------------------------------------------- explanations


def test_every_quiz_option_says_why(quiz):
    for q in quiz:
        for o in q.options:
            assert len(o.explanation) >= 20, (q.id, o.key)
            if o.correct:
                assert not _DENY.match(o.explanation), (q.id, o.key, "a right option explained as wrong")
            else:
                assert not _AFFIRM.match(o.explanation), (q.id, o.key, "a wrong option explained as right")


def test_every_check_option_says_why(checks):
    for lesson_id, check in checks:
        assert len(check.why) == len(check.options), (lesson_id, check.question)
        assert len(set(check.options)) == len(check.options), (lesson_id, check.question)
        for i, why in enumerate(check.why):
            if i == check.answer:
                assert not _DENY.match(why), (lesson_id, check.question)
            else:
                assert len(why) >= 30, (lesson_id, check.question, i, "a wrong option needs a reason")
                assert not _AFFIRM.match(why), (lesson_id, check.question, i)


# ------------------------------------------------------------------------------------------- facts


def test_q39_a_deep_linear_stack_of_1_5_i_grows_like_1_5_to_the_l(quiz):
    from dltutor.core.deep import identity_experiment
    from dltutor.core.rng import make_rng

    q = by_id(quiz, 39)
    right = q.option(next(iter(q.right)))
    assert "1.5^L" in right.text and "L-1" not in right.text
    assert all(not o.correct for o in q.options if "1.5^(L-1)" in o.text)  # the old key is a distractor now
    depth = 30
    report = identity_experiment(depth, 1.5, make_rng(0))
    assert report.layers[-1].act_std / report.input_std == pytest.approx(1.5 ** depth, rel=1e-9)
    # the lesson's own check says the same with 50 layers
    check = next(c for c in get_lesson("vanishing-gradients").checks if "1.5·I" in c.question)
    assert "1.5⁵⁰" in check.options[check.answer] and "600 million" in check.explanation
    assert 6e8 < 1.5 ** 50 < 7e8


def test_q40_keys_consequences_not_remedies(quiz):
    q = by_id(quiz, 40)
    assert "consequences" in q.prompt
    for key in q.right:
        text = q.option(key).text.lower()
        assert not re.search(r"initiali[sz]|reduces? it|fix|helps|remed", text), text


def test_q47_and_q46_errors_are_the_engine_s(quiz):
    from dltutor.core.gradcheck import one_dimensional_demo

    demo = one_dimensional_demo(theta=1.0, eps=0.01)
    one, two = demo["errors"]["one_sided"], demo["errors"]["two_sided"]
    assert one == pytest.approx(0.0301) and two == pytest.approx(0.0001)
    q47 = by_id(quiz, 47)
    right = q47.option(next(iter(q47.right))).text
    assert f"{one:.4f}" in right and f"{two:.4f}" in right
    for o in q47.options:  # "one-sided roughly 0.01" is a misconception, never the key
        if re.search(r"one-sided (about |roughly )?0\.01\b", o.text, re.IGNORECASE):
            assert not o.correct, o.text
    q46 = by_id(quiz, 46)
    assert q46.option(next(iter(q46.right))).text == f"{demo['two_sided']:.4f}"


def test_q48_and_lesson_12_agree_that_eps_1e_7_is_past_the_balance_point(quiz):
    # Two-sided error: truncation ~ eps^2 against round-off ~ 1e-16/eps; they balance near 5e-6.
    eps = np.logspace(-10, -2, 801)
    balance = eps[np.argmin(eps ** 2 + 1e-16 / eps)]
    assert 1e-6 < balance < 1e-4 and 1e-7 < balance
    q48 = by_id(quiz, 48)
    balance_claims = [o for o in q48.options if "1e-7" in o.text and "balance" in o.text]
    assert balance_claims and not any(o.correct for o in balance_claims)
    text = " ".join(get_lesson("numerical-gradients").section("Choosing ε").text.split())
    assert "That is not the balance point" in text and "round-off side" in text
    assert "10⁻⁴ and 10⁻⁶" in text


def test_lesson_10_says_weights_can_outweigh_a_small_slope():
    from dltutor.core.deep import run_deep
    from dltutor.core.rng import make_rng

    lesson = get_lesson("vanishing-gradients")
    section = next(s for s in lesson.sections if s.heading.startswith("Saturating activations"))
    text = " ".join(section.text.split())
    assert "0.25" in text and "outweigh" in text and "at least a factor of 4" not in text
    # the lesson's tanh network (dltutor deep's defaults): most units saturated, yet the gradient grows about
    # twofold per layer toward the input, as the lesson says with the engine's numbers
    report = run_deep(20, 100, "tanh", "normal", make_rng(0))
    growth = [report.layers[i].grad_norm / report.layers[i + 1].grad_norm for i in range(19)]
    assert all(1.5 < g < 3 for g in growth), growth
    assert "about twofold per layer" in text
    saturated = re.search(r"finds about (\d+)% of those units saturated", text)
    assert saturated and abs(int(saturated.group(1)) - 100 * mean(x.flat for x in report.layers)) < 3


def test_lesson_11_xavier_and_glorot_are_one_initialization():
    text = " ".join(get_lesson("weight-init").body.split())
    assert "Another variant, by Glorot" not in text
    assert "Xavier initialization is also called Glorot initialization" in text
    assert "2 / (n[l−1] + n[l])" in text
