"""The training lab without its screen: the runs and their state machine (:mod:`.model`), training in
chunks with batched reports (:mod:`.training`), the recipe's next step (:mod:`.recipe`) and the words the
lab shows (:mod:`.text`).

Nothing here imports Textual: :class:`tutor.screens.lab.LabScreen` composes the widgets, binds the keys,
starts the worker and reflects what this package decides; tests drive it without a terminal. Form values to
a training plan are in :mod:`tutor.lab_runner`.
"""
