"""The quiz: content lint, loading rules, answer parsing, grading, the terminal quiz and the CLI."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from dltutor.core.errors import TutorError
from dltutor.tutor.cli import main
from dltutor.tutor.commands.quiz import interactive
from dltutor.tutor.quiz import (
    QuizOption,
    QuizQuestion,
    grade,
    load_quiz,
    parse_answers,
    parse_choice,
    select_questions,
    without_verdict,
)

TOPIC_IDS = [
    "train-dev-test", "bias-variance", "basic-recipe", "regularization", "why-regularization", "dropout",
    "understanding-dropout", "other-regularization", "normalizing-inputs", "vanishing-gradients",
    "weight-init", "numerical-gradients", "gradient-checking",
]


@pytest.fixture(scope="module")
def quiz() -> list[QuizQuestion]:
    return load_quiz()


def _answer_key(q: QuizQuestion) -> str:
    return "+".join(sorted(q.right))


def _wrong_key(q: QuizQuestion) -> str:
    return next(o.key for o in q.options if not o.correct)


# ------------------------------------------------------------------------------------------- content lint


def test_quiz_has_at_least_40_questions_numbered_1_to_n(quiz):
    assert len(quiz) >= 40
    assert [q.id for q in quiz] == list(range(1, len(quiz) + 1))


def test_every_topic_lesson_has_at_least_two_questions(quiz):
    counts = Counter(q.lesson for q in quiz)
    for lesson_id in TOPIC_IDS:
        assert counts[lesson_id] >= 2, lesson_id
    assert set(counts) <= set(TOPIC_IDS) | {"summary"}


def test_quiz_lessons_are_the_lesson_files_ids(quiz):
    from dltutor.tutor.lessons import topics

    assert [lesson.id for lesson in topics()] == TOPIC_IDS
    assert {q.lesson for q in quiz} <= {lesson.id for lesson in topics()}


def test_every_question_is_well_formed(quiz):
    kinds = Counter(q.kind for q in quiz)
    assert kinds["single"] >= 10 and kinds["multi"] >= 10  # both kinds are really used
    prompts = set()
    for q in quiz:
        assert q.prompt not in prompts, f"duplicate prompt in question {q.id}"
        prompts.add(q.prompt)
        assert len(q.options) >= 3, f"question {q.id} needs plausible distractors"
        assert [o.key for o in q.options] == list("abcdefgh"[: len(q.options)])
        assert len({o.text for o in q.options}) == len(q.options), f"question {q.id} repeats an option"
        right = [o for o in q.options if o.correct]
        assert right, f"question {q.id} has no correct option"
        if q.kind == "single":
            assert len(right) == 1, f"single-answer question {q.id} has {len(right)} correct options"
        else:
            assert len(right) < len(q.options), f"select-all question {q.id} has no wrong option"
        for o in q.options:
            assert len(o.explanation) >= 20, f"question {q.id} option {o.key} explains too little"


def test_answer_keys_are_not_predictable(quiz):
    # Pressing the same letter on every question must not pass the quiz: the right single answers are
    # spread over the positions, and the select-all keys differ from question to question.
    singles = [next(iter(q.right)) for q in quiz if q.kind == "single"]
    counts = Counter(singles)
    assert max(counts.values()) <= 0.4 * len(singles), counts
    assert set(counts) == {"a", "b", "c", "d"}, counts
    for letter in "abcd":  # a learner who always presses one letter scores well below a pass
        assert sum(k == letter for k in singles) / len(singles) < 0.4
    multi = ["+".join(sorted(q.right)) for q in quiz if q.kind == "multi"]
    keys = Counter(multi)
    assert len(keys) >= len(multi) // 3 and max(keys.values()) <= 0.4 * len(multi), keys
    for letter in "abcd":  # no position is right (or wrong) in every select-all question
        share = sum(letter in k for k in multi) / len(multi)
        assert 0.2 <= share <= 0.85, (letter, share)


def test_single_answer_explanations_say_why(quiz):
    # The right option's explanation gives the reason, not just "correct".
    for q in quiz:
        for o in q.options:
            assert o.explanation.strip().lower() not in {"correct", "wrong", "right", "true", "false"}


# ------------------------------------------------------------------------------------------------ loading


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quiz.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[[question]]
id = 1
lesson = "dropout"
kind = "single"
prompt = "P?"
[[question.option]]
text = "A"
correct = true
explanation = "because"
[[question.option]]
text = "B"
correct = false
explanation = "because not"
"""


def test_load_quiz_from_a_file_and_a_directory(tmp_path):
    path = _write(tmp_path, GOOD)
    for source in (path, tmp_path, str(path)):
        (q,) = load_quiz(source)
        assert q.id == 1 and q.right == {"a"} and q.options[1] == QuizOption("b", "B", False, "because not")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("id = 1", "id = 2"), "out of order"),
        (('kind = "single"', 'kind = "pick"'), "unknown kind"),
        (("correct = false", "correct = true"), "exactly one"),
        (("correct = true", "correct = false"), "no correct option"),
        (('explanation = "because"\n', ""), "no explanation"),
        (('lesson = "dropout"', 'lesson = ""'), "missing lesson"),
        (("[[question.option]]", "[[question.option"), "not valid TOML"),
    ],
)
def test_load_quiz_rejects_bad_content(tmp_path, change, message):
    path = _write(tmp_path, GOOD.replace(*change, 1))
    with pytest.raises(TutorError, match=message):
        load_quiz(path)


def test_load_quiz_missing_file(tmp_path):
    with pytest.raises(TutorError, match="no quiz file"):
        load_quiz(tmp_path / "nope.toml")


# ---------------------------------------------------------------------------------------- parsing answers


def test_parse_choice_accepts_the_usual_forms(quiz):
    single = next(q for q in quiz if q.kind == "single")
    multi = next(q for q in quiz if q.kind == "multi" and len(q.options) >= 3)
    assert parse_choice("b", single) == {"b"}
    assert parse_choice(" B ", single) == {"b"}
    assert parse_choice("b)", single) == {"b"}
    assert parse_choice("(c)", single) == {"c"}
    for text in ("a+c", "a,c", "a c", "ac", "A + C", "c+a", "a and c"):
        assert parse_choice(text, multi) == {"a", "c"}, text
    assert parse_choice("b", multi) == {"b"}


@pytest.mark.parametrize("text", ["z", "", "   ", "a+z", "1", "a+1", "?"])
def test_parse_choice_rejects_bad_input_naming_the_letters(quiz, text):
    multi = next(q for q in quiz if q.kind == "multi")
    with pytest.raises(TutorError) as exc:
        parse_choice(text, multi)
    assert exc.value.allowed and "a, b, c" in exc.value.allowed


def test_parse_choice_single_answer_takes_one_letter(quiz):
    single = next(q for q in quiz if q.kind == "single")
    with pytest.raises(TutorError, match="single answer"):
        parse_choice("a+b", single)


def test_parse_answers(quiz):
    assert parse_answers("1:b,2:a+c") == {1: {"b"}, 2: {"a", "c"}}
    assert parse_answers("1:b, 2:a+c", quiz) == {1: {"b"}, 2: {"a", "c"}}
    assert parse_answers("1:b 2:a+c;3:A", quiz) == {1: {"b"}, 2: {"a", "c"}, 3: {"a"}}
    assert parse_answers("2:a,c,1:b", quiz) == {2: {"a", "c"}, 1: {"b"}}
    assert parse_answers("1=b", quiz) == {1: {"b"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no answers"),
        ("z", "cannot read 'z'"),
        ("1:", "no letters"),
        ("a+z", "cannot read 'a\\+z'"),
        ("1:z", "'z' is not an option"),
        ("2:a+z", "'z' is not an option"),
        ("1:a+b", "single answer"),
        ("999:a", "no question 999"),
        ("1:a,1:b", "answered twice"),
        ("1:b,,x", "'x' is not an option"),
        ("x:b", "cannot read 'x:b'"),
    ],
)
def test_parse_answers_errors_name_the_problem(quiz, text, message):
    with pytest.raises(TutorError, match=message) as exc:
        parse_answers(text, quiz)
    assert exc.value.field == "--answers"


# -------------------------------------------------------------------------------------------------- grading


def test_grade_single(quiz):
    q = quiz[0]
    assert q.right == {"b"}  # 98/1/1 for a million examples
    good = grade(q, {"b"})
    assert good.correct and good.right == {"b"} and good.feedback.startswith("Correct.")
    bad = grade(q, {"a"})
    assert not bad.correct and "the answer is b" in bad.feedback
    for o in q.options:  # every option is explained, right or wrong
        assert o.explanation.split(":", 1)[-1].strip() in bad.feedback
    assert "a) your choice: wrong." in bad.feedback and "b) correct." in bad.feedback
    assert "right (your choice): Right" not in bad.feedback


def test_grade_multi_needs_exactly_the_right_set(quiz):
    q = quiz[1]
    assert q.kind == "multi" and q.right == {"b", "d"}
    assert grade(q, {"b", "d"}).correct
    partial = grade(q, {"b"})
    assert not partial.correct and "missed d" in partial.feedback
    extra = grade(q, {"a", "b", "d"})
    assert not extra.correct and "wrongly chose a" in extra.feedback
    assert not grade(q, {"a", "c"}).correct


def test_grade_rejects_unknown_letters(quiz):
    with pytest.raises(TutorError):
        grade(quiz[0], {"z"})


def test_select_questions(quiz):
    topic = select_questions(quiz, lesson="dropout")
    assert topic and all(q.lesson == "dropout" for q in topic)
    assert [q.id for q in topic] == sorted(q.id for q in topic)
    mixed = select_questions(quiz, count=5, seed=3)
    assert len(mixed) == 5 and mixed == select_questions(quiz, count=5, seed=3)
    assert len({q.lesson for q in select_questions(quiz, count=20, seed=1)}) > 5
    assert len(select_questions(quiz)) == len(quiz)
    with pytest.raises(TutorError, match="no quiz questions"):
        select_questions(quiz, lesson="transformers")
    with pytest.raises(TutorError, match="--count"):
        select_questions(quiz, count=0)


# ---------------------------------------------------------------------------------------- terminal quiz


def test_interactive_quiz_reasks_bad_answers_and_scores(quiz):
    questions = select_questions(quiz, lesson="train-dev-test")
    answers = ["z", "", "a+z"] + [_answer_key(q) for q in questions[:-1]] + [_wrong_key(questions[-1])]
    out = io.StringIO()
    score = interactive(questions, io.StringIO("\n".join(answers) + "\n"), out)
    text = out.getvalue()
    assert "'z' is not an option" in text and "no answer given" in text
    assert text.count("Question 1/") == 1  # re-asked at the prompt, not printed again
    assert score.total == len(questions) and score.correct == len(questions) - 1
    assert f"Score: {len(questions) - 1}/{len(questions)}" in text
    assert "Not quite" in text


def test_interactive_quiz_stops_cleanly_at_end_of_input(quiz):
    questions = select_questions(quiz, lesson="dropout")
    out = io.StringIO()
    score = interactive(questions, io.StringIO(_answer_key(questions[0]) + "\nz\n"), out)
    text = out.getvalue()
    assert score.total == 1 and score.correct == 1
    assert f"Stopped after 1 of {len(questions)} questions." in text
    assert "Score: 1/1 (100%)" in text


def test_interactive_quiz_q_quits(quiz):
    out = io.StringIO()
    score = interactive(quiz[:3], io.StringIO("q\n"), out)
    assert score.total == 0 and "Score: 0/0" in out.getvalue()


def test_cli_quiz_reads_stdin(quiz, capsys, monkeypatch):
    questions = select_questions(quiz, lesson="weight-init")
    lines = ["x"] + [_answer_key(q) for q in questions]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines) + "\n"))
    assert main(["quiz", "--lesson", "weight-init"]) == 0
    out = capsys.readouterr().out
    assert f"Score: {len(questions)}/{len(questions)} (100%)" in out
    assert "'x' is not an option" in out
    assert "Score saved" in out


def test_cli_quiz_saves_a_finished_quiz_not_a_stopped_one(quiz, capsys, monkeypatch, tmp_path):
    from dltutor.tutor.progress import MIXED, ProgressStore

    monkeypatch.setenv("DLTUTOR_HOME", str(tmp_path))
    questions = select_questions(quiz, lesson="dropout")
    answers = [_wrong_key(questions[0])] + [_answer_key(q) for q in questions[1:]]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(answers) + "\n"))
    assert main(["quiz", "--lesson", "dropout"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(_answer_key(questions[0]) + "\nq\n"))
    assert main(["quiz", "--lesson", "dropout"]) == 0
    assert "Score saved" not in capsys.readouterr().out.split("Stopped after")[-1]
    store = ProgressStore(tmp_path)
    store.load()
    best = store.progress.best("dropout")
    assert (best.score, best.total) == (len(questions) - 1, len(questions))
    assert len(store.progress.quiz["dropout"]) == 1 and MIXED not in store.progress.quiz


def test_cli_mixed_quiz_with_count_and_seed(quiz, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["quiz", "--mixed", "--count", "3", "--seed", "7"]) == 0
    first = capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["quiz", "--count", "3", "--seed", "7"]) == 0
    assert capsys.readouterr().out == first
    assert "3 questions" in first and "Score: 0/0" in first


# ---------------------------------------------------------------------------------------------- CLI


def test_cli_list_json(quiz, capsys):
    assert main(["quiz", "--list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == len(quiz)
    first = data[0]
    assert first["id"] == 1 and first["lesson"] == "train-dev-test" and first["answer"] == ["b"]
    assert {"key", "text", "correct", "explanation"} <= set(first["options"][0])


def test_cli_list_text_by_lesson(capsys):
    assert main(["quiz", "--list", "--lesson", "dropout"]) == 0
    out = capsys.readouterr().out
    assert "dropout" in out and "train-dev-test" not in out


def test_cli_scripted_answers(quiz, capsys):
    assert main(["quiz", "--answers", "1:b,2:a+c"]) == 0
    out = capsys.readouterr().out
    assert "1: b correct" in out and "2: a+c wrong (answer: b+d)" in out and "Score: 1/2 (50%)" in out
    # a wrong answer says why: the options wrongly chosen and the ones missed, each with its explanation
    q2 = load_quiz()[1]
    assert f"  a) your choice: wrong. {without_verdict(q2.option('a').explanation)}" in out
    assert "  b) correct. " in out and "  d) correct. " in out
    assert out.count("your choice") == 2  # question 1 was right: no notes for it


def test_cli_scripted_answers_json(quiz, capsys):
    key = ",".join(f"{q.id}:{_answer_key(q)}" for q in quiz)
    assert main(["quiz", "--answers", key, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["correct"] == data["total"] == len(quiz)
    assert all(r["correct"] and r["feedback"] for r in data["results"])


@pytest.mark.parametrize("answers", ["z", "", "1:", "a+z", "1:z", "0:a"])
def test_cli_bad_scripted_answers_exit_2(capsys, answers):
    assert main(["quiz", "--answers", answers]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: --answers") and "Traceback" not in captured.err
    assert captured.out == ""


def test_cli_answers_outside_the_chosen_lesson(capsys):
    assert main(["quiz", "--lesson", "dropout", "--answers", "1:b"]) == 2
    assert "not in lesson 'dropout'" in capsys.readouterr().err


def test_cli_json_needs_list_or_answers(capsys):
    assert main(["quiz", "--json"]) == 2
    assert capsys.readouterr().err.startswith("error: --json")


def test_cli_unknown_lesson(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["quiz", "--lesson", "pancakes"]) == 2
    assert "error: --lesson" in capsys.readouterr().err
