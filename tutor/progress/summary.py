"""Progress as a table of lessons: one rule for ``dltutor progress``, the Progress screen and the course map."""

from __future__ import annotations

from typing import Any

from dltutor.tutor.progress.model import Progress


def lesson_rows(lessons: list[Any], progress: Progress) -> list[dict]:
    """One row per lesson (id, order, title, status, quiz best and last): ``dltutor progress`` and the app's
    Progress screen show the same table."""
    rows = []
    for lesson in lessons:
        best, last = progress.best(lesson.id), progress.latest(lesson.id)
        rows.append({"id": lesson.id, "order": lesson.order, "title": lesson.title,
                     "status": progress.status(lesson.id),
                     "quiz_best": best.to_dict() if best else None,
                     "quiz_last": last.to_dict() if last else None})
    return rows


def count_line(rows: list[dict], summary_id: str) -> str:
    """``3 of 13 topics read, 1 practised, summary not read yet``: the course is its topics; the summary is
    listed but not counted (the one rule of the map, the lessons' "Lesson n of 13" and the CLI)."""
    topics = [r for r in rows if r["id"] != summary_id]
    read = sum(r["status"] != "not started" for r in topics)
    practised = sum(r["status"] == "practised" for r in topics)
    summary = next((r for r in rows if r["id"] == summary_id), None)
    note = "" if summary is None else (
        ", summary read" if summary["status"] != "not started" else ", summary not read yet")
    return f"{read} of {len(topics)} topics read, {practised} practised{note}"
