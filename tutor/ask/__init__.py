"""Answers to free-form questions on the unit (UI-free): ``dltutor ask`` and the app's Ask screen.

* :mod:`tutor.ask.bank`: the answer bank (``lessons/answers/*.toml`` and the course questions), checked;
* :mod:`tutor.ask.vocab`: the unit's words (``vocab.toml``): synonyms, filler, topics of other courses;
* :mod:`tutor.ask.index`: BM25 over each entry's phrasings and answer;
* :mod:`tutor.ask.numbers` / :mod:`tutor.ask.numeric`: numbers in questions, answered by the core;
* :mod:`tutor.ask.answer`: an answer (what every way of answering returns);
* :mod:`tutor.ask.engine`: answering, confidence and the honest "not sure".

Importing this package reads only the nine course questions; the index is built on first use.
"""

from dltutor.tutor.ask.answer import COURSE_QUESTIONS, KINDS, Answer
from dltutor.tutor.ask.bank import CourseQuestion, Entry, load_bank, load_course_questions
from dltutor.tutor.ask.engine import (
    MAX_QUESTION,
    MIN_CONFIDENCE,
    answer,
    answer_entry,
    course_number,
    get_engine,
    render_answer,
)
from dltutor.tutor.ask.numbers import read_difference, read_errors, read_size

__all__ = [
    "COURSE_QUESTIONS", "KINDS", "MAX_QUESTION", "MIN_CONFIDENCE", "Answer", "CourseQuestion", "Entry",
    "answer", "answer_entry", "course_number", "get_engine", "load_bank", "load_course_questions",
    "read_difference", "read_errors", "read_size", "render_answer",
]
