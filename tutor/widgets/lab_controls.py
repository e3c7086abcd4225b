"""The lab's form: a field for every training option, each with its error shown beside it.

The fields come from :data:`tutor.lab_runner.FIELDS`; the form only holds text and switches. Choosing a
preset fills the form; fields that do not apply are hidden (the file path unless the dataset is a file,
``m`` and noise for course data and files, lambda without regularization, the random scale unless the
initialization is random).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Label, Select, Static

from dltutor.tutor import lab_runner
from dltutor.tutor.lab_runner import CUSTOM, FIELDS, FILE, FormValues
from dltutor.tutor.widgets.tick_box import TickBox

_CHANGED = (Input.Changed, Select.Changed, Checkbox.Changed)


class LabControls(VerticalScroll):
    """Every option of a run. Enter in a field starts a run with the form (``Submitted``)."""

    DEFAULT_CSS = """
    LabControls { height: 1fr; }
    LabControls .lab-row { height: 1; margin-bottom: 0; }
    LabControls .lab-label { width: 14; color: $text-muted; }
    LabControls .lab-row Input, LabControls .lab-row Select { width: 1fr; }
    LabControls Select > SelectOverlay { width: 34; }
    LabControls .lab-check { width: 1fr; }
    LabControls .lab-error { height: auto; color: $error; padding-left: 1; }
    LabControls #lab-form-error { height: auto; color: $error; }
    LabControls #lab-form-help { height: auto; color: $text-muted; }
    LabControls #lab-preset-note { height: auto; color: $warning; padding-left: 1; }
    """

    class Submitted(Message):
        """Enter was pressed in a field: run what the form says."""

    class PresetChosen(Message):
        """The learner chose a preset (the form now shows it)."""

        def __init__(self, preset: str) -> None:
            super().__init__()
            self.preset = preset

    def __init__(self, values: FormValues | None = None, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._initial = values or lab_runner.preset_values(CUSTOM)

    def compose(self) -> ComposeResult:
        values = self._initial
        yield Static("", id="lab-form-error", markup=False)
        for field_id, label, kind, help_text in FIELDS:
            if kind == "bool":
                with Horizontal(classes="lab-row", id=f"row-{field_id}"):
                    yield TickBox(label, bool(values.get(field_id)), id=f"f-{field_id}", compact=True,
                                   classes="lab-check", tooltip=help_text)
            else:
                with Horizontal(classes="lab-row", id=f"row-{field_id}"):
                    yield Label(label, classes="lab-label")
                    if kind in ("preset", "dataset") or kind.startswith("select:"):
                        choices = (lab_runner.preset_choices() if kind == "preset"
                                   else lab_runner.dataset_choices() if kind == "dataset"
                                   else lab_runner.select_choices(kind.split(":", 1)[1]))
                        current = values.get(field_id)
                        known = {v for _, v in choices}
                        yield Select(choices, value=current if current in known else choices[0][1],
                                     allow_blank=False, compact=True, id=f"f-{field_id}", tooltip=help_text)
                    else:
                        yield Input(str(values.get(field_id) or ""), id=f"f-{field_id}", compact=True,
                                    placeholder=_placeholder(field_id), tooltip=help_text)
            yield Static("", id=f"err-{field_id}", classes="lab-error", markup=False)
            if field_id == "preset":
                yield Static("", id="lab-preset-note", markup=False)
        yield Static("Enter in a field runs the form. Tab moves between fields; escape leaves the form.",
                     id="lab-form-help", markup=False)

    def on_mount(self) -> None:
        for field_id in lab_runner.FIELD_IDS:
            self.query_one(f"#err-{field_id}").display = False
        self.query_one("#lab-form-error").display = False
        self._update_visibility()
        self._note_edits()

    # -- values ----------------------------------------------------------------------------------------

    def values(self) -> FormValues:
        """The form as field id -> text (booleans for the switches)."""
        out: FormValues = {}
        for field_id, _label, _kind, _help in FIELDS:
            widget = self.query_one(f"#f-{field_id}")
            if isinstance(widget, Checkbox):
                out[field_id] = bool(widget.value)
            elif isinstance(widget, Select):
                out[field_id] = "" if widget.value is Select.NULL else str(widget.value)
            elif isinstance(widget, Input):
                out[field_id] = widget.value
        return out

    def set_values(self, values: FormValues) -> None:
        """Show these values (without posting change messages)."""
        with self.prevent(*_CHANGED):
            for field_id, value in values.items():
                found = self.query(f"#f-{field_id}")
                if not found:
                    continue
                widget = found.first()
                if isinstance(widget, Checkbox):
                    widget.value = bool(value)
                elif isinstance(widget, Select):
                    widget.value = value
                elif isinstance(widget, Input):
                    widget.value = "" if value is None else str(value)
        self.clear_errors()
        self._update_visibility()
        self._note_edits()

    def edited_fields(self) -> list[str]:
        """The labels of the fields that differ from the chosen preset's values (none for ``custom``)."""
        values = self.values()
        preset = values.get("preset") or CUSTOM
        if preset == CUSTOM:
            return []
        base = lab_runner.preset_values(preset)
        labels = {field_id: label for field_id, label, _kind, _help in FIELDS}
        return [labels[k] for k in labels if k != "preset" and str(values.get(k) or "") != str(base.get(k) or "")]

    def _note_edits(self) -> None:
        """Under the preset: which fields the learner changed from it (the preset still gives the data)."""
        edited = self.edited_fields()
        note = self.query_one("#lab-preset-note", Static)
        note.update(f"edited: {', '.join(edited)}" if edited else "")
        note.display = bool(edited)

    def _update_visibility(self) -> None:
        values = self.values()
        dataset = values.get("dataset", "")
        generated = dataset != FILE and not str(dataset).startswith("course-")
        shown = {
            "path": dataset == FILE,
            "m": generated,
            "noise": generated,
            "split": not str(dataset).startswith("course-"),
            "lam": values.get("reg") not in ("none", ""),
            "init_scale": values.get("init") == "random",
        }
        for field_id, visible in shown.items():
            self.query_one(f"#row-{field_id}").display = visible
            if not visible:
                self.show_error(field_id, "")

    # -- errors ----------------------------------------------------------------------------------------

    def show_error(self, field_id: str | None, message: str) -> None:
        """Show ``message`` beside a field (None: above the form); an empty message clears it."""
        if field_id is None or not self.query(f"#err-{field_id}"):
            target = self.query_one("#lab-form-error", Static)
        else:
            row = self.query_one(f"#row-{field_id}")
            target = self.query_one(f"#err-{field_id}", Static)
            if message and not row.display:
                target = self.query_one("#lab-form-error", Static)
        target.update(message)
        target.display = bool(message)
        if message:
            self.call_after_refresh(self.scroll_to_widget, target, animate=False)

    def clear_errors(self) -> None:
        for err in self.query(".lab-error").results(Static):
            err.update("")
            err.display = False
        form_error = self.query_one("#lab-form-error", Static)
        form_error.update("")
        form_error.display = False

    def errors(self) -> dict[str, str]:
        """The errors shown now: field id (``form`` for the line above the form) -> message."""
        out = {}
        for err in self.query(".lab-error"):
            text = str(err.render())
            if err.display and text and err.id:
                out[err.id.removeprefix("err-")] = text
        form_error = self.query_one("#lab-form-error", Static)
        if form_error.display:
            out["form"] = str(form_error.render())
        return out

    # -- events ----------------------------------------------------------------------------------------

    @on(Select.Changed, "#f-preset")
    def _preset(self, event: Select.Changed) -> None:
        event.stop()
        name = str(event.value)
        self.set_values(lab_runner.preset_values(name))
        self.post_message(self.PresetChosen(name))

    @on(Select.Changed, "#f-dataset")
    def _dataset(self, event: Select.Changed) -> None:
        event.stop()
        dataset = str(event.value)
        with self.prevent(*_CHANGED):
            if dataset == FILE or dataset.startswith("course-"):
                self.query_one("#f-m", Input).value = ""
                self.query_one("#f-noise", Input).value = ""
            if dataset.startswith("course-"):
                self.query_one("#f-split", Input).value = ""
        self.show_error("dataset", "")
        self._update_visibility()
        self._note_edits()

    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _other_select(self, event: Select.Changed | Checkbox.Changed) -> None:
        event.stop()
        widget_id = event.control.id or ""
        if widget_id in ("f-preset", "f-dataset"):
            return
        self.show_error(widget_id.removeprefix("f-"), "")
        self._update_visibility()
        self._note_edits()

    @on(Input.Changed)
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self.show_error((event.input.id or "").removeprefix("f-"), "")
        self._note_edits()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted())


def _placeholder(field_id: str) -> str:
    return {
        "path": "e.g. ~/data/mine.npz",
        "m": "default",
        "noise": "default",
        "split": "default 0.7,0.3",
        "batch": "whole set",
        "lam": "e.g. 0.7",
        "keep_prob": "1 (off)",
        "early_stopping": "off",
        "log_every": "auto",
    }.get(field_id, "")
