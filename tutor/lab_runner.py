"""The lab's form without the UI: form values to a training plan, comparisons, and a run's result lines.

The lab screen keeps its form as plain strings and booleans (``FormValues``); everything that turns them
into a :class:`core.train.TrainConfig` and a dataset, names the form field at fault in a
:class:`core.errors.TutorError`, or builds the course's comparisons lives here, so it is tested without a
terminal and the screen stays a view. The basic-recipe step to apply after a run is :mod:`tutor.lab.recipe`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Literal, overload

from dltutor.core.errors import TutorError

#: The value of the preset field when the form is not a preset (or was edited into something else).
CUSTOM = "custom"
#: The value of the dataset field for "a file of your own" (its path is the ``path`` field).
FILE = "file"
#: Regularization choices in the form.
REGULARIZERS = ("none", "l2", "l1")

FormValues = dict[str, Any]

#: The form's fields in order: (id, label, kind, help). Kinds: ``preset``, ``dataset``, ``select:<choices>``,
#: ``text``, ``bool``. The screen builds its widgets from this list.
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("preset", "Preset", "preset", "a named experiment; choosing one fills the form"),
    ("dataset", "Dataset", "dataset", "a 2-D generator, a course stand-in, or a file of your own"),
    ("path", "File", "text", "path of a .npz, .csv or .mat file (dataset: file)"),
    ("m", "Examples m", "text", "examples to generate (blank: the default)"),
    ("noise", "Noise", "text", "noise of a generated dataset (blank: the default)"),
    ("split", "Split", "text", "fractions such as 0.7,0.3 or 0.6,0.2,0.2"),
    ("layers", "Layers", "text", "sizes from input to output, e.g. 2,20,3,1"),
    ("activation", "Activation", "select:activation", "the hidden layers' activation"),
    ("init", "Init", "select:init", "zeros, random, xavier, he, inv-sqrt"),
    ("init_scale", "Rand. scale", "text", "multiplier of the random initialization"),
    ("lr", "Learn rate", "text", "the gradient-descent step"),
    ("iterations", "Iterations", "text", "number of parameter updates"),
    ("batch", "Batch size", "text", "examples per update (blank: the whole training set)"),
    ("reg", "Regularize", "select:reg", "none, L2 or L1"),
    ("lam", "Lambda", "text", "the L2 or L1 strength"),
    ("keep_prob", "keep_prob", "text", "dropout keep probability, one value or one per hidden layer"),
    ("normalize", "Normalize inputs", "bool", "zero mean, unit variance (training statistics)"),
    ("early_stopping", "Early stop", "text", "checks without a dev improvement (blank: off)"),
    ("augment", "Augment data", "bool", "reflections that keep the labels, plus jitter"),
    ("seed", "Seed", "text", "seed of every random draw of the run"),
    ("log_every", "Log every", "text", "iterations between recorded points"),
)
FIELD_IDS = tuple(f[0] for f in FIELDS)

#: Where a core error's field shows in the form.
_CORE_FIELDS = {
    "layers": "layers", "activation": "activation", "init": "init", "init_scale": "init_scale",
    "learning_rate": "lr", "lr": "lr", "iterations": "iterations", "batch_size": "batch", "batch": "batch",
    "l2": "lam", "l1": "lam", "lambda": "lam", "lam": "lam", "keep_prob": "keep_prob", "keep_probs": "keep_prob",
    "early_stopping": "early_stopping", "seed": "seed", "log_every": "log_every", "m": "m", "noise": "noise",
    "ratios": "split", "split": "split", "preset": "preset", "path": "path", "normalize": "normalize",
    "augment": "augment", "reg": "reg",
}


def form_field(error: TutorError, values: FormValues | None = None) -> str | None:
    """The form field a :class:`TutorError` belongs to (None: show it above the form)."""
    name = str(error.field)
    if name in _CORE_FIELDS:
        return _CORE_FIELDS[name]
    if name.startswith("data") or name in ("dataset", "feature_scale", "reflections", "file"):
        return "path" if values is not None and values.get("dataset") == FILE else "dataset"
    return None


def dataset_choices() -> list[tuple[str, str]]:
    """(label, value) of every dataset the form offers: the generators, the course stand-ins, a file."""
    from dltutor.core.data import COURSE_STANDINS, GENERATORS

    out = [(name, name) for name in GENERATORS]
    out += [(f"course-{k} (stand-in)", f"course-{k}") for k in COURSE_STANDINS]
    out.append(("a file of your own", FILE))
    return out


def select_choices(kind: str) -> list[tuple[str, str]]:
    """(label, value) of a ``select:`` field."""
    if kind == "activation":
        from dltutor.core.activations import ACTIVATIONS

        return [(a, a) for a in ACTIVATIONS]
    if kind == "init":
        from dltutor.core.init import INITS

        return [(i, i) for i in INITS]
    if kind == "reg":
        return [("none", "none"), ("L2", "l2"), ("L1", "l1")]
    raise KeyError(kind)


def preset_choices() -> list[tuple[str, str]]:
    """(label, value) of every preset, custom first."""
    from dltutor.core.presets import PRESETS

    return [("custom (your own options)", CUSTOM)] + [(f"{p.name}", p.name) for p in PRESETS.values()]


# --------------------------------------------------------------------------------------------------------
# Form values <-> config


def form_number(x: float) -> str:
    """A number as the form shows it (``0.7``, ``1e-05``)."""
    return f"{x:g}"


def default_base():
    """The config and data of a custom run: ``dltutor train`` without options."""
    from dltutor.core.presets import DataSpec
    from dltutor.core.train import TrainConfig

    return TrainConfig(log_every=100), DataSpec("moons", m=400, noise=0.2, ratios=(0.7, 0.3), seed=1)


def base_of(preset_name: str | None):
    """(config, DataSpec, Preset or None) that a form's preset field starts from."""
    if preset_name and preset_name != CUSTOM:
        from dltutor.core.presets import get_preset

        preset = get_preset(preset_name)
        return preset.config, preset.data, preset
    config, spec = default_base()
    return config, spec, None


def values_of(config, spec, preset_name: str = CUSTOM, path: str = "") -> FormValues:
    """The form values that show ``config`` on ``spec``'s data."""
    reg = "l2" if config.l2 else "l1" if config.l1 else "none"
    lam = config.l2 if config.l2 else config.l1 if config.l1 else 0.0
    return {
        "preset": preset_name,
        "dataset": FILE if path else spec.dataset,
        "path": path,
        "m": "" if spec.m is None else str(spec.m),
        "noise": "" if spec.noise is None else form_number(spec.noise),
        "split": "" if not spec.ratios else ",".join(form_number(r) for r in spec.ratios),
        "layers": ",".join(str(n) for n in config.layers),
        "activation": config.activation,
        "init": config.init,
        "init_scale": form_number(config.init_scale),
        "lr": form_number(config.learning_rate),
        "iterations": str(config.iterations),
        "batch": "" if config.batch_size is None else str(config.batch_size),
        "reg": reg,
        "lam": form_number(lam) if lam else "",
        "keep_prob": ",".join(form_number(k) for k in config.keep_probs) if config.dropout else "",
        "normalize": bool(config.normalize),
        "early_stopping": "" if config.early_stopping is None else str(config.early_stopping),
        "augment": bool(config.augment),
        "seed": str(config.seed),
        "log_every": str(config.log_every),
    }


def preset_values(preset_name: str) -> FormValues:
    """The form values of a preset (``custom``: the default options)."""
    config, spec, _ = base_of(preset_name)
    return values_of(config, spec, preset_name)


def _text(values: FormValues, key: str) -> str:
    return str(values.get(key) or "").strip()


def _number(values: FormValues, key: str, allowed: str, optional: bool = False) -> float | None:
    text = _text(values, key)
    if not text:
        if optional:
            return None
        raise TutorError(key, "is empty", allowed)
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise TutorError(key, f"{text!r} is not a number", allowed) from None
    if not math.isfinite(value):
        raise TutorError(key, f"{text!r} is not a finite number", allowed)
    return value


@overload
def _integer(values: FormValues, key: str, allowed: str, optional: Literal[False] = False) -> int: ...


@overload
def _integer(values: FormValues, key: str, allowed: str, optional: bool) -> int | None: ...


def _integer(values: FormValues, key: str, allowed: str, optional: bool = False) -> int | None:
    value = _number(values, key, allowed, optional)
    if value is None:
        return None
    if value != int(value):
        raise TutorError(key, f"{_text(values, key)!r} is not a whole number", allowed)
    return int(value)


def _numbers(values: FormValues, key: str, allowed: str, kind=float) -> tuple | None:
    text = _text(values, key)
    if not text:
        return None
    parts = [p.strip() for p in text.replace(";", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        out = tuple(kind(float(p)) if kind is float else int(p) for p in parts)
    except ValueError:
        raise TutorError(key, f"{text!r} is not a comma-separated list of numbers", allowed) from None
    return out


@dataclass(frozen=True)
class LabPlan:
    """What one run of the lab needs: the options, where the data comes from, and the preset it came from.

    Args:
        config: the training options (the input and output sizes are fitted to the data by :meth:`prepare`).
        spec: the data (a :class:`core.presets.DataSpec`).
        path: a file of the learner's own, or None.
        preset: the preset the form started from, or None (custom).
        label: a short name for tables and legends.
    """

    config: Any
    spec: Any
    path: str | None = None
    preset: str | None = None
    label: str = "run"

    def load(self):
        """The dataset (may raise TutorError)."""
        return self.spec.load(self.path)

    def prepare(self, dataset=None):
        """The :class:`core.train.Training` for this plan, the dataset and notes on sizes fitted to the data.

        Returns:
            ``(training, dataset, notes)``.
        """
        from dltutor.core.presets import masks_for
        from dltutor.core.train import Training

        dataset = self.load() if dataset is None else dataset
        config, notes = fit_layers(self.config, dataset)
        config, masks = masks_for(config, dataset)
        if masks:
            notes.append(masks)
        return Training(config, dataset), dataset, notes


def fit_layers(config, dataset):
    """``config`` with the input size set to the data's features and the output to its classes.

    Returns:
        ``(config, notes)``; a note for each size that changed.
    """
    layers = list(config.layers)
    notes = []
    if layers[0] != dataset.n_features:
        notes.append(f"input size set to the data's {dataset.n_features} features")
        layers[0] = dataset.n_features
    out = 1 if dataset.n_classes <= 2 else dataset.n_classes
    if layers[-1] != out:
        notes.append(f"output size set to {out} for {dataset.n_classes} classes")
        layers[-1] = out
    if notes:
        config = config.with_changes(layers=tuple(layers))
    return config, notes


def build_plan(values: FormValues) -> LabPlan:
    """The plan a form asks for.

    Args:
        values: the form, field id -> text (or bool for ``normalize``/``augment``).

    Returns:
        A :class:`LabPlan` whose config is validated (the data is loaded later, by :meth:`LabPlan.load`).

    Raises:
        TutorError: naming the field at fault (see :func:`form_field`).
    """
    from dltutor.core.data import DATASET_NAMES

    preset_name = _text(values, "preset") or CUSTOM
    base_config, base_spec, preset = base_of(preset_name)
    dataset = _text(values, "dataset") or base_spec.dataset
    path = None
    if dataset == FILE:
        path = _text(values, "path")
        if not path:
            raise TutorError("path", "no file given", "the path of a .npz, .csv or .mat file")
    elif dataset not in DATASET_NAMES:
        raise TutorError("dataset", f"unknown dataset {dataset!r}", ", ".join(DATASET_NAMES) + ", or file")
    # Fields the form hides for this dataset do not apply: m and noise only generate, course data keeps
    # the course's split.
    generated = dataset != FILE and not dataset.startswith("course-")
    m = noise = ratios = None
    if generated:
        m = _integer(values, "m", "a whole number of examples, 4 to 200,000 (blank: the default)", optional=True)
        noise = _number(values, "noise", "a number from 0 to 2 (blank: the default)", optional=True)
    if not dataset.startswith("course-"):
        ratios = _numbers(values, "split", "fractions such as 0.7,0.3 or 0.6,0.2,0.2 (blank: the default)")
    same_data = dataset == base_spec.dataset
    spec = replace(base_spec, dataset=dataset if dataset != FILE else base_spec.dataset, m=m, noise=noise,
                   ratios=ratios,
                   feature_scale=base_spec.feature_scale if same_data else None,
                   bayes_error=base_spec.bayes_error if same_data and path is None else None)
    if not same_data and base_spec.seed is None:
        spec = replace(spec, seed=1)
    layers = _numbers(values, "layers", "sizes such as 2,20,3,1", kind=int)
    if not layers:
        raise TutorError("layers", "is empty", "sizes such as 2,20,3,1 (input first, output last)")
    reg = _text(values, "reg") or "none"
    if reg not in REGULARIZERS:
        raise TutorError("reg", f"unknown regularization {reg!r}", "none, l2, l1")
    lam = _number(values, "lam", "lambda >= 0, e.g. 0.7", optional=True) or 0.0
    if reg != "none" and lam <= 0:
        raise TutorError("lam", f"{reg.upper()} needs a positive lambda", "lambda > 0, e.g. 0.7")
    keep = _numbers(values, "keep_prob", "0 < keep_prob <= 1, one value or one per hidden layer, e.g. 0.86")
    if keep is not None and all(k == 1 for k in keep):
        keep = None
    init_scale = _number(values, "init_scale", "a positive number, e.g. 10", optional=True)
    iterations = _integer(values, "iterations", "a whole number from 1 to 10,000,000")
    log_every = _integer(values, "log_every", "a whole number >= 1, e.g. 100", optional=True)
    seed = _integer(values, "seed", "a whole number >= 0")
    if log_every is None:
        log_every = max(1, iterations // 200)
    changes = dict(
        layers=layers,
        activation=_text(values, "activation") or base_config.activation,
        init=_text(values, "init") or base_config.init,
        init_scale=base_config.init_scale if init_scale is None else init_scale,
        learning_rate=_number(values, "lr", "a positive number, e.g. 0.01"),
        iterations=iterations,
        batch_size=_integer(values, "batch", "a whole number >= 1 (blank: the whole training set)", optional=True),
        l2=lam if reg == "l2" else 0.0,
        l1=lam if reg == "l1" else 0.0,
        keep_probs=keep,
        fixed_masks=base_config.fixed_masks if keep is not None else False,
        normalize=bool(values.get("normalize")),
        early_stopping=_integer(values, "early_stopping", "a patience >= 1 (blank: off)", optional=True),
        augment=bool(values.get("augment")),
        seed=seed,
        log_every=log_every,
    )
    if seed < 0:
        raise TutorError("seed", f"{seed} is negative", "a whole number >= 0")
    config = base_config.with_changes(**changes)
    return LabPlan(config, spec, path, preset.name if preset else None,
                   label=preset.name if preset else "custom")


# --------------------------------------------------------------------------------------------------------
# Comparisons


@dataclass(frozen=True)
class Comparison:
    """Two to four configurations run on the same data.

    Args:
        key: the key that starts it.
        title: what it compares.
        runs: (label, changes to the form's config) per run.
    """

    key: str
    title: str
    runs: tuple[tuple[str, dict], ...]


COMPARISONS: dict[str, Comparison] = {
    "init": Comparison("1", "initialization: zeros / random / He",
                       (("zeros", {"init": "zeros"}), ("random", {"init": "random"}), ("he", {"init": "he"}))),
    "reg": Comparison("2", "regularization: none / L2 (lambda 0.7) / dropout (keep_prob 0.86)",
                      (("none", {"l2": 0.0, "l1": 0.0, "keep_probs": None}),
                       ("L2", {"l2": 0.7, "l1": 0.0, "keep_probs": None}),
                       ("dropout", {"l2": 0.0, "l1": 0.0, "keep_probs": (0.86,)}))),
    "norm": Comparison("3", "input normalization: raw / normalized",
                       (("raw", {"normalize": False}), ("normalized", {"normalize": True}))),
}


def comparison_plans(kind: str, plan: LabPlan) -> list[LabPlan]:
    """The runs of a comparison on the plan's data, each the plan's config with one change.

    On a course regularization preset the dropout run uses the exercise's fixed masks, so the three runs are
    exactly the course's ``course-reg-none``, ``-l2`` and ``-dropout``; likewise the init comparison on a
    course init preset gives the course's three runs.
    """
    if kind not in COMPARISONS:
        raise TutorError("compare", f"unknown comparison {kind!r}", ", ".join(COMPARISONS))
    course_reg = bool(plan.preset and plan.preset.startswith("course-reg-"))
    out = []
    for label, changes in COMPARISONS[kind].runs:
        changes = dict(changes)
        if changes.get("keep_probs"):
            changes["fixed_masks"] = course_reg
        out.append(replace(plan, config=plan.config.with_changes(**changes), label=label))
    return out


# --------------------------------------------------------------------------------------------------------


def result_lines(result, heldout: str | None, preset: str | None = None, dataset=None, config=None) -> list[str]:
    """The accuracies, the costs (saying which), the course's published figures beside a stand-in's, and how
    the run ended, as short lines (the same words as ``dltutor train``)."""
    from dltutor.tutor.training_text import HELDOUT_NOTE, accuracy_text, heldout_label, published_lines

    lines = [f"accuracy: {accuracy_text(result.accuracy, heldout, 1, '  ')}"]
    cost = "  ".join(f"{heldout_label(k) if k == heldout else k} {v:.4f}" for k, v in result.cost.items()
                     if math.isfinite(v))
    if cost:
        lines.append(f"cost: {cost}" + (" (full network, no dropout)" if config is not None and config.dropout
                                        else ""))
    if heldout == "test":
        lines.append(f"dev: {HELDOUT_NOTE}")
    if preset:
        from dltutor.core.presets import PRESETS

        lines += [f"course: {line}" for line in published_lines(PRESETS.get(preset), dataset, result.accuracy,
                                                                 heldout)]
    lines.append(f"stopped: {result.message}")
    return lines


def lab_commands() -> list[tuple[str, str | None, str]]:
    """Command-palette entries for the lab: ``(name, preset or None, help)``, the lab first, then each preset."""
    from dltutor.core.presets import PRESETS

    out: list[tuple[str, str | None, str]] = [
        ("Lab: live training", None, "Train a network live: cost, decision boundary, gradient norms, compare")]
    for p in PRESETS.values():
        out.append((f"Lab: {p.name} ({p.title})", p.name, p.description))
    return out
