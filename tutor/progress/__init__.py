"""Saved progress: lessons read and practised, quiz scores, exercises, the last position and the theme (UI-free).

- :mod:`.model`: the record (:class:`Progress` and its parts), its file format and how two records merge;
- :mod:`.store`: the file on disk (atomic writes, the lock, damaged files moved aside) and the background saver;
- :mod:`.summary`: the per-lesson table and the count line that the CLI and the screens show.
"""

from dltutor.tutor.progress.model import (
    MAX_ATTEMPTS,
    MAX_QUESTIONS,
    MAX_TIME,
    MIXED,
    VERSION,
    ExerciseRecord,
    Position,
    Progress,
    QuizAttempt,
    check_count,
    check_stamp,
)
from dltutor.tutor.progress.store import (
    FILENAME,
    LOCK_TIMEOUT,
    LOCKNAME,
    MAX_FILE_BYTES,
    ProgressStore,
    Saver,
    data_dir,
    load,
)
from dltutor.tutor.progress.summary import count_line, lesson_rows

__all__ = [
    "FILENAME", "LOCKNAME", "LOCK_TIMEOUT", "MAX_ATTEMPTS", "MAX_FILE_BYTES", "MAX_QUESTIONS", "MAX_TIME", "MIXED",
    "VERSION", "ExerciseRecord", "Position", "Progress", "ProgressStore", "QuizAttempt", "Saver", "check_count",
    "check_stamp", "count_line", "data_dir", "lesson_rows", "load",
]
