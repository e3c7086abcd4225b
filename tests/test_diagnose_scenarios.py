"""Bias/variance scenarios in the course's spirit: compare the gaps, work on the larger, say when both are small.

Each row is (Bayes or None, train, dev, the verdict phrases, the focus, whether it is pressing). The rows
come from the lectures (the four-column table, the human-level examples of Course 3), the issue's
counter-examples and cases built to probe the rule's edges; none is special-cased in the engine.
"""

from __future__ import annotations

import pytest

from dltutor.core.diagnose import diagnose
from dltutor.tutor.text.diagnose import number_rows, render_diagnosis

SCENARIOS = [
    # The lecture's table (Bayes about 0): exactly the four columns.
    (None, "1%", "11%", ["low bias", "high variance"], "variance", True),
    (None, "14%", "15%", ["high bias", "low variance"], "bias", True),
    (None, "15%", "16%", ["high bias", "low variance"], "bias", True),
    (None, "14%", "30%", ["high bias", "high variance"], "bias", True),  # comparable: bias first
    (None, "15%", "30%", ["high bias", "high variance"], "bias", True),
    (None, "0.5%", "1%", ["low bias", "low variance"], None, False),
    # Dev error 4.4 times training error: 1.7 points is not "nothing to do".
    (None, "0.5%", "2.2%", ["low bias", "high variance"], "variance", True),
    # Course 3, human-level performance: human 1% / 7.5% / 0.5% with train 8%, dev 10% / train 0.7, dev 0.8.
    ("1%", "8%", "10%", ["high bias", "high variance"], "bias", True),
    ("7.5%", "8%", "10%", ["low bias", "high variance"], "variance", True),
    ("0.5%", "0.7%", "0.8%", ["low bias", "low variance"], "bias", False),
    # The issue's cases: both small but variance is the larger; avoidable bias 1.5 points > variance 1 point.
    ("1.8%", "2%", "2.5%", ["low bias", "low variance"], "variance", False),
    ("0.5%", "2%", "3%", ["high bias", "low variance"], "bias", True),
    # Blurry images: Bayes 15%.
    ("15%", "15%", "16%", ["low bias", "low variance"], "variance", False),
    ("15%", "16%", "30%", ["low bias", "high variance"], "variance", True),
    # Both high, one clearly larger (1.5 times): the larger first, even when it is variance.
    (None, "5%", "30%", ["high bias", "high variance"], "variance", True),
    (None, "20%", "24%", ["high bias", "high variance"], "bias", True),
    # Relative judgement needs a real level below: 1% -> 2% (doubles) is not high, 0.2% -> 1.4% (7x) is.
    (None, "1%", "2%", ["low bias", "low variance"], None, False),
    (None, "0.2%", "1.4%", ["low bias", "high variance"], "variance", True),
    (None, "0%", "1.5%", ["low bias", "low variance"], "variance", False),  # no relative judgement on 0
    # An assumed Bayes error of 0 allows no relative judgement of bias: 1.5 points stays low.
    (None, "1.5%", "1.8%", ["low bias", "low variance"], "bias", False),
    ("0.3%", "1.5%", "1.8%", ["high bias", "low variance"], "bias", True),
    # Negligible gaps.
    ("2%", "2.05%", "2.1%", ["low bias", "low variance"], None, False),
    (None, "0%", "0%", ["low bias", "low variance"], None, False),
    # Large everything.
    (None, "45%", "48%", ["high bias", "high variance"], "bias", True),
    ("30%", "31%", "45%", ["low bias", "high variance"], "variance", True),
]


@pytest.mark.parametrize("bayes, train, dev, phrases, focus, pressing", SCENARIOS,
                         ids=[f"{b or '~0'}/{t}/{d}" for b, t, d, *_ in SCENARIOS])
def test_scenario(bayes, train, dev, phrases, focus, pressing):
    d = diagnose(train, dev, bayes_error=bayes)
    assert d.phrases == phrases
    assert d.focus == focus
    assert d.pressing is pressing
    # The verdict always states the threshold and the Bayes assumption it used.
    text = " ".join(d.assumptions)
    assert "2 points or more counts as high" in text
    assert ("near 0%" in text) if bayes is None else (f"about {bayes}" in text)
    assert d.advice and d.advice in d.summary
    if focus is None:
        assert d.recipe == []
        assert "nothing" in d.advice
    else:
        assert "nothing to do" not in render_diagnosis(d)
        first = {"bias": "Bigger network", "variance": "More data"}[focus]
        assert d.recipe[0].title == first
        assert f"work on {focus}" in d.advice.lower()


def test_issue_cases_compare_the_gaps_in_words():
    d = diagnose("2%", "3%", bayes_error="0.5%")
    assert "Work on bias first" in d.advice and "1.5 points" in d.advice
    d = diagnose("0.5%", "2.2%")
    assert "4.4 times training error" in d.summary
    d = diagnose("2%", "2.5%", bayes_error="1.8%")
    assert "Both gaps are under the 2-point threshold, but variance (0.5 points) is the larger" in d.advice
    assert "2.5 times avoidable bias" in d.advice
    assert "To lower the error further" in render_diagnosis(d) or "to lower the error further" in render_diagnosis(d)


def test_both_small_and_equal_says_so():
    d = diagnose("0.5%", "1%")
    assert d.advice.startswith("Both gaps are under the 2-point threshold and about equal")
    assert "nothing to do" in render_diagnosis(d)


@pytest.mark.parametrize("train, dev", [("20%", "10%"), ("5%", "4%"), ("1%", "0.5%")])
def test_dev_below_train_gets_a_note_not_negative_variance(train, dev):
    d = diagnose(train, dev)
    note = next(n for n in d.notes if "below training error" in n)
    for reason in ("different distribution", "small", "regularization is active only in training"):
        assert reason in note
    text = render_diagnosis(d)
    assert "variance  -" not in text and "not measurable" in text
    assert "variance cannot be read" in d.summary
    variance_row = next(r for r in number_rows(d) if r[0] == "variance")
    assert variance_row[1] == "not measurable" and "dev below train" in variance_row[3]


def test_dev_below_train_does_not_hide_high_bias():
    d = diagnose("20%", "10%")
    assert d.focus == "bias" and d.high_bias


def test_train_dev_mismatch_and_dev_overfitting_compete_by_size():
    # MLY: train 10%, train-dev 11%, dev 20%: bias 10 points and mismatch 9 are comparable -> bias first.
    d = diagnose("10%", "20%", train_dev_error="11%")
    assert d.focus == "bias" and "data mismatch" in d.phrases
    assert [s.title for s in d.recipe][-2].startswith("Error analysis")
    # A mismatch clearly larger than everything else comes first.
    d = diagnose("1%", "10%", train_dev_error="1.5%")
    assert d.focus == "data mismatch" and d.pressing
    # Test error far above dev error: the dev set was overfit.
    d = diagnose("1%", "2%", test_error="8%")
    assert d.focus == "overfitting the dev set"


def test_relative_rows_are_marked():
    rows = number_rows(diagnose("0.5%", "2.2%"))
    assert ["variance", "1.7 points", "dev - train", "high variance (relative)"] in rows


def test_dev_examples_note_the_resolution():
    d = diagnose("0%", "2.5%", dev_examples=40)
    assert any("one example is 2.5 points" in n for n in d.notes)
    assert not any("one example" in n for n in diagnose("0%", "2.5%", dev_examples=100_000).notes)


@pytest.mark.parametrize("train, dev", [("20%", "10%"), ("3%", "2%")])
def test_dev_below_train_never_says_low_variance(train, dev):
    d = diagnose(train, dev)
    assert "low variance" not in d.phrases and "variance not measurable" in d.phrases
    assert "low variance" not in d.summary.split(":")[0].lower()
    assert "0 points of variance" not in d.summary + d.advice


def test_zero_variance_is_not_against_0_points():
    d = diagnose("10%", "10%")
    assert d.focus == "bias" and "against 0 points" not in d.advice and "0 points of" not in d.summary


def test_negative_avoidable_bias_reads_below_the_bayes_estimate():
    d = diagnose("1%", "2%", bayes_error="2%")
    row = next(r for r in number_rows(d) if r[0] == "avoidable bias")
    assert row[1] == "1 point below the Bayes estimate" and not row[1].startswith("-")
    assert "-1 point" not in render_diagnosis(d)
