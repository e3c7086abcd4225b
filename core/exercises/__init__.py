"""The exercise track: the course's graded functions, written by the learner and checked offline.

- :mod:`core.exercises.catalogue`: the exercises, their signatures, starters and hints (no NumPy).
- :mod:`core.exercises.helpers`: what the course's notebooks give the learner (``relu``, ``compute_cost``,
  ``forward_propagation_n``, ``dictionary_to_vector``...), importable as ``reg_utils``, ``gc_utils``...
- :mod:`core.exercises.reference`: the reference solutions the checks compare against.
- :mod:`core.exercises.checks_init`, ``checks_reg``, ``checks_grad``: the checks, one function per exercise.
- :mod:`core.exercises.child`: the child process that runs a learner's file (``python -m core.exercises.child``).
- :mod:`core.exercises.runner`: the parent side: :func:`check_exercise` and :func:`train_with_exercises`.
"""
