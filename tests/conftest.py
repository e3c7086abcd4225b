"""Settings for every test: no animations, a temporary DLTUTOR_HOME so no test touches a real home, and the
``ui`` and ``slow`` markers (``pytest -m "not ui and not slow"`` is the fast core run)."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path

import pytest

# Textual reads TEXTUAL_ANIMATIONS when it is first imported, which may be before any fixture runs.
os.environ["TEXTUAL_ANIMATIONS"] = "none"

#: Fixtures that drive the app's screen or a browser: a test that asks for one is a ``ui`` test.
UI_FIXTURES = frozenset({"snap_compare", "browser"})
#: Calls that run the app headless from a plain test function (the guided tour drives every screen).
UI_CALLS = ("run_test(", "run_tour(")

#: Tests that took more than about 2 s each on the 2-core development machine (``pytest --durations=0``,
#: module by module, 2026-12), as ``module::test`` (every parametrization of the test) or ``module::test[id]``.
#: Remeasure when a test gets much faster or slower; a name that no longer exists is simply unused.
SLOW_TESTS = frozenset({
    # the core's training runs
    "test_next_step::test_a_step_that_did_not_help_is_undone_and_the_next_one_tried_never_looping",
    "test_next_step::test_each_preset_gets_the_step_its_evidence_calls_for",
    "test_next_step::test_deep_sigmoid_vanishing_gradients_get_an_activation_step_that_trains",
    "test_train::test_deep_preset_shows_vanishing_gradients_as_its_description_says",
    # these three share a module fixture that trains two presets (3.4 s)
    "test_dropout_standin::test_dropout_beats_no_regularization_on_the_stand_in",
    "test_dropout_standin::test_recorded_costs_say_which_network",
    "test_dropout_standin::test_the_lab_says_the_same",
    # time limits, child processes and servers: they wait on purpose
    "test_reliability_learner::test_fifty_sleeps_are_reaped_on_timeout_too",
    "test_reliability_learner::test_escape_codes_the_learner_prints_are_shown_escaped",
    "test_reliability_learner::test_memory_is_capped_across_all_the_processes[cgroup]",
    "test_learner::test_a_background_process_is_killed_on_timeout",
    "test_exercises::test_files_that_crash_loop_or_exit_fail_in_the_child[loop-finishes in time-words0]",
    "test_web_tabs::test_a_tab_app_that_ignores_quit_and_sigterm_is_still_ended_with_what_it_started",
    # many cases in one test
    "test_fuzz_cli::test_no_traceback_and_no_hang_from_any_option",
    "test_reliability_cli::test_a_huge_argument_is_cut_in_the_error_line[argv1]",
    "test_reliability_progress::test_out_of_range_numbers_are_moved_aside_with_a_notice[score-300-digits]",
    "test_quiz::test_quiz_lessons_are_the_lesson_files_ids",
    # ui tests are mostly 2-5 s each (they are told apart by the ui marker): slow names those over 5 s
    "test_app::test_tour_runs_every_stop_and_reports",
    "test_app::test_paging_through_lessons_faster_than_they_fill",
    "test_app::test_every_footer_shows_help_quit_and_the_way_back",
    "test_app::test_ask_at_start_and_unknown_questions",
    "test_app::test_small_terminal_shows_a_notice_and_resizing_never_crashes[lesson]",
    "test_app::test_ask_reads_accuracies_and_declines_other_courses",
    "test_app::test_ask_then_open_the_source_lesson_and_escape_back",
    "test_app::test_mixed_quiz_to_the_end_saves_the_score",
    "test_app::test_ask_answers_with_its_source_and_keeps_a_history",
    "test_app::test_try_it_opens_the_preset_in_the_lab_over_the_lesson",
    "test_lab::test_early_stopping_reports_the_restored_weights",
    "test_lab::test_the_lab_and_the_cli_give_the_same_verdict",
    "test_panels::test_lessons_try_it_opens_the_workbench_and_the_panels",
    "test_exercise_screen::test_a_lesson_page_links_to_its_exercise",
    "test_snapshots::test_ask_with_an_answer",
    "test_web::test_a_tab_shows_the_tutor_keys_work_and_its_app_ends_with_the_tab",
    "test_web::test_two_tabs_at_once_keep_both_learners_progress",
    "test_web::test_the_tutor_opens_through_jupyter_server_proxy",
    "test_web::test_stopping_the_server_ends_every_tab_app",
})


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path_factory.mktemp("dltutor-home")))


def _module_text(module: object, cache: dict[str, str]) -> str:
    """A test module's source, read once per collection."""
    path = getattr(module, "__file__", None)
    if path is None:
        return ""
    if path not in cache:
        cache[path] = Path(path).read_text(encoding="utf-8")
    return cache[path]


def _calls_the_app(function: Callable[..., object]) -> bool:
    """Whether a test function's own code runs the app headless (a call of :data:`UI_CALLS`)."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return any(call in source for call in UI_CALLS)


def _is_ui(item: pytest.Function, texts: dict[str, str]) -> bool:
    if UI_FIXTURES.intersection(item.fixturenames):
        return True
    text = _module_text(item.module, texts)
    if not any(call in text for call in UI_CALLS):
        return False
    # Pilot tests are coroutines and often share a helper that opens the app; plain functions beside them
    # test text and data, unless their own code runs the app (the guided tour)
    return inspect.iscoroutinefunction(item.function) or _calls_the_app(item.function)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``ui`` and ``slow`` here, in one place, so no test file has to carry them.

    ``ui``: the test asks for a fixture of :data:`UI_FIXTURES`, or its module runs the app (a call of
    :data:`UI_CALLS`) and the test is a coroutine or makes such a call itself.
    ``slow``: the test is in :data:`SLOW_TESTS`.
    """
    texts: dict[str, str] = {}
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        if _is_ui(item, texts):
            item.add_marker(pytest.mark.ui)
        module = Path(item.location[0]).stem
        if f"{module}::{item.originalname}" in SLOW_TESTS or f"{module}::{item.name}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
