"""Fuzz the ``dltutor`` command line: every subcommand and option, hostile values and crafted data files.

Each case runs ``tutor.cli.main(argv)`` in this process (fast), with NumPy's RuntimeWarnings turned into
errors, standard input at end of file and a wall-clock limit. A case passes when it ends with exit code 0, or
exit code 2 and exactly one ``error: ...`` line on standard error; a traceback, a stray warning line or a run
past the limit is a failure. A few cases also run ``python -m tutor`` in a subprocess, as a user would.

``tests/test_fuzz_cli.py`` runs a fixed budget with hypothesis; this module also runs a longer campaign and
prints its counts (cases, tracebacks, hangs, other failures)::

    python bench/fuzz_cli.py --cases 3000 [--seed 0] [--subprocess 40]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

#: Commands that open the app, run the whole tour or serve until stopped: fuzzed through a subprocess only,
#: with values that make them stop at once.
APP_COMMANDS = ("lab", "tour", "serve")
#: Seconds a case may take before it counts as a hang (all legitimate values below finish in a few seconds).
CASE_LIMIT = 20.0

#: Values that have broken command lines before: out of range, non-finite, overlong, oddly written.
NASTY = [
    "0", "1", "2", "3", "7", "10", "100", "0.5", "0.01", "1e-7", "-1", "-0", "-1e-7", "nan", "NaN", "inf",
    "-inf", "Infinity", "1e309", "9" * 310, "-" + "9" * 310, "5e-324", "1e-320", "1e30", "1.5", "1e3", "abc",
    "", " ", "0x10", "１", "٣", "2,20,3,1", "2,0,1", "1,1", "0.7,0.3", "0.5,0.5,0.5", ",,", "%", "50%", "1%",
    "100%", "1e-300", "2e-308", "1.7976931348623157e308", "\x1b[31mred", "a\nb", "../..", "/", ".", "~",
    "x" * 300, "y" * 100_000, "é" * 200, "relu", "sigmoid", "tanh", "linear", "leaky_relu", "he", "xavier",
    "zeros", "random", "normal", "small", "identity", "full", "sampled", "fast", "circles", "moons",
    "course-2d", "1:b,2:a+c", "1:z", "99:a", "dropout", "bias-variance", "summary", "course",
]
#: Words that go into questions for ``ask``.
QUESTION_WORDS = ["what", "is", "dropout", "train", "dev", "error", "%", "examples", "split", "million",
                  "epsilon", "difference", "9" * 310, "1e309", "nan", "inf", "-1", "0.5", "1e-7", "?", "k",
                  "lambda", "keep_prob", "1,000,000", "10^400", "ten", "hundred", "Bayes", "human"]


# --- crafted data files ---------------------------------------------------------------------------------

def _npy_bytes(shape: tuple[int, ...], descr: str = "<f8", payload: bytes = b"") -> bytes:
    header = f"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}"
    header += " " * (118 - len(header)) + "\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode() + payload


def crafted_files(folder: Path) -> list[str]:
    """Write the hostile data and learner files into ``folder``; returns their paths (and a few missing)."""
    import numpy as np

    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []

    def add(name: str, data: bytes | str) -> None:
        p = folder / name
        p.write_bytes(data.encode() if isinstance(data, str) else data)
        paths.append(p)

    buf = io.BytesIO()
    np.save(buf, np.ones((3, 3)))
    add("npy-named.npz", buf.getvalue())
    ok = folder / "ok.npz"
    rng = np.random.default_rng(0)
    np.savez_compressed(ok, X=rng.standard_normal((2, 40)), Y=(rng.random((1, 40)) > 0.5).astype(float))
    paths.append(ok)
    raw = bytearray(ok.read_bytes())
    for i in range(60, min(len(raw) - 30, 200)):
        raw[i] ^= 0x5A
    add("corrupt.npz", bytes(raw))
    add("truncated.npz", ok.read_bytes()[: len(ok.read_bytes()) // 2])
    with zipfile.ZipFile(folder / "huge-header.npz", "w") as z:
        z.writestr("X.npy", _npy_bytes((100_000, 1_000_000)))
        z.writestr("Y.npy", _npy_bytes((1, 1_000_000)))
    paths.append(folder / "huge-header.npz")
    with zipfile.ZipFile(folder / "lying-header.npz", "w") as z:
        z.writestr("X.npy", _npy_bytes((2, 10), payload=b"\0" * 8))
        z.writestr("Y.npy", _npy_bytes((1, 10), payload=b"\0" * 80))
    paths.append(folder / "lying-header.npz")
    np.savez(folder / "objects.npz", X=np.array([[1, "a"]], dtype=object), Y=np.array([1, 0]))
    paths.append(folder / "objects.npz")
    np.savez(folder / "strings.npz", X=np.array([["a", "b"], ["c", "d"]]), Y=np.array([0, 1]))
    paths.append(folder / "strings.npz")
    np.savez(folder / "complex.npz", X=np.ones((2, 4)) * 1j, Y=np.array([0, 1, 0, 1]))
    paths.append(folder / "complex.npz")
    np.savez(folder / "empty.npz")
    paths.append(folder / "empty.npz")
    np.savez(folder / "huge-values.npz", X=np.full((2, 6), 1e308), Y=np.array([0, 1, 0, 1, 0, 1]))
    paths.append(folder / "huge-values.npz")
    np.savez(folder / "tiny-values.npz", X=np.full((2, 6), 5e-324), Y=np.array([0, 1, 0, 1, 0, 1]))
    paths.append(folder / "tiny-values.npz")
    np.savez(folder / "constant.npz", X=np.zeros((2, 6)), Y=np.array([0, 1, 0, 1, 0, 1]))
    paths.append(folder / "constant.npz")
    add("big-label.csv", "1,2,0\n3,4,1\n5,6,1700000000\n")
    add("many-classes.csv", "".join(f"{i},{i},{i}\n" for i in range(3000)))
    add("label-310-digits.csv", f"1,2,0\n3,4,{'9' * 310}\n")
    add("nan.csv", "1,2,0\nnan,4,1\n")
    add("inf.csv", "1,2,0\ninf,4,1\n")
    add("huge.csv", "1e308,2,0\n1e308,4,1\n-1e308,4,1\n")
    add("bom.csv", "\ufeffx1,x2,y\n1,2,0\n3,4,1\n5,6,0\n7,8,1\n")
    add("binary.csv", bytes(range(256)) * 4)
    add("utf16.csv", "1,2,0\n3,4,1\n".encode("utf-16"))
    add("ragged.csv", "1,2,0\n3,1\n")
    add("one-column.csv", "0\n1\n")
    add("empty.csv", "")
    add("header-only.csv", "a,b,y\n")
    add("garbage.mat", b"MATLAB 5.0 MAT-file" + bytes(200))
    add("syntax.py", "def forward_propagation(X, Y, parameters:\n")
    add("empty.py", "")
    add("escape.py", "print('\\x1b[2J\\x1b[31mred')\n")
    add("exits.py", "import os\nos._exit(3)\n")
    (folder / "a-folder.csv").mkdir(exist_ok=True)
    paths.append(folder / "a-folder.csv")
    fifo = folder / "fifo.csv"
    with contextlib.suppress(OSError, AttributeError):
        if not fifo.exists():
            os.mkfifo(fifo)
        paths.append(fifo)
    names = [str(p) for p in paths]
    names += [str(folder / ("n" * 300 + ".csv")), str(folder / ("n" * 300 + ".py")), "d" * 300,
              str(folder / "missing.npz"), str(folder / "ok.npz" / "below.csv"), "/dev/zero", "/dev/null",
              str(folder / "ok.npz") + "\0"]
    return names


# --- cases ----------------------------------------------------------------------------------------------

@dataclass
class Option:
    flag: str
    takes_value: bool
    choices: list[str] = field(default_factory=list)


def command_options() -> dict[str, tuple[list[Option], bool]]:
    """Every subcommand's options, and whether it takes positional words, read from the parser itself."""
    from dltutor.tutor.cli import build_parser

    parser, _ = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    out = {}
    for name, p in sub.choices.items():
        options, positional = [], False
        for action in p._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not action.option_strings:
                positional = True
                continue
            takes = action.nargs != 0
            options.append(Option(action.option_strings[-1], takes, [str(c) for c in action.choices or []]))
        out[name] = (options, positional)
    return out


def random_case(rnd: random.Random, options: dict, files: list[str]) -> list[str]:
    """One argument list: a command, a few of its options with hostile values, maybe positional words."""
    names = [n for n in options if n not in APP_COMMANDS]
    command = rnd.choice(names)
    opts, positional = options[command]
    argv = [command]
    chosen = rnd.sample(opts, k=min(len(opts), rnd.choice([0, 1, 1, 2, 2, 3, 4])))
    file_options = [o for o in opts if o.flag in ("--data", "--file") and o not in chosen]
    if file_options and rnd.random() < 0.5:  # the crafted files are the richest source of failures
        chosen.insert(0, file_options[0])
    for opt in chosen:
        if not opt.takes_value:
            argv.append(opt.flag)
            continue
        pool = NASTY + files + opt.choices * 3
        if opt.flag in ("--data", "--file"):
            pool = files * 3 + NASTY
        value = rnd.choice(pool)
        argv += [f"{opt.flag}={value}"] if value.startswith("-") else [opt.flag, value]
    if positional:
        if command == "ask":
            argv += rnd.sample(QUESTION_WORDS, k=rnd.randint(1, 6))
        else:
            argv.append(rnd.choice(NASTY))
    if rnd.random() < 0.04:
        argv.append(rnd.choice(["--nope", "--json", "extra", "-x"]))
    return argv


# --- running a case -------------------------------------------------------------------------------------

class _Hang(BaseException):
    pass


@dataclass
class Outcome:
    argv: list[str]
    kind: str  # ok | error | traceback | hang | bad-output
    detail: str = ""
    seconds: float = 0.0


def _limit(seconds: float):
    def on_alarm(signum, frame):
        raise _Hang()

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    return old


def run_case(argv: list[str], limit: float = CASE_LIMIT) -> Outcome:
    """Run one argument list through ``tutor.cli.main`` in this process and classify what happened."""
    from dltutor.tutor.cli import main

    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    old = _limit(limit)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                _stdin(io.StringIO("")):
            warnings.simplefilter("error", RuntimeWarning)
            try:
                code = main(list(argv))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except _Hang:
        return Outcome(argv, "hang", f"no answer within {limit:g} s", time.perf_counter() - started)
    except BaseException:  # noqa: BLE001 - a traceback is what this looks for
        return Outcome(argv, "traceback", traceback.format_exc(limit=-6), time.perf_counter() - started)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return _classify(argv, code, err.getvalue(), time.perf_counter() - started)


@contextlib.contextmanager
def _stdin(stream):
    old = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = old


def _classify(argv: list[str], code: int, stderr: str, seconds: float) -> Outcome:
    lines = [line for line in stderr.splitlines() if line.strip()]
    if "Traceback (most recent call last)" in stderr:
        return Outcome(argv, "traceback", stderr[-2000:], seconds)
    if code == 0:
        stray = [line for line in lines if "Warning" in line]
        return Outcome(argv, "bad-output" if stray else "ok", "\n".join(stray), seconds)
    if code == 2 and len(lines) == 1 and lines[0].startswith("error: ") and len(lines[0]) <= 2000:
        return Outcome(argv, "error", lines[0], seconds)
    if code == 1 and (not lines or lines[0].startswith("error in your file: ")):
        # the learner's own code failed (gradcheck --file), or a question was answered "no": a clear answer
        return Outcome(argv, "error", stderr[:300], seconds)
    if code == 130:  # "interrupted": an answer to a question cut short by end of input
        return Outcome(argv, "ok", stderr, seconds)
    return Outcome(argv, "bad-output", f"exit {code}: {stderr[-1500:]}", seconds)


def run_subprocess(argv: list[str], limit: float = 60.0, home: str | None = None) -> Outcome:
    """Run ``python -m tutor ARGV`` as a user would (stdin closed) and classify the result."""
    argv = [a.replace("\0", "") for a in argv]  # a command line cannot carry NUL: no user can type one
    env = dict(os.environ, PYTHONPATH=str(ROOT), TEXTUAL_ANIMATIONS="none")
    if home:
        env["DLTUTOR_HOME"] = home
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, "-m", "dltutor.tutor", *argv], capture_output=True, text=True,
                              errors="replace", timeout=limit, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return Outcome(argv, "hang", f"no answer within {limit:g} s", limit)
    return _classify(argv, proc.returncode, proc.stderr, time.perf_counter() - started)


def subprocess_cases(rnd: random.Random, options: dict, files: list[str], n: int) -> list[list[str]]:
    """Cases for the app commands (with values that make them stop at once) and a few random others."""
    cases = [["lab", "--preset", rnd.choice(NASTY)], ["tour", "--screenshots", rnd.choice(files)], ["lab"], [],
             ["serve", "--host", "h" * 300], ["serve", "--port", rnd.choice(["0", "70000", "abc", "-1", "9" * 310])],
             ["serve", "--public-url", rnd.choice(NASTY)]]
    while len(cases) < n:
        cases.append(random_case(rnd, options, files))
    return cases[:n]


# --- the campaign ---------------------------------------------------------------------------------------

def campaign(cases: int, seed: int, subprocesses: int, verbose: bool = False) -> dict[str, int]:
    """Run ``cases`` in-process cases and ``subprocesses`` subprocess cases; returns the counts by outcome."""
    import numpy as np  # noqa: F401  (load once, outside the first case's time limit)

    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource  # a runaway allocation is a counted failure (MemoryError), not a machine swapping

        resource.setrlimit(resource.RLIMIT_AS, (8 * 2**30, resource.getrlimit(resource.RLIMIT_AS)[1]))

    rnd = random.Random(seed)
    options = command_options()
    counts = {"cases": 0, "ok": 0, "error": 0, "traceback": 0, "hang": 0, "bad-output": 0}
    failures: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="dltutor-fuzz-") as tmp:
        os.environ["DLTUTOR_HOME"] = str(Path(tmp) / "home")
        files = crafted_files(Path(tmp) / "files")
        todo = [("in", random_case(rnd, options, files)) for _ in range(cases)]
        todo += [("sub", argv) for argv in subprocess_cases(rnd, options, files, subprocesses)]
        for where, argv in todo:
            outcome = run_case(argv) if where == "in" else run_subprocess(argv, home=str(Path(tmp) / "home"))
            counts["cases"] += 1
            counts[outcome.kind] += 1
            if outcome.kind in ("traceback", "hang", "bad-output"):
                failures.append(outcome)
                if verbose:
                    print(f"[{outcome.kind}] {_shown(argv)}\n{outcome.detail}\n", file=sys.stderr)
    seen = set()
    for f in failures:
        key = (f.kind, f.detail.strip().splitlines()[-1] if f.detail.strip() else "")
        if key not in seen:
            seen.add(key)
            print(f"{f.kind}: {_shown(f.argv)}\n    {key[1][:300]}")
    return counts


def _shown(argv: list[str]) -> str:
    return " ".join(a if len(a) < 60 else a[:40] + f"...({len(a)} chars)" for a in argv)


def _main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--subprocess", type=int, default=30, dest="subprocesses")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    counts = campaign(args.cases, args.seed, args.subprocesses, args.verbose)
    print(", ".join(f"{k} {v}" for k, v in counts.items()) + f" ({time.perf_counter() - started:.0f} s)")
    return 1 if counts["traceback"] or counts["hang"] or counts["bad-output"] else 0


if __name__ == "__main__":
    sys.exit(_main())
