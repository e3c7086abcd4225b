"""``dltutor train``: train a network headless, print a cost curve and a summary (or one JSON object)."""

from __future__ import annotations

import argparse
from typing import Any

NAME = "train"
HELP = "train a network headless (a course preset or your own options); --json for scripts"
ORDER = 10


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--preset", help="a named experiment (see --list)")
    p.add_argument("--list", action="store_true", help="list the presets and exit")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--dataset", help="circles, moons, xor, blobs, spiral, flower, course-circles, course-football")
    src.add_argument("--data", metavar="PATH", help="your own .npz, .csv or .mat file (or the course's .npz)")
    p.add_argument("--m", type=int, help="examples to generate (generated datasets)")
    p.add_argument("--noise", type=float, help="noise of a generated dataset")
    p.add_argument("--split", help="train/dev(/test) fractions, e.g. 0.7,0.3 or 0.6,0.2,0.2")
    p.add_argument("--layers", help="layer sizes including input and output, e.g. 2,20,3,1")
    p.add_argument("--activation", help="hidden activation: relu, leaky_relu, tanh, sigmoid, linear")
    p.add_argument("--init", help="zeros, random, xavier, he, inv-sqrt")
    p.add_argument("--init-scale", type=float, help="multiplier of the random initialization (course: 10)")
    p.add_argument("--lr", type=float, help="learning rate")
    p.add_argument("--iterations", type=int, help="number of gradient steps")
    p.add_argument("--batch-size", type=int, help="mini-batch size (default: the whole training set)")
    p.add_argument("--l2", type=float, help="L2 regularization lambda")
    p.add_argument("--l1", type=float, help="L1 regularization lambda")
    p.add_argument("--keep-prob", help="dropout keep probability, one value or one per hidden layer: 0.86[,0.86]")
    p.add_argument("--fixed-masks", action="store_true", default=None,
                   help="reuse the same dropout masks every iteration (the course exercise's quirk)")
    p.add_argument("--normalize", action="store_true", default=None, help="normalize the inputs (train statistics)")
    p.add_argument("--early-stopping", type=int, metavar="PATIENCE", help="stop after PATIENCE checks without a "
                   "dev-cost improvement and restore the best weights (0: off)")
    p.add_argument("--augment", action="store_true", default=None,
                   help="augment the training set with label-preserving reflections and jitter")
    p.add_argument("--seed", type=int, help="seed of every random draw in the run")
    p.add_argument("--log-every", type=int, help="record progress every N iterations")
    p.add_argument("--with-exercises", action="store_true",
                   help="train a course preset (init, L2, dropout) with YOUR passed exercise functions and compare")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _floats(text: str, field: str, example: str = "e.g. 0.86 or 0.8,0.9") -> tuple[float, ...]:
    from dltutor.core.errors import TutorError

    try:
        return tuple(float(v) for v in text.split(","))
    except ValueError:
        raise TutorError(field, f"{text!r} is not a comma-separated list of numbers", example) from None


def _ints(text: str, field: str) -> tuple[int, ...]:
    from dltutor.core.errors import TutorError

    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise TutorError(field, f"{text!r} is not a comma-separated list of integers", "e.g. 2,20,3,1") from None


def build_run(args: argparse.Namespace):
    """The preset (or None), the :class:`TrainConfig` and the dataset that ``args`` ask for."""
    from dataclasses import replace

    from dltutor.core.errors import TutorError
    from dltutor.core.presets import DataSpec, get_preset
    from dltutor.core.train import TrainConfig

    for flag in ("preset", "dataset", "data", "layers", "keep_prob", "split", "activation", "init"):
        value = getattr(args, flag)
        if value is not None and not str(value).strip():
            raise TutorError(f"--{flag.replace('_', '-')}", "is empty", "leave the option out for the default")
    preset = get_preset(args.preset) if args.preset else None
    config = preset.config if preset else TrainConfig()
    spec = preset.data if preset else DataSpec("moons", m=400, noise=0.2, ratios=(0.7, 0.3), seed=1)
    changes = {}
    for flag, key in (("activation", "activation"), ("init", "init"), ("init_scale", "init_scale"),
                      ("lr", "learning_rate"), ("iterations", "iterations"), ("batch_size", "batch_size"),
                      ("l2", "l2"), ("l1", "l1"), ("fixed_masks", "fixed_masks"), ("normalize", "normalize"),
                      ("early_stopping", "early_stopping"), ("augment", "augment"), ("seed", "seed"),
                      ("log_every", "log_every")):
        value = getattr(args, flag)
        if value is not None:
            changes[key] = value
    if args.layers:
        changes["layers"] = _ints(args.layers, "layers")
    if args.keep_prob:
        changes["keep_probs"] = _floats(args.keep_prob, "keep_prob")
    if changes.get("early_stopping") == 0:
        changes["early_stopping"] = None  # 0 turns a preset's early stopping off
    config = config.with_changes(**changes) if changes else config
    if args.fixed_masks and not config.dropout:
        raise TutorError("--fixed-masks", "fixed masks without dropout do nothing", "use it with --keep-prob below 1")
    if args.data and (args.m is not None or args.noise is not None):
        raise TutorError("--m" if args.m is not None else "--noise", "only generated datasets take it, not a file",
                         "--m and --noise with --dataset circles, moons, xor, blobs, spiral or flower")
    ratios = _floats(args.split, "split", "e.g. 0.7,0.3 or 0.6,0.2,0.2") if args.split else None
    if args.dataset:
        # a new dataset starts from its own defaults, not from the preset's generator settings
        spec = DataSpec(args.dataset, m=args.m, noise=args.noise, ratios=ratios, seed=spec.seed)
    elif args.m is not None or args.noise is not None or ratios is not None:
        given: dict[str, Any] = {k: v for k, v in (("m", args.m), ("noise", args.noise), ("ratios", ratios))
                                 if v is not None}
        spec = replace(spec, **given)
    dataset = spec.load(args.data)
    # asked for explicitly, the quirk is the learner's choice; with --with-exercises the learner's own
    # forward_propagation_with_dropout reseeds every call, so the reference must keep the fixed masks too
    if not args.fixed_masks and not getattr(args, "with_exercises", False):
        from dltutor.core.presets import masks_for

        config, _ = masks_for(config, dataset)
    if not args.layers and config.layers[0] != dataset.n_features:
        config = replace(config, layers=(dataset.n_features,) + config.layers[1:])
    return preset, config, dataset


def run(args: argparse.Namespace) -> int:
    from dltutor.core.presets import PRESETS
    from dltutor.tutor.output import print_json, table
    from dltutor.tutor.training_text import render_result

    if args.list:
        if args.json:
            print_json([p.to_dict() for p in PRESETS.values()])
        else:
            print(table([[p.name, p.lesson, p.title] for p in PRESETS.values()], ["preset", "lesson", "title"]))
        return 0
    if args.with_exercises:
        from dltutor.tutor.exercise_train import run_with_exercises

        return run_with_exercises(args, build_run)
    from dltutor.core.train import Training

    preset, config, dataset = build_run(args)
    training = Training(config, dataset)
    records = list(training.steps())
    if args.json:
        from dltutor.tutor.run_export import run_record  # the lab's export writes the same record

        bayes = preset.data.bayes_error if preset is not None else None  # as the text report reads it
        print_json(run_record(preset.name if preset else None, config, dataset, training, bayes))
    else:
        print(render_result(preset, config, dataset, training, records))
    return 0
