"""`dltutor ask` in a learner's own words: typos, conversational filler, yes/no openers, question forms,
numbers that are not error rates, and unit questions that name a topic of another course."""

from __future__ import annotations

import pytest

from dltutor.tutor.ask import answer, get_engine
from dltutor.tutor.ask.typos import Corrector, distance


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
    for text in ("when to use early stoping", "gradiant cheking", "normalizaton of inputs"):
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
    from dltutor.tutor.ask.opener import same_form

    assert same_form(asked, canonical) is keep


# ---------------------------------------------------------------------------------------------- numbers
@pytest.mark.parametrize("text, bayes", [
    ("the lowest error anybody could achieve is 4%; I get 9% on train and 10% on dev", 0.04),
    ("radiologists get 1.5% error; my net has 2% train error and 9% dev error", 0.015),
    ("best possible error is 3%, train error 3.5%, dev error 12%", 0.03),
])
def test_ways_of_naming_the_best_achievable_error_are_read_as_bayes(text, bayes, engine):
    a = answer(text)
    assert a.kind == "diagnosis", (text, a.kind)
    assert a.details["numbers_read"]["bayes"] == pytest.approx(bayes), text


@pytest.mark.parametrize("text, difference", [
    ("my grad check relative difference came out as 0.45", 0.45),
    ("gradient checking returns 0.17, what does that mean?", 0.17),
])
def test_any_gradient_check_difference_is_read_not_only_small_ones(text, difference, engine):
    a = answer(text)
    assert a.kind == "gradcheck" and a.details["numbers_read"]["difference"] == pytest.approx(difference), text
    assert a.details["band"]["name"] == "bug"


@pytest.mark.parametrize("text", [
    "my training loss is 0.12 and my dev loss is 0.95, bias or variance?",
    "cross-entropy cost 0.2 on train, 0.25 on dev",
])
def test_losses_are_not_diagnosed_as_error_rates(text, engine):
    a = answer(text)
    assert a.details.get("reason") == "losses are not error rates", (text, a.kind, a.answer[:80])
    assert "not error rates" in a.answer and "high bias" not in a.answer.lower()


# ------------------------------------------------------------------- unit questions naming other topics
@pytest.mark.parametrize("text, where", [
    ("should I still use L2 regularization if I train with RMSprop?", "Course 2, Week 2"),
    ("can I combine inverted dropout with a CNN?", "Course 4"),
    ("do exploding gradients happen in LSTMs too?", "Course 5"),
])
def test_unit_part_is_answered_and_the_other_topic_is_pointed_to(text, where, engine):
    a = answer(text)
    assert a.kind in ("bank", "course"), (text, a.kind)
    assert where in a.answer and "not part of this unit" in a.answer, (text, a.answer[-200:])


def test_outside_topics_alone_are_still_declined(engine):
    a = answer("how does RMSprop work?")
    assert a.kind == "unknown" and "Course 2, Week 2" in a.answer


# --------------------------------------------------------------------------------------- question forms
@pytest.mark.parametrize("text, entries", [
    ("what's L2 regularisation?", {"l2-cost-logistic-regression", "l2-cost-neural-network"}),
    ("how can I avoid my gradients blowing up or vanishing?", {"vanish-what-helps"}),
    ("how would I know whether my network has exploding gradients?", {"vanish-detect"}),
    ("how would I normalise the input features?", {"norm-what-is", "norm-numpy-code"}),
])
def test_the_question_form_picks_the_entry_of_that_kind(text, entries, engine):
    _check(text, entries, engine)


def test_form_reads_the_opening_words():
    from dltutor.tutor.ask.index import form

    assert form("How do I normalize X?") == "howto"
    assert form("how does dropout work") == "howworks"
    assert form("Why is L2 called weight decay?") == "why"
    assert form("Is Glorot the same as Xavier?") == "yesno"
    assert form("dropout intuition") is None
