"""Speed of the core's training loop against the course's textbook loop (and PyTorch eager, if installed).

Runs the six course experiments side by side in one process and prints seconds and ratios:

    python bench/core_speed.py [--repeat 3] [--data-dir ../shared/reference]

The textbook loop (bench/textbook.py) is the exercises' own style: dict parameters, fresh arrays, the cost
every iteration. Goal for ``course-reg-none``: the core at least 1.8x the textbook loop and at least 5x
PyTorch eager on CPU. Speed is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

import dltutor.tutor.cli  # noqa: E402,F401  (pins the BLAS kernels as the dltutor command does, before NumPy loads)
from bench import textbook  # noqa: E402
from dltutor.core.presets import COURSE_PRESETS, get_preset  # noqa: E402
from dltutor.core.train import Training  # noqa: E402


def _core(preset, dataset) -> float:
    t = Training(preset.config, dataset)
    t.run()
    return t.seconds


def _textbook(preset, dataset) -> float:
    X, Y = dataset.train_X, dataset.train_Y
    cfg = preset.config
    style = "init" if preset.name.startswith("course-init") else "reg"
    keep = cfg.keep_probs[0] if cfg.dropout else 1.0
    start = time.perf_counter()
    textbook.model(X, Y, list(cfg.layers), cfg.init, cfg.learning_rate, cfg.iterations, style=style,
                   lambd=cfg.l2, keep_prob=keep, seed=cfg.seed)
    return time.perf_counter() - start


def _torch(preset, dataset):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    cfg = preset.config
    X = torch.tensor(dataset.train_X, dtype=torch.float64)
    Y = torch.tensor(dataset.train_Y, dtype=torch.float64)
    params = []
    gen = torch.Generator().manual_seed(cfg.seed)
    for n, n_prev in zip(cfg.layers[1:], cfg.layers[:-1]):
        W = (torch.randn(n, n_prev, generator=gen, dtype=torch.float64) / n_prev ** 0.5).requires_grad_()
        b = torch.zeros(n, 1, dtype=torch.float64, requires_grad=True)
        params += [W, b]
    opt = torch.optim.SGD(params, lr=cfg.learning_rate)
    start = time.perf_counter()
    for _ in range(cfg.iterations):
        A = X
        for i in range(0, len(params), 2):
            Z = params[i] @ A + params[i + 1]
            A = torch.relu(Z) if i < len(params) - 2 else Z
        loss = torch.nn.functional.binary_cross_entropy_with_logits(A, Y)
        if cfg.l2:
            loss = loss + cfg.l2 / (2 * X.shape[1]) * sum((W ** 2).sum() for W in params[::2])
        opt.zero_grad()
        loss.backward()
        opt.step()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs")
    ap.add_argument("--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared" / "reference"))
    ap.add_argument("--only", help="one preset")
    args = ap.parse_args()
    data_dir = Path(args.data_dir)
    print(f"numpy {np.__version__}; best of {args.repeat}; seconds of the training loop alone")
    print(f"{'preset':<20} {'core':>8} {'textbook':>9} {'torch':>8} {'textbook/core':>14} {'torch/core':>11}")
    for name in COURSE_PRESETS:
        if args.only and name != args.only:
            continue
        preset = get_preset(name)
        path = data_dir / preset.course_file
        dataset = preset.data.load(str(path) if path.exists() else None)
        core_s = min(_core(preset, dataset) for _ in range(args.repeat))
        text_s = min(_textbook(preset, dataset) for _ in range(args.repeat))
        torch_runs = [_torch(preset, dataset) for _ in range(args.repeat)] if name == "course-reg-none" else [None]
        torch_s = None if None in torch_runs else min(torch_runs)
        torch_txt = f"{torch_s:8.2f}" if torch_s else f"{'-':>8}"
        ratio_t = f"{torch_s / core_s:11.2f}" if torch_s else f"{'-':>11}"
        print(f"{name:<20} {core_s:8.2f} {text_s:9.2f} {torch_txt} {text_s / core_s:14.2f} {ratio_t}")
    print("goal on course-reg-none: textbook/core >= 1.8, torch/core >= 5 (torch timed there only, if installed)")


if __name__ == "__main__":
    main()
