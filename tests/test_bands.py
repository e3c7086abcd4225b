"""The gradient-check bands: one definition (core.bands) with the same words and colours everywhere."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from dltutor.core.bands import (
    BAND_COLOUR,
    COURSE_THRESHOLD,
    band_name,
    describe,
    verdict_band,
)


@pytest.mark.parametrize("difference, name, words", [
    (1e-9, "right", "great"),
    (9.9e-8, "right", "great"),
    (1.5e-7, "right", "2e-7 threshold (passes)"),
    (2e-7, "right", "2e-7 threshold (passes: it fails only above 2e-7)"),
    (3e-7, "look", "just above the assignment's 2e-7 threshold"),
    (1e-5, "look", "around 1e-5: look carefully"),
    (5e-5, "look", "look carefully"),
    (3e-4, "bug", "very likely a bug"),  # past the 1e-4 log midpoint: not "may be fine"
    (1e-3, "bug", "very likely a bug"),
    (0.285, "bug", "above 1e-3"),
    (math.nan, "bug", "not a finite number"),
    (math.inf, "bug", "not a finite number"),
])
def test_the_course_bands(difference, name, words):
    band = verdict_band(difference)
    assert band.name == name == band_name(difference)
    assert words in band.label
    assert band.colour == BAND_COLOUR[name]
    assert "may be fine" not in band.label + band.advice


def test_look_band_says_look_at_each_component():
    assert "each component" in verdict_band(1e-5).advice
    for d in (1e-9, 1e-5, 3e-4, 0.3):  # the label says where it falls, the advice what to do, without repeats
        band = verdict_band(d)
        assert band.label.split(": ")[-1] not in band.advice


def test_edges_are_exact():
    assert describe(1e-3).startswith("at 1e-3")
    assert describe(COURSE_THRESHOLD).startswith("at 2e-7, the assignment's pass threshold")
    assert describe(1e-7).startswith("at 1e-7")
    assert describe(1e-9) == "below 1e-7: great"


def test_every_user_shares_the_definition():
    from dltutor.core import gradcheck
    from dltutor.tutor.widgets import gc_bands, gc_heatmap, gc_report

    assert gradcheck.verdict_band is verdict_band
    for value in (1e-9, 1.5e-7, 3e-7, 1e-5, 3e-4, 1e-3, 0.3, math.nan):
        assert gc_bands.band_of(value) == band_name(value)
    assert gc_heatmap.BAND_COLOR == BAND_COLOUR
    assert [colour for _label, _limit, colour in gc_bands.ZONES] == ["success", "warning", "error"]
    assert set(gc_report.BAND_STYLE) == {"right", "look", "bug"}


def test_cli_gradcheck_and_ask_use_the_same_words(capsys):
    from dltutor.tutor.ask import answer
    from dltutor.tutor.cli import main

    for d in (2e-7, 1e-4, 3e-4):
        reply = answer(f"my gradient check difference is {d:g}, is that ok?")
        assert reply.kind == "gradcheck" and describe(d) in reply.answer
    assert main(["gradcheck", "--variant", "fixed"]) == 0
    out = capsys.readouterr().out
    assert "RIGHT" in out or "right" in out


def test_bands_module_does_not_import_numpy():
    code = "import sys, dltutor.core.bands; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_exactly_2e7_passes_as_the_assignment_does():
    """The assignment's check is ``if difference > 2e-7: fail``: 2e-7 itself passes, just above does not."""
    assert band_name(2e-7) == "right" and verdict_band(2e-7).name == "right"
    assert band_name(2.0000001e-7) == "look"
    words = describe(2e-7)
    assert "passes" in words and "needs less" not in words and "look carefully" not in words


def test_1e4_is_worded_as_the_log_midpoint():
    """1e-4 is as far from 1e-5 as from 1e-3 on a log scale: it must not be called "nearer 1e-3"."""
    for text in (describe(1e-4), verdict_band(1e-4).label, verdict_band(3e-4).label):
        assert "nearer 1e-3" not in text
    assert "between 'look carefully' (~1e-5) and 'very likely a bug' (~1e-3)" in describe(1e-4)
    assert verdict_band(1e-4).name == "bug" and verdict_band(9.9e-5).name == "look"
