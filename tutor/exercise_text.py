"""Plain-text views of the exercise track, shared by the ``exercise(s)`` commands and the Exercises screen."""

from __future__ import annotations

from typing import Any

#: How a status shows in a list.
STATUS_MARK = {"passed": "done", "attempted": "tried", "not started": "-"}


def exercise_rows(progress: Any) -> list[dict[str, Any]]:
    """One row per exercise: id, title, lesson, function(s), status (from ``progress``), attempts."""
    from dltutor.core.exercises.catalogue import EXERCISES

    rows = []
    for ex in EXERCISES.values():
        record = progress.exercises.get(ex.id) if progress is not None else None
        rows.append({"id": ex.id, "title": ex.title, "lesson": ex.lesson,
                     "function": ", ".join(ex.function_names), "course": ex.course,
                     "status": progress.exercise_status(ex.id) if progress is not None else "not started",
                     "attempts": record.attempts if record else 0, "file": record.file if record else None})
    return rows


def list_text(rows: list[dict[str, Any]]) -> str:
    """The list as a table, with a count of what passed and what to do next."""
    from dltutor.tutor.output import table

    body = table([[STATUS_MARK[r["status"]], r["id"], r["title"], r["lesson"], r["function"]] for r in rows],
                 ["status", "id", "title", "lesson", "function"])
    done = sum(r["status"] == "passed" for r in rows)
    nxt = next((r["id"] for r in rows if r["status"] != "passed"), None)
    tail = f"\n{done} of {len(rows)} passed."
    if nxt:
        tail += f" Next: dltutor exercise start {nxt}, then dltutor exercise watch {nxt} FILE."
    return body + tail


def result_text(result: Any, levels: int = 3) -> str:
    """A check's result: one line per check (the failing one with its message), the hint, the verdict."""
    lines = [f"exercise {result.id}: {result.file}"]
    for check in result.checks:
        mark = "ok  " if check.passed else "FAIL"
        lines.append(f"  {mark} {check.name}")
        if check.message and (not check.passed or len(check.message) < 110):
            for i, part in enumerate(check.message.splitlines()):
                lines.append(("         " if i == 0 else "       ") + part)
    if result.output.strip():
        lines += ["", "your code printed:"] + ["  " + ln for ln in result.output.rstrip().splitlines()[-8:]]
    passed = sum(c.passed for c in result.checks)
    if result.passed:
        lines += ["", f"PASSED: all {passed} checks ({result.seconds:.2f} s)."]
    else:
        lines += ["", f"hint (level 1 of {levels}): {result.hint}",
                  f"  more: dltutor exercise hint {result.id} --level 2",
                  f"FAILED: {passed} of {len(result.checks)} checks passed ({result.seconds:.2f} s)."]
    return "\n".join(lines)


def hint_text(exercise: Any, level: int) -> str:
    """One hint with its level, and how to get the next."""
    text = exercise.hint(level)
    total = len(exercise.hints)
    out = [f"{exercise.id}, hint {level} of {total}:", ""] + ["  " + ln for ln in text.splitlines()]
    if level < total:
        out += ["", f"next: dltutor exercise hint {exercise.id} --level {level + 1}"]
    return "\n".join(out)
