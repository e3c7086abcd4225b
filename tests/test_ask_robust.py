"""`dltutor ask` in a learner's own words: typos, conversational filler, yes/no openers, question forms,
numbers that are not error rates, and unit questions that name a topic of another course."""

from __future__ import annotations

import pytest

from tutor.ask import answer, get_engine
from tutor.ask.typos import Corrector, distance


@pytest.fixture(scope="session")
def engine():
    return get_engine()


def _check(text: str, entries: set[str] | str, engine) -> None:
    a = answer(text)
    want = {entries} if isinstance(entries, str) else entries
    assert a.entry in want, f"{text!r} -> {a.kind} {a.entry} ({a.confidence}), want {sorted(want)}"


# ------------------------------------------------------------------------------------------------ typos
def test_distance_counts_a_swap_as_one_edit():
    assert distance("dropuot", "dropout", 2) == 1
    assert distance("stoping", "stopping", 2) == 1
    assert distance("abcdef", "uvwxyz", 2) == 3


def test_corrector_leaves_short_and_known_words_alone():
    c = Corrector(["dropout regularization keeps weights small"])
    assert c.correct("Dropuot regularisation") == "dropout regularization"
    assert c.correct("the cat") == "the cat"
    assert c.closest("bananas") is None


@pytest.mark.parametrize("typo, right", [
    ("what does droput do", "what does dropout do"),
    ("whats the intuiton behind dropuot", "whats the intuition behind dropout"),
    ("how does weigth decay shrink the wieghts", "how does weight decay shrink the weights"),
    ("what is varaince in machine lerning", "what is variance in machine learning"),
    ("why do we normalzie the inputs", "why do we normalize the inputs"),
])
def test_misspelled_unit_words_find_the_same_entry(typo, right, engine):
    want = answer(right)
    assert want.kind in ("bank", "course"), right
    got = answer(typo)
    assert got.entry == want.entry, f"{typo!r} -> {got.kind} {got.entry}, want {want.entry}"


def test_misspelled_questions_are_not_declined(engine):
    for text in ("what is eraly stoping", "gradiant cheking", "normalizaton of inputs"):
        a = answer(text)
        assert a.kind != "unknown", f"{text!r} was declined: {a.answer}"


# ----------------------------------------------------------------------------------------------- filler
@pytest.mark.parametrize("plain, chatty", [
    ("what is the test set for?", "hey, quick question: what is the test set for?"),
    ("what is inverted dropout?", "in the lecture, what is inverted dropout?"),
    ("why does L2 regularization reduce overfitting?",
     "Andrew says L2 regularization reduces overfitting, can you explain why?"),
    ("what is data augmentation?", "I was wondering, in the course, what is data augmentation? thanks"),
])
def test_conversational_filler_does_not_change_the_answer(plain, chatty, engine):
    assert answer(chatty).entry == answer(plain).entry, chatty


# ------------------------------------------------------------------------------------ yes/no openers
def test_a_verdict_is_dropped_when_the_question_is_asked_the_other_way_round(engine):
    flipped = answer("are Glorot and Xavier init identical?")
    assert flipped.entry == "init-xavier-glorot-same", flipped.entry
    assert not flipped.answer.lower().startswith(("no", "yes")), flipped.answer[:40]
    assert "same initialization" in flipped.answer


def test_a_verdict_stays_for_the_question_it_answers(engine):
    e = engine.entry("init-zero-biases-ok")
    assert answer(e.question).answer.startswith("Yes")


@pytest.mark.parametrize("asked, canonical, keep", [
    ("is dropout on at test time?", "Should dropout be off at test time?", False),
    ("xavier vs glorot", "Are Xavier and Glorot initialization different?", False),
    ("does dropout not work at test time?", "Does dropout work at test time?", False),
    ("do we use dropout at test time?", "Do I use dropout at test time?", True),
])
def test_same_form_compares_question_form_negation_and_opposites(asked, canonical, keep):
    from tutor.ask.opener import same_form

    assert same_form(asked, canonical) is keep
