"""``dltutor train --preset course-reg-... --with-exercises``: the course's experiment with YOUR functions.

UI-free: the command prints :func:`comparison_text`, the Exercises screen shows the same text.
"""

from __future__ import annotations

import argparse


def passed_files(progress, preset_name: str) -> dict[str, str]:
    """Exercise id -> the file that passed it, for the exercises ``preset_name`` needs that have passed."""
    from dltutor.core.exercises.catalogue import TRAINABLE

    out = {}
    for exercise_id in TRAINABLE.get(preset_name, ()):
        record = progress.exercises.get(exercise_id)
        if record is not None and record.passed and record.file:
            out[exercise_id] = record.file
    return out


def comparison_text(comparison, course_protocol: bool = True, in_app: bool = False) -> str:
    """Your costs beside the reference's, the accuracies, and the verdict (``course_protocol``: the preset's
    own options, so on the course's data the reference run is the published one; ``in_app``: the Exercises
    screen, which has no --data option, names the command that takes the course's file)."""
    from dltutor.tutor.output import table

    lines = [f"preset {comparison.preset} trained with YOUR functions:"]
    lines += [f"  {k}: {v}" for k, v in comparison.files.items()]
    if comparison.stand_in:
        from dltutor.core.presets import get_preset

        course_file = get_preset(comparison.preset).course_file  # circles.npz or football.npz
        if in_app:
            lines.append("note: on the built-in stand-in data; for the course's own numbers run "
                         f"dltutor train --preset {comparison.preset} --with-exercises --data {course_file} "
                         "(the course's file)")
        else:
            lines.append(f"note: on the built-in stand-in data; pass --data with the course's {course_file} for "
                         "the course's own numbers")
    rows = [[f"{i:,}", f"{y:.10g}", f"{r:.10g}", "same" if abs(y - r) <= 1e-6 * max(abs(r), 1e-12) else "DIFFERS"]
            for i, y, r in comparison.rows]
    lines += ["", table(rows, ["iteration", "your cost", "reference cost", ""]), ""]
    for split, (yours, ref) in comparison.accuracy.items():
        lines.append(f"{split} accuracy: yours {yours:.2%}, reference {ref:.2%}")
    lines.append(f"your training loop: {comparison.seconds:.2f} s")
    if comparison.reproduced:
        where = ("the reference reproduces the course's published numbers on this data, so your functions do too"
                 if not comparison.stand_in and course_protocol
                 else "the same numbers as the tutor's reference implementation")
        lines.append(f"verdict: reproduced, cost for cost: {where}.")
    elif comparison.diverged_at is not None:
        lines.append(f"verdict: your run parts from the reference at iteration {comparison.diverged_at:,}. The "
                     "checks compare single calls; over thousands of iterations a small difference (another random "
                     "draw, a different order of operations) grows. Check your exercise files again.")
    else:
        lines.append("verdict: the costs agree but the accuracies differ (predictions must use no dropout).")
    if comparison.output.strip():
        lines += ["", "your code printed (last lines):"] + ["  " + ln for ln in comparison.output.splitlines()[-5:]]
    return "\n".join(lines)


def run_with_exercises(args: argparse.Namespace, build_run) -> int:
    """Run ``dltutor train --with-exercises``; ``build_run`` is train's own option handling."""
    import sys

    from dltutor.core.errors import TutorError
    from dltutor.core.exercises.catalogue import TRAINABLE
    from dltutor.core.exercises.course_run import train_with_exercises
    from dltutor.core.learner import LearnerError
    from dltutor.tutor.output import print_json
    from dltutor.tutor.progress import load

    if not args.preset or args.preset not in TRAINABLE:
        raise TutorError("--with-exercises", "needs a preset your exercises can run",
                         " or ".join(f"--preset {p}" for p in TRAINABLE))
    preset, config, dataset = build_run(args)
    store, _ = load()
    files = passed_files(store.progress, preset.name)
    try:
        comparison = train_with_exercises(preset.name, config, dataset, files)
    except LearnerError as exc:
        if args.json:
            print_json({"preset": preset.name, "ok": False, "error": exc.to_dict()})
        else:
            sys.stderr.write(f"error in your file: {exc.message}\n")
        return 1
    if args.json:
        print_json(comparison.to_dict())
    else:
        print(comparison_text(comparison, course_protocol=config == preset.config))
    return 0 if comparison.reproduced else 1
