"""The lessons: content, front matter, computed numbers, the loader's errors, and the two CLI commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest

from dltutor.core.errors import TutorError
from dltutor.tutor.cli import main
from dltutor.tutor.lessons import (
    CHECK_HEADING,
    DIRECTIVES,
    TRY_HEADING,
    Directive,
    get_lesson,
    lesson_ids,
    load_lessons,
    markdown_of,
    render_text,
    section_for,
    topics,
    validate_lessons,
)

REPO = Path(__file__).resolve().parents[1]

EXPECTED_IDS = [
    "train-dev-test", "bias-variance", "basic-recipe", "regularization", "why-regularization", "dropout",
    "understanding-dropout", "other-regularization", "normalizing-inputs", "vanishing-gradients",
    "weight-init", "numerical-gradients", "gradient-checking", "summary",
]

#: The contract's ids (the brief); core.presets / core.variants are checked too when they import.
PRESET_IDS = {
    "course-init-zeros", "course-init-random", "course-init-he", "course-reg-none", "course-reg-l2",
    "course-reg-dropout", "lesson-overfit", "lesson-underfit", "lesson-early-stopping", "lesson-normalize",
    "lesson-augment", "lesson-l1", "lesson-deep-sigmoid",
}
VARIANT_IDS = {
    "fixed", "course", "dW2-doubled", "db1-times-4", "missing-1-over-m", "wrong-activation-derivative",
    "sign-flip", "forgot-l2-gradient", "dropout-left-on", "bias-summed-over-wrong-axis",
}


@pytest.fixture(scope="module")
def lessons():
    return load_lessons()


def by_id(lessons, lesson_id):
    return next(lesson for lesson in lessons if lesson.id == lesson_id)


def prose_words(lesson) -> int:
    """Words the author wrote: the file's body, front matter and directives excluded."""
    text = Path(lesson.path).read_text(encoding="utf-8").split("+++", 2)[2]
    return len(re.sub(r"\{\{.*?\}\}", " ", text).split())


# --------------------------------------------------------------------------------------------------
# The packaged lessons


def test_every_topic_present_in_order(lessons):
    assert [lesson.id for lesson in lessons] == EXPECTED_IDS
    assert [lesson.order for lesson in lessons] == list(range(1, 15))
    assert lesson_ids() == EXPECTED_IDS
    for lesson in lessons:
        assert Path(lesson.path).name == f"{lesson.order:02d}-{lesson.id}.md"


def test_topics_are_the_thirteen_without_summary(lessons):
    assert [lesson.id for lesson in topics()] == EXPECTED_IDS[:13]


def test_front_matter_fields(lessons):
    for lesson in lessons:
        assert lesson.title.strip()
        assert 2 <= len(lesson.objectives) <= 6, lesson.id
        assert all(o.strip() for o in lesson.objectives)
        assert lesson.try_ids, lesson.id
        assert set(lesson.related_questions) <= set(range(1, 10))


def test_every_course_question_is_related_to_some_topic(lessons):
    related = {q for lesson in lessons if lesson.id != "summary" for q in lesson.related_questions}
    assert related == set(range(1, 10))


def test_try_ids_are_known_ids(lessons):
    validate_lessons([lesson for lesson in lessons if not lesson.problems], PRESET_IDS | VARIANT_IDS)
    for lesson in lessons:
        assert set(lesson.try_ids) <= PRESET_IDS | VARIANT_IDS, lesson.id


def test_try_ids_exist_in_the_engine(lessons):
    presets = pytest.importorskip("dltutor.core.presets")
    variants = pytest.importorskip("dltutor.core.variants")
    known = set(presets.PRESETS) | set(variants.VARIANTS)
    for lesson in lessons:
        assert set(lesson.try_ids) <= known, lesson.id


def test_each_preset_and_variant_is_tried_by_its_own_lesson(lessons):
    presets = pytest.importorskip("dltutor.core.presets")
    variants = pytest.importorskip("dltutor.core.variants")
    tried = {lesson.id: set(lesson.try_ids) for lesson in lessons}
    for item_id, item in list(presets.PRESETS.items()) + list(variants.VARIANTS.items()):
        assert item.lesson in tried, (item_id, item.lesson)
        assert item_id in tried[item.lesson], (item_id, item.lesson)


def test_checks_are_two_or_three_with_valid_answers(lessons):
    for lesson in lessons:
        assert 2 <= len(lesson.checks) <= 3, lesson.id
        for check in lesson.checks:
            assert len(check.options) >= 2
            assert 0 <= check.answer < len(check.options)
            assert check.question.endswith("?"), check.question
            assert check.explanation


def test_check_answers_are_spread_over_the_positions(lessons):
    # Always choosing the same letter must not pass the checks: no option position holds more than about
    # 40% of the right answers, each of a, b, c is right somewhere, and so is d where there is one.
    checks = [check for lesson in lessons for check in lesson.checks]
    counts = Counter(check.answer for check in checks)
    assert max(counts.values()) <= 0.4 * len(checks), counts
    assert {0, 1, 2} <= set(counts), counts
    if any(len(check.options) >= 4 for check in checks):
        assert counts[3] >= 1, counts
    for lesson in lessons:  # nor within one lesson: its checks are not all answered by one letter
        if len(lesson.checks) >= 3:
            assert len({check.answer for check in lesson.checks}) >= 2, lesson.id


def test_checks_are_rendered_into_the_check_yourself_section(lessons):
    for lesson in lessons:
        section = lesson.sections[-1]
        assert section.heading == CHECK_HEADING
        for n, check in enumerate(lesson.checks, 1):
            assert f"**{n}. {check.question}**" in section.text
            for i, option in enumerate(check.options):
                assert f"- {chr(97 + i)}) {option}" in section.text
            # the answers are not in the body (the learner answers first), only where to find them
            assert check.explanation not in section.text
        assert "**Answers.**" not in lesson.body and f"dltutor lesson {lesson.id} --answers" in section.text


def test_sections_are_well_formed(lessons):
    for lesson in lessons:
        headings = [s.heading for s in lesson.sections]
        assert headings[-2:] == [TRY_HEADING, CHECK_HEADING], lesson.id
        assert len(set(headings)) == len(headings), lesson.id
        assert len({s.anchor for s in lesson.sections}) == len(headings)
        assert len(lesson.sections) >= 6, lesson.id
        for section in lesson.sections:
            assert section.lesson_id == lesson.id
            assert section.text.strip(), (lesson.id, section.heading)
            assert not section.text.startswith("#")
        try_text = lesson.section(TRY_HEADING).text
        for try_id in lesson.try_ids:
            assert f"`{try_id}`" in try_text, (lesson.id, try_id)


@pytest.mark.parametrize("lesson_id", EXPECTED_IDS)
def test_lesson_length_is_400_to_900_words(lessons, lesson_id):
    assert 400 <= prose_words(by_id(lessons, lesson_id)) <= 900


@pytest.mark.parametrize("lesson_id", EXPECTED_IDS)
def test_directives_expand_without_problems(lessons, lesson_id):
    lesson = by_id(lessons, lesson_id)
    assert "{{" not in lesson.body and "}}" not in lesson.body
    # A directive whose core module is missing or broken shows up here (the body carries a short note).
    assert lesson.problems == ()


def test_no_latex_in_lessons(lessons):
    for lesson in lessons:
        assert "$" not in lesson.body and "\\frac" not in lesson.body, lesson.id


# --------------------------------------------------------------------------------------------------
# Numbers computed by the engine


def test_one_vs_two_sided_numbers(lessons):
    section = section_for("numerical-gradients", "One-sided versus two-sided differences")
    for number in ("3.0301", "3.0001", "0.0301", "0.0001"):
        assert number in section.text


def test_epsilon_sweep_shows_truncation_then_round_off(lessons):
    rows = {r[0]: r for r in table_rows(by_id(lessons, "numerical-gradients").body) if r[0].startswith("1e")}
    two_sided = {eps: float(row[2]) for eps, row in rows.items()}
    assert two_sided["1e-1"] > two_sided["1e-3"] > two_sided["1e-5"]  # error O(ε²)
    assert two_sided["1e-11"] > two_sided["1e-7"]  # round-off takes over


def table_rows(text: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in text.split("\n") if line.startswith("|") and "---" not in line]


def test_bias_variance_table_uses_the_engine_phrases(lessons):
    rows = {(r[0], r[1]): r[2] for r in table_rows(by_id(lessons, "bias-variance").body)}
    assert "high variance" in rows[("1%", "11%")] and "low bias" in rows[("1%", "11%")]
    assert "high bias" in rows[("14%", "15%")] and "low variance" in rows[("14%", "15%")]
    assert "high bias" in rows[("14%", "30%")] and "high variance" in rows[("14%", "30%")]
    assert rows[("0.5%", "1%")] == "low bias, low variance"
    # With a Bayes error of 15%, 15% / 16% is close to optimal.
    assert rows[("15%", "16%")] == "low bias, low variance"


def test_split_examples_follow_the_engine(lessons):
    from dltutor.core.diagnose import split_advice

    rows = {r[0]: r for r in table_rows(by_id(lessons, "train-dev-test").body)}
    assert set(rows) >= {"10,000", "1,000,000", "10,000,000"}
    for m in (10_000, 1_000_000, 10_000_000):
        advice = split_advice(m)
        assert f"({advice.sizes['dev']:,})" in rows[f"{m:,}"][2]
    assert rows["1,000,000"][1].startswith("98%")
    # Lesson 1's rule is absolute sizes ("ten thousand examples usually does both"): the engine agrees at
    # every big size, 100,000,000 included (not a million dev examples).
    body = by_id(lessons, "train-dev-test").body
    assert "ten thousand examples usually does both" in body and "absolute sizes" in body
    for m in (10_000_000, 100_000_000):
        assert split_advice(m).sizes["dev"] == split_advice(m).sizes["test"] == 10_000


def test_recipe_steps_come_from_the_engine(lessons):
    from dltutor.core.diagnose import diagnose

    body = by_id(lessons, "basic-recipe").body
    for step in diagnose(0.14, 0.15).recipe + diagnose(0.01, 0.11).recipe:
        assert f"**{step.title}**" in body


def test_weight_decay_factor(lessons):
    body = by_id(lessons, "regularization").body
    assert f"{1 - 0.3 * 0.7 / 211:.7g} · W" in body
    assert f"{0.7 / 211:.5g} · W" in body


def test_init_variances_and_depth_tables(lessons):
    body = by_id(lessons, "weight-init").body
    rows = {r[0]: r for r in table_rows(body)}
    assert rows["1000"][1:5] == ["0.001", "0.03162", "0.002", "0.04472"]
    assert abs(float(rows["1000"][5]) - 0.04472) < 0.001  # 500,000 seeded draws
    he = next(r for r in table_rows(body) if r[0].startswith("He"))
    xavier = next(r for r in table_rows(body) if r[0].startswith("Xavier"))
    assert 0.5 < float(he[-1]) < 2 and float(xavier[-1]) < 0.05 * float(xavier[1])


def test_deep_linear_growth_is_a_to_the_L(lessons):
    rows = {r[0]: r for r in table_rows(by_id(lessons, "vanishing-gradients").body)}
    assert rows["10"][1:3] == [f"{0.5 ** 10:.3g}", f"{1.5 ** 10:.3g}"]


def test_inverted_dropout_keeps_the_mean(lessons):
    rows = {r[0]: r[1] for r in table_rows(by_id(lessons, "dropout").body)}
    assert rows["test time (no dropout)"] == "1.000"
    assert abs(float(rows["training, units dropped but not rescaled"]) - 0.8) < 0.02
    assert abs(float(rows["training, inverted dropout (÷ 0.8)"]) - 1.0) < 0.02


def test_normalize_example_makes_the_cost_round(lessons):
    pytest.importorskip("dltutor.core.normalize")
    rows = {r[0]: r for r in table_rows(by_id(lessons, "normalizing-inputs").body)}
    normalized = rows["train, normalized"]
    assert [float(x) for x in normalized[1:5]] == pytest.approx([0, 1, 0, 1], abs=1e-6)
    assert float(rows["train, raw"][5].replace(",", "")) > 100 > 2 > float(normalized[5])
    assert rows["test, training μ and σ"][1] != "0"  # the test set keeps its own, real deviations


def test_gradcheck_bands_follow_the_engine(lessons):
    gradcheck = pytest.importorskip("dltutor.core.gradcheck")
    body = by_id(lessons, "gradient-checking").body
    names = set()
    for d in (1e-7, 1e-5, 1e-2):
        assert gradcheck.verdict_band(d).label in body
        names.add(gradcheck.verdict_band(d).name)
    assert names == {"right", "look", "bug"}


# --------------------------------------------------------------------------------------------------
# Queries and rendering


def test_get_lesson_by_id_and_number():
    assert get_lesson("bias-variance").order == 2
    assert get_lesson("2").id == "bias-variance"
    assert get_lesson(" Weight-Init ").id == "weight-init"


def test_get_lesson_unknown_names_the_known_ids():
    with pytest.raises(TutorError) as info:
        get_lesson("nope")
    assert info.value.field == "lesson"
    assert "bias-variance" in str(info.value) and "summary" in str(info.value)


def test_section_for_by_heading_and_anchor():
    section = section_for("bias-variance", "The Bayes error assumption")
    assert section.anchor == "the-bayes-error-assumption"
    assert "Bayes error" in section.text
    assert section_for("bias-variance", "the-bayes-error-assumption") == section
    intro = get_lesson("bias-variance").sections[0]
    assert intro.heading == "Bias and variance" and intro.anchor == "introduction"
    with pytest.raises(TutorError, match="Reading bias and variance"):
        section_for("bias-variance", "No such heading")


def test_render_text_is_plain_terminal_text(lessons):
    for lesson in lessons:
        text = render_text(lesson, width=80)
        assert lesson.title in text.split("\n")[0]
        assert "Check yourself" in text and "Try it" in text
        assert "{{" not in text and "**" not in text and "\x1b" not in text
        assert max(len(line) for line in text.split("\n")) <= 80
    assert "high variance" in render_text(by_id(lessons, "bias-variance"))


def test_to_dict_is_json_ready(lessons):
    data = json.loads(json.dumps(by_id(lessons, "dropout").to_dict()))
    assert data["id"] == "dropout" and data["try"] == list(by_id(lessons, "dropout").try_ids)
    assert data["sections"][-1]["heading"] == CHECK_HEADING
    assert all(set(c) == {"question", "options", "solution"} for c in data["checks"])
    for check, c in zip(by_id(lessons, "dropout").checks, data["checks"], strict=True):
        assert c["solution"] == {"answer": check.answer, "key": "abcd"[check.answer],
                                 "explanation": check.explanation, "why": list(check.why)}


# --------------------------------------------------------------------------------------------------
# Loading from the package, as an installed wheel would


def test_default_source_is_the_lessons_package(lessons):
    package = files("dltutor.lessons")
    assert all(Path(lesson.path).parent == Path(str(package)) for lesson in lessons)
    assert [x.id for x in load_lessons(Path(str(package)))] == EXPECTED_IDS
    assert load_lessons() is not load_lessons()  # callers get their own list ...
    assert load_lessons()[0] is load_lessons()[0]  # ... of the cached lessons


def test_what_is_installed_is_one_dltutor_namespace_with_its_data():
    """Nothing generic (core, tutor, lessons) at the top of site-packages; the lessons, the answer bank and
    the app's styles travel with the package (checked on the files pip recorded, for a regular install)."""
    import sysconfig
    from importlib import metadata

    # the installed distribution (a build in the checkout leaves a dltutor.egg-info beside the sources)
    dist = next(metadata.distributions(name="dltutor", path=[sysconfig.get_paths()["purelib"]]))
    recorded = [str(f) for f in dist.files or []]
    top = {f.split("/")[0] for f in recorded if not f.startswith("..")}
    assert top <= {"dltutor", "dltutor-0.1.0.dist-info", "__pycache__"} | {t for t in top if "editable" in t}
    if any(f.startswith("dltutor/") for f in recorded):  # a regular install (CI): its data files are in it
        for wanted in ("dltutor/lessons/01-train-dev-test.md", "dltutor/lessons/quiz.toml",
                       "dltutor/tutor/screens/lab.tcss", "dltutor/tutor/ask/vocab.toml",
                       "dltutor/tutor/web/templates/app_index.html"):
            assert wanted in recorded
        assert any(f.startswith("dltutor/lessons/answers/") and f.endswith(".toml") for f in recorded)
    code = "import importlib.util as u; print([n for n in ('core', 'tutor', 'lessons') if u.find_spec(n)])"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tempfile.gettempdir(), env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_loading_from_a_zipped_package(tmp_path):
    """importlib.resources, not file paths: the lessons load even with the whole package in a zip archive."""
    archive = tmp_path / "site.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("dltutor/__init__.py", "")  # a package here, so the zip alone answers for dltutor
        for folder in ("core", "tutor", "lessons"):
            for path in sorted((REPO / folder).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts:
                    zf.write(path, f"dltutor/{path.relative_to(REPO)}")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        # an editable install's finder would map dltutor to the checkout first: only the zip may answer
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f).lower()]; "
        "import dltutor.lessons as lessons; "
        "assert lessons.__file__.startswith(sys.argv[1]), lessons.__file__; "
        "from dltutor.tutor.lessons import load_lessons; print(','.join(x.id for x in load_lessons()))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(archive)], cwd=tmp_path, capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip().split(",") == EXPECTED_IDS


# --------------------------------------------------------------------------------------------------
# The loader's errors, on fixture lessons

BODY = """Intro.

## First topic

Text.

## Try it

Open `lesson-overfit`.

## Check yourself
"""


def fixture_text(lesson_id: str, order: int, *, drop: str | None = None, replace: dict | None = None,
                 body: str = BODY, answer: int = 0) -> str:
    fields = {
        "id": f'"{lesson_id}"',
        "title": f'"Lesson {lesson_id}"',
        "order": str(order),
        "objectives": '["know it"]',
        "try": '["lesson-overfit"]',
        "related_questions": "[1]",
    }
    fields.update(replace or {})
    lines = ["+++"] + [f"{k} = {v}" for k, v in fields.items() if k != drop]
    if drop != "check":
        lines += ["", "[[check]]", 'question = "Which?"', 'options = ["a", "b", "c"]', f"answer = {answer}",
                  'explanation = "Because."']
    return "\n".join(lines + ["+++", body])


def write(directory: Path, lesson_id: str, order: int, name: str | None = None, **kwargs) -> Path:
    path = directory / (name or f"{order:02d}-{lesson_id}.md")
    path.write_text(fixture_text(lesson_id, order, **kwargs), encoding="utf-8")
    return path


def load_error(directory: Path) -> TutorError:
    with pytest.raises(TutorError) as info:
        load_lessons(directory)
    return info.value


def test_check_why_gives_one_note_per_option(tmp_path):
    text = fixture_text("alpha", 1).replace('explanation = "Because."',
                                            'explanation = "Because."\nwhy = ["No.", "Right.", "No, too."]')
    (tmp_path / "01-alpha.md").write_text(text, encoding="utf-8")
    check = load_lessons(tmp_path)[0].checks[0]
    assert check.why == ("No.", "Right.", "No, too.") and check.answer_key == "a"
    (tmp_path / "01-alpha.md").write_text(text.replace(', "No, too."', ""), encoding="utf-8")
    err = load_error(tmp_path)
    assert err.field == "01-alpha.md:check[0].why" and "2 notes for 3 options" in str(err)
    (tmp_path / "01-alpha.md").write_text(text.replace('"No, too."', '""'), encoding="utf-8")
    assert load_error(tmp_path).field == "01-alpha.md:check[0].why"


def test_render_answers_only_when_asked(tmp_path):
    text = fixture_text("alpha", 1).replace('explanation = "Because."',
                                            'explanation = "Because."\nwhy = ["Yes.", "Not b.", "Not c."]')
    (tmp_path / "01-alpha.md").write_text(text, encoding="utf-8")
    lesson = load_lessons(tmp_path)[0]
    assert "Because." not in markdown_of(lesson) and "Not b." not in markdown_of(lesson)
    with_answers = markdown_of(lesson, answers=True)
    assert "1. a) a. Because." in with_answers
    assert "- b) is wrong: Not b." in with_answers and "- c) is wrong: Not c." in with_answers
    assert "--answers" not in with_answers  # the answers take the place of the hint
    assert "Because." in render_text(lesson, answers=True) and "Because." not in render_text(lesson)


def test_fixture_lessons_load(tmp_path):
    write(tmp_path, "alpha", 1)
    write(tmp_path, "beta", 2)
    (tmp_path / "quiz.toml").write_text("ignored = true\n")
    (tmp_path / "README.md").write_text("not a lesson\n")
    loaded = load_lessons(tmp_path)
    assert [x.id for x in loaded] == ["alpha", "beta"]
    assert loaded[0].checks[0].options == ("a", "b", "c")
    assert "- c) c" in loaded[0].section(CHECK_HEADING).text
    assert get_lesson("beta", tmp_path).order == 2
    assert [x.id for x in topics(str(tmp_path))] == ["alpha", "beta"]
    validate_lessons(loaded, {"lesson-overfit"})


@pytest.mark.parametrize("key", ["id", "title", "order", "objectives", "try", "related_questions", "check"])
def test_missing_field(tmp_path, key):
    write(tmp_path, "alpha", 1, drop=key)
    err = load_error(tmp_path)
    assert err.field == f"01-alpha.md:{key}" and "missing" in err.problem


@pytest.mark.parametrize(("key", "value"), [
    ("order", '"1"'), ("order", "true"), ("title", "3"), ("objectives", '"know it"'),
    ("try", '"lesson-overfit"'), ("related_questions", '["1"]'),
])
def test_wrong_type(tmp_path, key, value):
    write(tmp_path, "alpha", 1, replace={key: value})
    assert load_error(tmp_path).field == f"01-alpha.md:{key}"


def test_related_question_out_of_range(tmp_path):
    write(tmp_path, "alpha", 1, replace={"related_questions": "[10]"})
    err = load_error(tmp_path)
    assert err.field == "01-alpha.md:related_questions" and "1..9" in str(err)


def test_unknown_field(tmp_path):
    write(tmp_path, "alpha", 1, replace={"tries": "[]"})
    assert load_error(tmp_path).field == "01-alpha.md:tries"


def test_order_gap(tmp_path):
    write(tmp_path, "alpha", 1)
    write(tmp_path, "gamma", 3)
    err = load_error(tmp_path)
    assert err.field == "03-gamma.md:order" and "gap" in err.problem and "1..2" in str(err)


def test_duplicate_order(tmp_path):
    write(tmp_path, "alpha", 1)
    write(tmp_path, "beta", 1)
    assert load_error(tmp_path).field.endswith(":order")


def test_duplicate_id(tmp_path):
    write(tmp_path, "alpha", 1)
    write(tmp_path, "alpha", 2)
    err = load_error(tmp_path)
    assert err.field == "02-alpha.md:id" and "01-alpha.md" in err.problem


def test_id_must_match_file_name(tmp_path):
    write(tmp_path, "alpha", 1, name="01-beta.md")
    assert load_error(tmp_path).field == "01-beta.md:id"


def test_order_must_match_file_name(tmp_path):
    write(tmp_path, "alpha", 2, name="01-alpha.md")
    assert load_error(tmp_path).field == "01-alpha.md:order"


@pytest.mark.parametrize("answer", [3, -1])
def test_check_answer_out_of_range(tmp_path, answer):
    write(tmp_path, "alpha", 1, answer=answer)
    err = load_error(tmp_path)
    assert err.field == "01-alpha.md:check[0].answer" and "0..2" in str(err)


def test_unknown_directive(tmp_path):
    write(tmp_path, "alpha", 1, body=BODY.replace("Text.", "{{ no_such_table }}"))
    err = load_error(tmp_path)
    assert err.field.startswith("01-alpha.md:") and "no_such_table" in err.problem
    assert "bias_variance_table" in str(err)  # the known directives are listed


@pytest.mark.parametrize("text", ["{{ one_vs_two_sided bogus=1 }}", "{{ one_vs_two_sided eps }}",
                                  "{{ not closed", "{{ 1 }}"])
def test_bad_directive_syntax(tmp_path, text):
    write(tmp_path, "alpha", 1, body=BODY.replace("Text.", text))
    assert load_error(tmp_path).field.startswith("01-alpha.md:")


def test_front_matter_errors(tmp_path):
    (tmp_path / "01-alpha.md").write_text("no front matter\n")
    assert load_error(tmp_path).field == "01-alpha.md:front matter"
    (tmp_path / "01-alpha.md").write_text("+++\nid = \n+++\n")
    assert "TOML" in str(load_error(tmp_path))
    (tmp_path / "01-alpha.md").write_text("+++\nid = 'alpha'\n")
    assert "closing" in load_error(tmp_path).problem


def test_bad_file_name(tmp_path):
    write(tmp_path, "alpha", 1, name="01-Alpha Lesson.md")
    assert load_error(tmp_path).field == "01-Alpha Lesson.md:file name"


def test_not_a_directory(tmp_path):
    assert load_error(tmp_path / "missing").field == "lessons"


def test_failing_directive_is_a_problem_not_a_crash(tmp_path, monkeypatch):
    def boom(args):
        raise RuntimeError("engine missing")

    monkeypatch.setitem(DIRECTIVES, "boom", Directive(boom, frozenset(), "always fails"))
    write(tmp_path, "alpha", 1, body=BODY.replace("Text.", "{{ boom }}"))
    lesson = load_lessons(tmp_path)[0]
    assert lesson.problems and "engine missing" in lesson.problems[0]
    assert "could not run" in lesson.section("First topic").text
    with pytest.raises(TutorError, match="engine missing"):
        validate_lessons([lesson], {"lesson-overfit"})


def test_validate_rejects_unknown_try_id(tmp_path):
    write(tmp_path, "alpha", 1, replace={"try": '["lesson-overfit", "no-such-preset"]'},
          body=BODY.replace("`lesson-overfit`", "`lesson-overfit` and `no-such-preset`"))
    with pytest.raises(TutorError) as info:
        validate_lessons(load_lessons(tmp_path), PRESET_IDS)
    assert info.value.field == "01-alpha.md:try" and "no-such-preset" in info.value.problem


def test_validate_requires_try_section_naming_the_ids(tmp_path):
    write(tmp_path, "alpha", 1, body=BODY.replace("Open `lesson-overfit`.", "Open the lab."))
    with pytest.raises(TutorError, match="not named"):
        validate_lessons(load_lessons(tmp_path), PRESET_IDS)
    write(tmp_path, "alpha", 1, body=BODY.replace("## Try it", "## Play"))
    with pytest.raises(TutorError, match="Try it"):
        validate_lessons(load_lessons(tmp_path), PRESET_IDS)


def test_check_section_is_created_when_missing(tmp_path):
    write(tmp_path, "alpha", 1, body=BODY.replace("## Check yourself\n", ""))
    lesson = load_lessons(tmp_path)[0]
    assert lesson.sections[-1].heading == CHECK_HEADING and "**1. Which?**" in lesson.sections[-1].text


def test_headings_inside_code_blocks_are_not_sections(tmp_path):
    write(tmp_path, "alpha", 1, body=BODY.replace("Text.", "```\n## not a heading\n```"))
    lesson = load_lessons(tmp_path)[0]
    assert "not a heading" not in [s.heading for s in lesson.sections]
    assert "## not a heading" in lesson.section("First topic").text


# --------------------------------------------------------------------------------------------------
# The CLI


def test_cli_lessons_json(capsys):
    assert main(["lessons", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in data] == EXPECTED_IDS
    assert data[1] == {"id": "bias-variance", "title": "Bias and variance", "order": 2}


def test_cli_lessons_text(capsys):
    assert main(["lessons"]) == 0
    out = capsys.readouterr().out
    assert "bias-variance" in out and "Gradient checking" in out


def test_cli_lesson_renders_markdown(capsys):
    assert main(["lesson", "bias-variance"]) == 0
    out = capsys.readouterr().out
    assert out.split("\n")[0].strip() == "Bias and variance"  # the title, centred
    assert "Bias and variance" in out and "high variance" in out and "Check yourself" in out
    assert "**" not in out and "{{" not in out and "## " not in out


def test_cli_lesson_json(capsys):
    assert main(["lesson", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "bias-variance" and len(data["checks"]) == 3
    # the answers are there for a program, under a name that says what they are
    assert [c["solution"]["key"] for c in data["checks"]] == ["abc"[c.answer] for c in
                                                               get_lesson("bias-variance").checks]


def test_cli_lesson_check_asks_the_questions_with_feedback(capsys, monkeypatch):
    import io

    lesson = get_lesson("dropout")
    keys = [check.answer_key for check in lesson.checks]
    wrong = "b" if keys[1] != "b" else "a"
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{keys[0]}\n{wrong}\n{keys[2]}\n"))
    assert main(["lesson", "dropout", "--check"]) == 0
    out = capsys.readouterr().out
    assert f"Question 1/{len(keys)}" in out and lesson.checks[0].question in out
    assert out.count("Correct.") == 2 and f"Not quite: the answer is {keys[1]}." in out
    assert f"Score: 2/{len(keys)}" in out
    second = lesson.checks[1]
    assert f"{wrong}) your choice: wrong. {second.why['ab'.index(wrong)]}" in out  # why the choice is wrong


@pytest.mark.parametrize("lesson_id", EXPECTED_IDS)
def test_cli_lesson_hides_the_check_answers_until_asked(capsys, lesson_id):
    lesson = get_lesson(lesson_id)
    assert main(["lesson", lesson_id]) == 0
    hidden = " ".join(capsys.readouterr().out.split())  # unwrapped: the terminal width folds lines
    for check in lesson.checks:
        assert " ".join(check.question.split()) in hidden
        assert " ".join(check.explanation.split()) not in hidden
        for i, why in enumerate(check.why):
            assert " ".join(why.split()) not in hidden, (lesson_id, i)
    assert "Answers." not in hidden and f"dltutor lesson {lesson_id} --answers" in hidden

    assert main(["lesson", lesson_id, "--answers"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "Answers." in shown
    for n, check in enumerate(lesson.checks, 1):
        right = " ".join(check.options[check.answer].split())
        assert f"{n} {check.answer_key}) {right}. {' '.join(check.explanation.split())}" in shown
        for i, why in enumerate(check.why):  # every wrong option says why it is wrong
            if i != check.answer:
                assert f"{'abcd'[i]}) is wrong: {' '.join(why.split())}" in shown, (lesson_id, i)


def test_cli_lesson_unknown_id(capsys):
    assert main(["lesson", "nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "bias-variance" in err and "Traceback" not in err


def test_cli_lesson_open_calls_the_app(capsys, monkeypatch):
    app = pytest.importorskip("dltutor.tutor.app")
    calls = []
    monkeypatch.setattr(app, "run_app", lambda **kwargs: calls.append(kwargs) or 0)
    assert main(["lesson", "3", "--open"]) == 0
    assert calls == [{"lesson": "basic-recipe"}]


def test_cli_lesson_open_without_app_prints_the_lesson(capsys, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "dltutor.tutor.app" else real(name, *a))
    assert main(["lesson", "dropout", "--open"]) == 0
    captured = capsys.readouterr()
    assert "Dropout regularization" in captured.out and "keep_prob" in captured.out
    assert "note:" in captured.err


def test_module_does_not_import_rich_until_rendering():
    code = "import sys, dltutor.tutor.lessons; print('rich' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
