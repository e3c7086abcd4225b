"""The diagnostic assistant: error parsing, bias/variance verdicts, the basic recipe, split advice, CLI."""

from __future__ import annotations

import json
import math

import pytest

from dltutor.core.diagnose import (
    BIAS_STEPS,
    HIGH_GAP,
    VARIANCE_STEPS,
    course_table,
    diagnose,
    parse_count,
    parse_error,
    parse_errors,
    render_split,
    split_advice,
    unit_warnings,
)
from dltutor.core.errors import TutorError
from dltutor.tutor.cli import main
from dltutor.tutor.text.diagnose import render_diagnosis

# --------------------------------------------------------------------------------------------------------
# parse_error


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1%", 0.01),
        (" 1 % ", 0.01),
        ("11", 0.11),
        ("0.01", 0.01),
        ("0.5%", 0.005),
        ("1", 1.0),  # a bare number at most 1 is a fraction: "1" is 100%
        ("0", 0.0),
        ("100%", 1.0),
        ("100", 1.0),
        ("15 percent", 0.15),
        ("one percent", 0.01),
        ("ten percent", 0.10),
        ("Twenty-five per cent", 0.25),
        ("half a percent", 0.005),
        (11, 0.11),
        (0.2, 0.2),
        (0, 0.0),
    ],
)
def test_parse_error_accepts(text, expected):
    assert parse_error(text, "--train-error") == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("text", ["-1", "-5%", "abc", "", "  ", "%", "101", "150%", "nan", "inf", "1e999",
                                  "ten apples", True, None, [1]])
def test_parse_error_refuses(text):
    with pytest.raises(TutorError) as info:
        parse_error(text, "--dev-error")
    message = str(info.value)
    assert message.startswith("--dev-error: ")
    assert "allowed:" in message and "%" in message


def test_errors_are_read_together():
    values, problems = parse_errors({"train": "1", "dev": "11", "bayes": None})
    assert values == {"train": 0.01, "dev": 0.11, "bayes": None} and problems == {}  # 1 beside 11 is 1%
    values, _ = parse_errors({"train": "0.01", "dev": "0.11"})
    assert values == {"train": 0.01, "dev": 0.11}  # fractions stay fractions
    values, _ = parse_errors({"train": "0.5", "dev": "one percent"})
    assert values == {"train": 0.005, "dev": 0.01}
    values, _ = parse_errors({"train": "1", "dev": "0.5"})
    assert values == {"train": 1.0, "dev": 0.5}  # only fractions: a bare 1 is 100% (and a note says so)
    values, problems = parse_errors({"train": "1%", "dev": "lots", "test": "2"})
    assert values == {"train": 0.01, "dev": None, "test": 0.02} and set(problems) == {"dev"}
    assert str(problems["dev"]).startswith("dev: not a number: 'lots'")


def test_unit_warnings_point_out_likely_slips():
    (bare_one,) = unit_warnings({"--train-error": "1", "--dev-error": "0.5"})
    assert "100%" in bare_one and "1%" in bare_one
    (mixed,) = unit_warnings({"--train-error": "0.5", "--dev-error": "1%"})
    assert "--train-error 0.5 was read as 0.5%" in mixed and "write 50%" in mixed
    assert unit_warnings({"--train-error": "1%", "--dev-error": "11%", "--bayes-error": None}) == []
    assert unit_warnings({"--train-error": "0.01", "--dev-error": "0.11"}) == []


# --------------------------------------------------------------------------------------------------------
# diagnose: the course's table and asides


TABLE_ROWS = [
    # (train, dev, bias phrase, variance phrase)
    (0.01, 0.11, "low bias", "high variance"),
    (0.14, 0.15, "high bias", "low variance"),
    (0.15, 0.16, "high bias", "low variance"),
    (0.14, 0.30, "high bias", "high variance"),
    (0.15, 0.30, "high bias", "high variance"),
    (0.005, 0.01, "low bias", "low variance"),
]


@pytest.mark.parametrize("form", ["fraction", "percent-sign", "bare-percent-or-fraction", "float"])
@pytest.mark.parametrize("train, dev, bias, variance", TABLE_ROWS)
def test_course_table(train, dev, bias, variance, form):
    if form == "fraction":
        args = (f"{train:g}", f"{dev:g}")
    elif form == "percent-sign":
        args = (f"{train * 100:g}%", f"{dev * 100:g}%")
    elif form == "bare-percent-or-fraction":
        # Bare numbers above 1 are percents; 0.5% has to stay a fraction (0.005) or carry its sign.
        args = tuple(f"{x * 100:g}" if x * 100 > 1 else f"{x * 100:g}%" for x in (train, dev))
    else:
        args = (train, dev)
    d = diagnose(*args)
    assert d.phrases == [bias, variance]
    assert d.numbers["train_error"] == pytest.approx(train)
    assert d.numbers["dev_error"] == pytest.approx(dev)
    assert d.numbers["avoidable_bias"] == pytest.approx(train)
    assert d.numbers["variance"] == pytest.approx(dev - train)
    assert d.numbers["bayes_assumed"] is True
    assert d.summary.lower().startswith(f"{bias} and {variance}")
    assert d.summary.count(".") >= 1 and "\n" not in d.summary


def test_course_table_helper_matches_the_lecture():
    from dltutor.core.diagnose import COURSE_TABLE as lecture

    assert lecture[1] == (0.15, 0.16)
    assert [d.phrases for d in course_table()] == [
        ["low bias", "high variance"],
        ["high bias", "low variance"],
        ["high bias", "high variance"],
        ["low bias", "low variance"],
    ]


@pytest.mark.parametrize(
    "train, train_dev, dev, phrases",
    [
        # Machine Learning Yearning, "Identifying bias, variance, and data mismatch errors".
        ("1%", "5%", "5%", ["low bias", "high variance"]),
        ("10%", "11%", "12%", ["high bias", "low variance"]),
        ("10%", "11%", "20%", ["high bias", "low variance", "data mismatch"]),
    ],
)
def test_train_dev_examples(train, train_dev, dev, phrases):
    assert diagnose(train, dev, train_dev_error=train_dev).phrases == phrases


def test_course_assumptions_are_stated():
    d = diagnose("1%", "11%")
    text = " ".join(d.assumptions)
    assert "near 0%" in text
    assert "same distribution" in text
    assert "2 points" in text


def test_bayes_error_15_percent_makes_15_16_low_bias_low_variance():
    # The course's aside: blurry images that nobody can classify well.
    d = diagnose("15%", "16%", bayes_error="15%")
    assert d.phrases == ["low bias", "low variance"]
    assert d.numbers["avoidable_bias"] == pytest.approx(0.0)
    assert d.numbers["bayes_assumed"] is False
    assert any("15%" in a for a in d.assumptions)
    # Nothing is high, but the gaps are still compared: the only gap left is variance (1 point).
    assert d.pressing is False and d.focus == "variance"
    assert "Both gaps are under the 2-point threshold, but variance (1 point) is the larger" in d.advice


def test_human_level_examples_choose_the_bigger_problem():
    # Human 1%, train 8%, dev 10%: avoidable bias 7 points -> bias first.
    d = diagnose("8%", "10%", bayes_error="1%")
    assert d.phrases == ["high bias", "high variance"]
    assert d.focus == "bias"
    # Human 7.5%, train 8%, dev 10%: avoidable bias 0.5 points, variance 2 points -> variance.
    d = diagnose("8%", "10%", bayes_error="7.5%")
    assert d.phrases == ["low bias", "high variance"]
    assert d.focus == "variance"
    assert d.numbers["variance"] == pytest.approx(HIGH_GAP)


def test_data_mismatch_is_not_variance():
    d = diagnose("1%", "10%", train_dev_error="1.5%")
    assert "data mismatch" in d.phrases
    assert "low variance" in d.phrases and "high variance" not in d.phrases
    assert d.numbers["variance"] == pytest.approx(0.005)
    assert d.numbers["data_mismatch"] == pytest.approx(0.085)
    assert d.focus == "data mismatch"
    assert d.recipe[0].title.startswith("Error analysis")
    assert any("train-dev" in a for a in d.assumptions)


def test_train_dev_error_can_still_show_variance():
    d = diagnose("1%", "11%", train_dev_error="10%")
    assert "high variance" in d.phrases and "data mismatch" not in d.phrases


def test_test_error_far_above_dev_is_overfitting_the_dev_set():
    d = diagnose("1%", "2%", test_error="8%")
    assert d.phrases == ["low bias", "low variance", "overfitting the dev set"]
    assert d.numbers["dev_overfitting"] == pytest.approx(0.06)
    assert d.recipe[-1].title == "Bigger dev set"
    close = diagnose("1%", "2%", test_error="2.5%")
    assert "overfitting the dev set" not in close.phrases


def test_recipe_is_in_course_order_bias_first():
    both = diagnose("14%", "30%")
    titles = [s.title for s in both.recipe]
    assert titles == [s.title for s in BIAS_STEPS] + [s.title for s in VARIANCE_STEPS]
    assert titles[0] == "Bigger network"
    assert titles.index("More data") == len(BIAS_STEPS)
    presets = [s.lab_preset for s in both.recipe if s.lab_preset]
    assert presets == ["lesson-underfit", "course-reg-l2", "course-reg-dropout", "lesson-augment",
                       "lesson-early-stopping"]
    assert both.demos == {"high bias": "lesson-underfit", "high variance": "lesson-overfit"}

    variance_only = diagnose("1%", "11%")
    assert variance_only.recipe[0].title == "More data"
    assert [s.title for s in variance_only.recipe] == [s.title for s in VARIANCE_STEPS]
    assert variance_only.demos == {"high variance": "lesson-overfit"}

    bias_only = diagnose("15%", "16%")
    assert [s.title for s in bias_only.recipe] == [s.title for s in BIAS_STEPS]
    assert all(step.why for step in bias_only.recipe)

    assert diagnose("0.5%", "1%").recipe == []


def test_odd_numbers_get_notes():
    d = diagnose("10%", "5%")  # dev below train
    assert d.phrases == ["high bias", "variance not measurable"]  # dev below train: not "low"
    assert any("below training error" in n for n in d.notes)
    d = diagnose("2%", "3%", bayes_error="5%")
    assert any("below the Bayes error" in n for n in d.notes)


def test_summary_never_says_within_zero_points():
    # Dev error below train-dev error: say it is not above, with both numbers, not "within 0 points".
    d = diagnose("1%", "11%", train_dev_error="12%")
    assert "dev error 11% is not above train-dev error 12%: no data mismatch" in d.summary
    assert "data mismatch" not in d.phrases
    assert "within 0 point" not in d.summary
    same = diagnose("1%", "12%", train_dev_error="12%")
    assert "dev error 12% is not above train-dev error 12%" in same.summary
    close = diagnose("1%", "11%", train_dev_error="10%")
    assert "dev error 11% is within 1 point of train-dev error 10%" in close.summary
    test_below = diagnose("1%", "2%", test_error="1.5%")
    assert "test error 1.5% is not above dev error 2%" in test_below.summary
    assert "within 0 point" not in test_below.summary
    dev_below = diagnose("10%", "5%")
    assert "dev error 5% is below training error 10%" in dev_below.summary
    for args in [("1%", "2%", "1%"), ("15%", "16%", "15%"), ("5%", "5%")]:
        assert "within 0 point" not in diagnose(*args).summary


def test_training_error_below_bayes_is_called_out():
    d = diagnose("1%", "3%", bayes_error="5%")
    assert d.numbers["avoidable_bias"] == pytest.approx(-0.04)
    assert d.phrases == ["low bias", "high variance"]  # the verdicts themselves do not change
    expected = ("training error is below the Bayes error estimate: the estimate may be too high, or the "
                "model fits noise in the training set (a sign of variance)")
    assert expected in d.notes
    assert "training error 1% is below the Bayes error estimate (5%): the estimate may be too high" in d.summary
    text = render_diagnosis(d)
    assert "-4 points" not in text and "4 points below the Bayes estimate" in text and "low bias\n" not in text
    equal = diagnose("15%", "16%", bayes_error="15%")
    assert "training error 15% equals Bayes error (15%)" in equal.summary
    assert not any("below the Bayes" in n for n in equal.notes)


def test_diagnose_refuses_bad_values():
    with pytest.raises(TutorError, match="train_error"):
        diagnose("-1%", "2%")
    with pytest.raises(TutorError, match="dev_error"):
        diagnose("1%", "200%")
    with pytest.raises(TutorError, match="threshold"):
        diagnose("1%", "2%", threshold=0)


def test_diagnosis_is_deterministic_and_serialisable():
    a = diagnose("1%", "11%", bayes_error="0.5%", train_dev_error="2%", test_error="12%")
    b = diagnose(0.01, 0.11, bayes_error=0.005, train_dev_error=0.02, test_error=0.12)
    assert a.to_dict() == b.to_dict()
    payload = json.loads(json.dumps(a.to_dict()))
    assert payload["phrases"] == a.phrases
    assert payload["recipe"][0] == {"title": a.recipe[0].title, "why": a.recipe[0].why,
                                    "lab_preset": a.recipe[0].lab_preset}


def test_render_diagnosis_shows_verdict_numbers_and_recipe():
    text = render_diagnosis(diagnose("1%", "11%"))
    assert text.startswith("Diagnosis: low bias, high variance")
    assert "10 points" in text and "dev - train" in text
    assert "1. More data" in text
    assert "lesson-overfit shows high variance" in text
    assert "Bayes error" in text and "(assumed)" in text
    low = render_diagnosis(diagnose("0.5%", "1%"))
    assert "nothing to do" in low


# --------------------------------------------------------------------------------------------------------
# split advice


def _check_consistent(s):
    assert s.train + s.dev + s.test == pytest.approx(1.0)
    assert sum(s.sizes.values()) == s.m
    assert all(n >= 0 for n in s.sizes.values())
    assert any("same distribution" in n for n in s.notes)


@pytest.mark.parametrize("m", [100, 10_000])
def test_small_data_is_60_20_20(m):
    s = split_advice(m)
    assert (s.train, s.dev, s.test) == pytest.approx((0.6, 0.2, 0.2))
    assert s.sizes == {"train": int(0.6 * m), "dev": int(0.2 * m), "test": int(0.2 * m)}
    assert s.regime == "small"
    _check_consistent(s)


def test_no_test_is_70_30():
    s = split_advice(100, test=False)
    assert (s.train, s.dev, s.test) == pytest.approx((0.7, 0.3, 0.0))
    assert s.sizes == {"train": 70, "dev": 30, "test": 0}
    assert any("misleading" in n for n in s.notes)
    _check_consistent(s)


def test_one_million_is_98_1_1():
    s = split_advice(1_000_000)
    assert (s.train, s.dev, s.test) == pytest.approx((0.98, 0.01, 0.01))
    assert s.sizes == {"train": 980_000, "dev": 10_000, "test": 10_000}
    assert s.regime == "big"
    _check_consistent(s)


@pytest.mark.parametrize("m", [10_000_000, 100_000_000, 3_000_000, 10**12])
def test_big_data_keeps_absolute_dev_and_test_sizes(m):
    # Lesson 1: "decide how many dev and test examples you need (ten thousand usually does both), and give
    # everything else to training"; the share falls as m grows.
    s = split_advice(m)
    assert s.sizes["dev"] == s.sizes["test"] == 10_000
    assert s.sizes["train"] == m - 20_000
    assert s.regime == "big" and s.alternative is None
    assert any("the number of examples, not the share" in n for n in s.notes)
    _check_consistent(s)


def test_hundred_million_is_not_a_million_dev_examples():
    s = split_advice(100_000_000)
    assert s.sizes == {"train": 99_980_000, "dev": 10_000, "test": 10_000}
    assert render_split(s).startswith("Split for 100,000,000 examples: 99.98/0.01/0.01 train/dev/test")
    assert split_advice(100_000_000, test=False).sizes == {"train": 99_990_000, "dev": 10_000, "test": 0}


def test_dev_size_never_shrinks_as_data_grows():
    ms = [100, 1_000, 10_000, 30_000, 300_000, 999_999, 1_000_000, 1_000_001, 5_000_000, 10**9]
    sizes = [split_advice(m).sizes["dev"] for m in ms]
    assert sizes == sorted(sizes)
    assert max(sizes) == 10_000


def test_medium_data_interpolates_monotonically():
    ms = [10_000, 12_000, 20_000, 50_000, 100_000, 200_000, 500_000, 900_000, 1_000_000]
    advice = [split_advice(m) for m in ms]
    shares = [s.dev for s in advice]
    sizes = [s.sizes["dev"] for s in advice]
    assert shares == sorted(shares, reverse=True)
    assert sizes == sorted(sizes)
    for s in advice:
        assert s.dev == s.test
        _check_consistent(s)
    mid = split_advice(100_000)
    assert mid.regime == "medium" and 0.01 < mid.dev < 0.2


def test_test_set_can_be_skipped_and_says_why():
    s = split_advice(1_000_000)
    assert any("unbiased" in n for n in s.notes)


def test_tiny_data_warns():
    s = split_advice(1)
    assert s.sizes == {"train": 1, "dev": 0, "test": 0}
    assert any("nothing to hold out" in n for n in s.notes)


@pytest.mark.parametrize("m", [0, -5, "abc", 2.5, "2.5", True, "1e400", "", None])
def test_split_refuses_bad_m(m):
    with pytest.raises(TutorError) as info:
        split_advice(m)
    assert str(info.value).startswith("m: ")


@pytest.mark.parametrize("text, expected", [("1,000,000", 1_000_000), ("1_000", 1000), ("1e6", 1_000_000),
                                            (" 42 ", 42), (7, 7), (3.0, 3)])
def test_parse_count(text, expected):
    assert parse_count(text) == expected


def test_render_split():
    text = render_split(split_advice(10_000_000))
    assert text.startswith("Split for 10,000,000 examples: 99.8/0.1/0.1")
    assert "9,980,000" in text and "99.5/0.25/0.25" in text
    assert "70/30 train/dev" in render_split(split_advice(500, test=False))


# --------------------------------------------------------------------------------------------------------
# CLI


def test_cli_diagnose_json(capsys):
    assert main(["diagnose", "--train-error", "1%", "--dev-error", "11%", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["phrases"] == ["low bias", "high variance"]
    assert out["recipe"][0]["title"] == "More data"
    assert out["numbers"]["variance"] == pytest.approx(0.10)
    assert any("same distribution" in a for a in out["assumptions"])


def test_cli_diagnose_all_options_json(capsys):
    code = main(["diagnose", "--train-error", "1", "--train-dev-error", "1.5", "--dev-error", "10",
                 "--test-error", "15", "--bayes-error", "0.5%", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert "data mismatch" in out["phrases"] and "overfitting the dev set" in out["phrases"]
    assert out["numbers"]["test_error"] == pytest.approx(0.15)
    assert math.isclose(out["numbers"]["bayes_error"], 0.005)


def test_cli_diagnose_text_and_warning(capsys):
    assert main(["diagnose", "--train-error", "14", "--dev-error", "30"]) == 0
    captured = capsys.readouterr()
    assert "high bias, high variance" in captured.out
    assert "1. Bigger network" in captured.out
    assert captured.err == ""
    assert main(["diagnose", "--train-error", "1", "--dev-error", "11"]) == 0
    assert "warning:" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["diagnose", "--train-error", "-5", "--dev-error", "10"],
        ["diagnose", "--train-error", "abc", "--dev-error", "10"],
        ["diagnose", "--train-error", "150%", "--dev-error", "10"],
        ["diagnose", "--train-error", "1%", "--dev-error", "2%", "--test-error", "x"],
        ["split", "0"],
        ["split", "-5"],
        ["split", "abc"],
        ["split", "2.5"],
    ],
)
def test_cli_bad_input_exit_2(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error:")
    assert "Traceback" not in captured.err and captured.out == ""


def test_cli_missing_required_option_is_an_argparse_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["diagnose", "--train-error", "1%"])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("error:")


def test_cli_help_documents_the_parsing_rule(capsys):
    with pytest.raises(SystemExit) as info:
        main(["diagnose", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "bare number above 1 is a percent" in out
    assert "write 1% for one percent" in out


def test_cli_split_json(capsys):
    assert main(["split", "1000000", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"train", "dev", "test", "sizes", "notes"} <= set(out)
    assert (out["train"], out["dev"], out["test"]) == pytest.approx((0.98, 0.01, 0.01))
    assert out["sizes"] == {"train": 980_000, "dev": 10_000, "test": 10_000}
    assert main(["split", "1,000", "--no-test", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["train"], out["dev"], out["test"]) == pytest.approx((0.7, 0.3, 0.0))


def test_cli_split_text(capsys):
    assert main(["split", "100000000"]) == 0
    out = capsys.readouterr().out
    assert "99.98/0.01/0.01" in out and "dev    0.01%   10,000" in out
