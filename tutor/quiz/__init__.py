"""The quiz: questions from ``lessons/quiz.toml`` (:mod:`.questions`), answer parsing and grading
(:mod:`.grading`); UI-free.

The CLI (``dltutor quiz``) and the app's quiz screen both use these functions, so they grade alike.
Options are keyed ``a``, ``b``, ``c``... in file order and never shuffled, so a key in
``--answers "1:b,2:a+c"`` always means the same option; instead the file spreads the right answers over the
positions and keeps option lengths from pointing at them (``tests/test_quiz_balance.py`` measures both).
"""

from dltutor.tutor.quiz.grading import (
    VERDICT_WORD,
    Grade,
    Score,
    format_question,
    grade,
    parse_answers,
    parse_choice,
    without_verdict,
)
from dltutor.tutor.quiz.questions import (
    KINDS,
    QUIZ_FILE,
    QuizOption,
    QuizQuestion,
    check_questions,
    get_question,
    load_quiz,
    select_questions,
)

__all__ = [
    "KINDS", "QUIZ_FILE", "VERDICT_WORD", "Grade", "QuizOption", "QuizQuestion", "Score", "check_questions",
    "format_question", "get_question", "grade", "load_quiz", "parse_answers", "parse_choice", "select_questions",
    "without_verdict",
]
