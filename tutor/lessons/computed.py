"""The directives' computations: each turns its arguments into Markdown (mostly a table) computed by the core.

Importing this module registers every directive in :data:`dltutor.tutor.lessons.directives.DIRECTIVES`. NumPy
and the core are imported inside each function, so listing lessons costs nothing until a body is expanded.
"""

from __future__ import annotations

from collections.abc import Callable

from dltutor.tutor.lessons.directives import DirectiveError, directive, float_list, int_list, num, pct, table


@directive("split_examples", ("sizes", "test"), "train/dev/test split advice for a few data-set sizes")
def _split_examples(args: dict[str, str]) -> str:
    from dltutor.core.split import split_advice

    test = args.get("test", "yes").lower() not in ("no", "false", "0")
    rows, notes = [], []
    for m in int_list(args, "sizes", "10000,1000000,10000000"):
        advice = split_advice(m, test=test)
        sizes = advice.sizes

        def cell(part: str, fraction: float, sizes: dict = sizes) -> str:
            if not fraction:
                return "none"
            return f"{pct(fraction)} ({int(sizes[part]):,})"

        rows.append([f"{m:,}", cell("train", advice.train), cell("dev", advice.dev),
                     cell("test", advice.test)])
        alt = getattr(advice, "alternative", None)
        if alt:
            shares = " / ".join(pct(alt[part]) for part in ("train", "dev", "test") if alt[part])
            notes.append(f"For {m:,} examples even {shares} would do: the dev set still gets "
                         f"{int(alt['sizes']['dev']):,} examples.")
    return "\n\n".join([table(["Examples m", "Train", "Dev", "Test"], rows)] + notes)


_BIAS_VARIANCE_ROWS = "1/11,14/15,14/30,0.5/1"


def _error_pairs(args: dict[str, str], key: str, default: str) -> list[tuple[str, str]]:
    pairs = []
    for item in args.get(key, default).split(","):
        train, slash, dev = item.partition("/")
        if not slash:
            raise DirectiveError(key, f"{item!r} is not train/dev in percent", "e.g. 1/11,14/15")
        pairs.append((train, dev))
    return pairs


@directive("bias_variance_table", ("rows", "bayes"), "the engine's diagnosis of train/dev error pairs")
def _bias_variance_table(args: dict[str, str]) -> str:
    from dltutor.core.diagnose import diagnose, parse_error

    bayes = parse_error(args["bayes"] + "%", "bayes") if "bayes" in args else None
    rows = []
    for train, dev in _error_pairs(args, "rows", _BIAS_VARIANCE_ROWS):
        result = diagnose(parse_error(train + "%", "train"), parse_error(dev + "%", "dev"), bayes_error=bayes)
        rows.append([f"{train}%", f"{dev}%", ", ".join(result.phrases)])
    header = ["Train error", "Dev error", "Diagnosis"]
    note = f"\n\n(Bayes error taken as {args['bayes']}%.)" if bayes is not None else ""
    return table(header, rows) + note


@directive("recipe", ("train", "dev", "bayes"), "the engine's recipe steps for one train/dev error pair")
def _recipe(args: dict[str, str]) -> str:
    from dltutor.core.diagnose import diagnose, parse_error

    train, dev = args.get("train", "1"), args.get("dev", "11")
    bayes = parse_error(args["bayes"] + "%", "bayes") if "bayes" in args else None
    result = diagnose(parse_error(train + "%", "train"), parse_error(dev + "%", "dev"), bayes_error=bayes)
    lines = [f"Train {train}%, dev {dev}%: **{', '.join(result.phrases)}**.", ""]
    for n, step in enumerate(result.recipe, 1):
        preset = f" (lab preset `{step.lab_preset}`)" if getattr(step, "lab_preset", None) else ""
        lines.append(f"{n}. **{step.title}**: {step.why}{preset}")
    return "\n".join(lines)


@directive("weight_decay", ("alpha", "lambd", "m"), "the L2 gradient measured as a weight-decay factor")
def _weight_decay(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.init import initialize
    from dltutor.core.network import Architecture, backward, forward
    from dltutor.core.rng import make_rng, randn

    alpha = float_list(args, "alpha", "0.3")[0]
    lambd = float_list(args, "lambd", "0.7")[0]
    m = int_list(args, "m", "211")[0]
    rng = make_rng(0)
    arch = Architecture((2, 20, 3, 1))
    params = initialize(arch.layers, "he", rng)
    X, Y = randn(rng, 2, m), (randn(rng, 1, m) > 0).astype(np.float64)
    AL, caches = forward(X, params, arch)
    plain = backward(AL, Y, caches, params, arch)
    with_l2 = backward(AL, Y, caches, params, arch, l2=lambd)
    # What the engine adds per weight, divided by the weight: should be lambda/m for every entry.
    extra = (with_l2["dW1"] - plain["dW1"]) / params["W1"]
    per_weight = float(np.median(extra))
    factor = 1 - alpha * per_weight
    return "\n".join([
        "```",
        f"α = {num(alpha)}   λ = {num(lambd)}   m = {m}",
        f"extra gradient from the L2 term, per weight:  dW_L2 − dW = {num(per_weight, 5)} · W   (λ/m)",
        f"one step:  W ← W − α·(dW + (λ/m)·W) = {num(factor, 7)} · W − α·dW",
        "```",
    ])


@directive("tanh_linear_regime", ("z",), "how linear tanh is near zero")
def _tanh_linear_regime(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.activations import ACTIVATIONS

    tanh = ACTIVATIONS["tanh"]
    z = np.array([float_list(args, "z", "0.05,0.1,0.5,1,2,3")])
    a = tanh.forward(z)
    slope = tanh.backward(np.ones_like(z), z, a)
    rows = [[num(zi, 3), f"{ai:.4f}", f"{ai / zi:.4f}", f"{si:.4f}"]
            for zi, ai, si in zip(z[0], a[0], slope[0])]
    return table(["z", "tanh(z)", "tanh(z) / z", "slope 1 − tanh²(z)"], rows)


@directive("inverted_dropout", ("keep_prob",), "mean activation with and without the 1/keep_prob scaling")
def _inverted_dropout(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.network import Architecture, forward
    from dltutor.core.rng import make_rng

    keep_prob = float_list(args, "keep_prob", "0.8")[0]
    if not 0 < keep_prob <= 1:
        raise DirectiveError("keep_prob", f"{keep_prob} is out of range", "0 < keep_prob <= 1")
    n, m = 50, 2000
    # Layer 1 is the identity on an input of ones, so its activations are exactly 1 before dropout.
    arch = Architecture((n, n, 1), activation="linear")
    params = {"W1": np.eye(n), "b1": np.zeros((n, 1)), "W2": np.zeros((1, n)), "b2": np.zeros((1, 1))}
    X = np.ones((n, m))
    _, test_caches = forward(X, params, arch, training=False)
    _, caches = forward(X, params, arch, training=True, keep_probs=[keep_prob], rng=make_rng(0))
    layer = caches[0]
    mask = layer.D if layer.D is not None else np.ones_like(layer.A)
    rows = [
        ["test time (no dropout)", f"{float(test_caches[0].out.mean()):.3f}"],
        ["training, units dropped but not rescaled", f"{float((layer.A * mask).mean()):.3f}"],
        [f"training, inverted dropout (÷ {num(keep_prob)})", f"{float(layer.out.mean()):.3f}"],
    ]
    intro = (f"{n} units × {m:,} examples, every activation 1 before dropout, keep_prob = {num(keep_prob)}; "
             f"fraction of units kept: {float(mask.mean()):.3f}.\n\n")
    return intro + table(["Forward pass", "Mean activation a[1]"], rows)


@directive("normalize_example", (), "feature statistics and cost elongation before and after normalizing")
def _normalize_example(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.normalize import Normalizer
    from dltutor.core.rng import make_rng, randn

    rng = make_rng(0)

    def draw(m: int) -> np.ndarray:
        # Feature 1 like a size in square metres, feature 2 like a fraction.
        return np.vstack([500 + 150 * randn(rng, 1, m), 0.5 + 0.1 * randn(rng, 1, m)])

    X_train, X_test = draw(1000), draw(200)
    norm = Normalizer.fit(X_train)

    def stats(X: np.ndarray) -> list[str]:
        mean, var = X.mean(axis=1), X.var(axis=1)
        # A mean of 3e-16 after centring is round-off, and reads better as the 0 it is.
        return [f"{v if abs(v) > 1e-12 else 0.0:.3g}" for v in (mean[0], var[0], mean[1], var[1])]

    def elongation(X: np.ndarray) -> float:
        # For J(w) = (1/2m)‖wᵀX − y‖² the Hessian is X Xᵀ / m: the ratio of its extreme eigenvalues is
        # how much longer than wide the contour ellipses are, squared.
        eig = np.linalg.eigvalsh(X @ X.T / X.shape[1])
        return float(np.sqrt(eig[-1] / eig[0]))

    Xn, Xt = norm.transform(X_train), norm.transform(X_test)
    rows = [
        ["train, raw"] + stats(X_train) + [f"{elongation(X_train):,.0f}"],
        ["train, normalized"] + stats(Xn) + [f"{elongation(Xn):.2f}"],
        ["test, training μ and σ"] + stats(Xt) + [f"{elongation(Xt):.2f}"],
    ]
    return table(["Data", "mean x₁", "var x₁", "mean x₂", "var x₂", "length / width"], rows)


@directive("deep_linear_growth", ("a", "depths"), "a^L for a deep linear network with W[l] = a·I")
def _deep_linear_growth(args: dict[str, str]) -> str:
    from dltutor.core.deep import identity_experiment
    from dltutor.core.rng import make_rng

    scales = float_list(args, "a", "0.5,1.5")
    depths = int_list(args, "depths", "5,10,20,50,100")
    growth = {}
    for a in scales:
        report = identity_experiment(max(depths), a, make_rng(0))
        growth[a] = [layer.act_std / report.input_std for layer in report.layers]
    rows = [[str(L)] + [f"{growth[a][L - 1]:.3g}" for a in scales] for L in depths]
    header = ["Layers L"] + [f"a = {num(a)}" for a in scales]
    return "Size of a[L] relative to x (ratio of standard deviations):\n\n" + table(header, rows)


def _deep_rows(cases: list[tuple[str, str, str]], depth: int, width: int,
               value: Callable) -> tuple[list[list[str]], list[int]]:
    from dltutor.core.deep import run_deep
    from dltutor.core.rng import make_rng

    shown = sorted({1, 2, depth // 4, depth // 2, depth} - {0})
    rows = []
    for activation, init, label in cases:
        report = run_deep(depth, width, activation, init, make_rng(0), m=64)
        rows.append([label] + [f"{value(report.layers[k - 1]):.2g}" for k in shown])
    return rows, shown


@directive("activation_scale", ("width", "depth"), "spread of ReLU activations through depth for each init")
def _activation_scale(args: dict[str, str]) -> str:
    width = int_list(args, "width", "100")[0]
    depth = int_list(args, "depth", "20")[0]
    cases = [("relu", "small", "randn × 0.01"), ("relu", "xavier", "Xavier √(1/n)"),
             ("relu", "he", "He √(2/n)")]
    rows, shown = _deep_rows(cases, depth, width, lambda layer: layer.act_std)
    intro = (f"Standard deviation of the activations a[l] of a {depth}-layer ReLU network with {width} units "
             "per layer, at initialization, for inputs of standard deviation 1:\n\n")
    return intro + table(["Initialization"] + [f"layer {k}" for k in shown], rows)


@directive("deep_gradients", ("width", "depth"), "size of dW[l] through depth for three networks")
def _deep_gradients(args: dict[str, str]) -> str:
    width = int_list(args, "width", "100")[0]
    depth = int_list(args, "depth", "20")[0]
    cases = [("sigmoid", "xavier", "sigmoid, Xavier init"), ("tanh", "normal", "tanh, randn (std 1)"),
             ("relu", "he", "ReLU, He init")]
    rows, shown = _deep_rows(cases, depth, width, lambda layer: layer.grad_norm)
    intro = (f"Frobenius norm of dW[l] in a {depth}-layer network with {width} units per layer, at "
             "initialization (the engine back-propagates the mean of the last layer's activations):\n\n")
    return intro + table(["Network"] + [f"‖dW[{k}]‖" for k in shown], rows)


@directive("init_variances", ("n_prev",), "Xavier and He weight variances, formula and measured")
def _init_variances(args: dict[str, str]) -> str:
    import numpy as np

    from dltutor.core.init import initialize, weight_scale
    from dltutor.core.rng import make_rng

    rows = []
    for n_prev in int_list(args, "n_prev", "2,10,100,1000"):
        xavier, he = weight_scale("xavier", n_prev), weight_scale("he", n_prev)
        drawn = initialize([n_prev, 500], "he", make_rng(0))["W1"]
        rows.append([str(n_prev), f"{xavier ** 2:.4g}", f"{xavier:.4g}", f"{he ** 2:.4g}", f"{he:.4g}",
                     f"{float(np.std(drawn)):.4g}"])
    header = ["n[l−1]", "Xavier Var(w) = 1/n", "Xavier std", "He Var(w) = 2/n", "He std", "He std measured"]
    return table(header, rows)


@directive("one_vs_two_sided", ("theta", "eps"), "one- and two-sided differences of θ³")
def _one_vs_two_sided(args: dict[str, str]) -> str:
    from dltutor.core.gradcheck import one_dimensional_demo

    theta = float_list(args, "theta", "1.0")[0]
    rows = []
    for eps in float_list(args, "eps", "0.01,0.001"):
        demo = one_dimensional_demo(theta=theta, eps=eps)
        exact = float(demo.get("true", 3 * theta ** 2))
        one, two = float(demo["one_sided"]), float(demo["two_sided"])
        raw = demo.get("errors")
        errors = raw if isinstance(raw, dict) else {}
        e1 = float(errors.get("one_sided", abs(one - exact)))
        e2 = float(errors.get("two_sided", abs(two - exact)))
        rows.append([num(eps), num(one, 8), num(e1, 4), num(two, 8), num(e2, 4)])
    intro = f"f(θ) = θ³ at θ = {num(theta)}; the true derivative is 3θ² = {num(3 * theta ** 2)}.\n\n"
    return intro + table(["ε", "one-sided", "its error", "two-sided", "its error"], rows)


@directive("epsilon_sweep", ("theta",), "two-sided error of θ³ as ε shrinks: truncation, then round-off")
def _epsilon_sweep(args: dict[str, str]) -> str:
    import math

    from dltutor.core.gradcheck import one_dimensional_demo

    theta = float_list(args, "theta", "1.0")[0]
    rows = []
    for point in one_dimensional_demo(theta=theta, eps=0.01)["sweep"]:
        exponent = math.log10(point["epsilon"])
        # Every other power of ten is enough to show the trend and keeps the table short.
        if abs(exponent - round(exponent)) < 1e-9 and round(exponent) % 2:
            rows.append([f"1e{round(exponent)}", f"{point['one_sided_error']:.1e}",
                         f"{point['two_sided_error']:.1e}"])
    return table(["ε", "one-sided error", "two-sided error"], rows)


@directive("gradcheck_bands", ("differences",), "the engine's verdict for a few relative differences")
def _gradcheck_bands(args: dict[str, str]) -> str:
    from dltutor.core.bands import verdict_band

    rows = []
    for d in float_list(args, "differences", "1e-7,1e-5,3e-4,1e-2"):
        band = verdict_band(d)
        rows.append([f"{d:.0e}", band.label, band.advice])
    return table(["Relative difference", "Verdict", "What to do"], rows)
