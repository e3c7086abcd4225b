"""Train/dev/test split advice, following the course (Week 1, "Train / dev / test sets").

The rule is about absolute sizes, not fixed percentages: on small data the classic 60/20/20 (70/30 without a
test set); on big data dev and test each get about :data:`ENOUGH_HELD_OUT` examples (10,000: enough to tell
two models apart and to trust the final estimate) and everything else goes to training, so 1,000,000
examples split 98/1/1 (the course's answer) and 100,000,000 split 99.98/0.01/0.01; in between, the dev
size grows smoothly from 2,000 to 10,000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dltutor.core.errors import TutorError

#: The course's boundaries between small, medium and big data for splitting.
SMALL_DATA = 10_000
BIG_DATA = 1_000_000
#: Dev (and test) examples that are enough on big data: the course's 10,000 (1% of 1,000,000).
ENOUGH_HELD_OUT = 10_000
#: Largest m that :func:`split_advice` accepts (beyond any real data set; guards against typos like 1e40).
MAX_EXAMPLES = 10**15


def parse_count(value: str | int | float, field: str = "m") -> int:
    """A number of examples: a positive integer, written ``1000000``, ``1,000,000``, ``1_000_000``, ``1e6``.

    Args:
        value: the text or number.
        field: the option name for the error message.

    Returns:
        The count as an int.

    Raises:
        TutorError: for non-numbers, non-integers, counts below 1 or absurdly large counts.
    """
    allowed = f"a whole number of examples from 1 to {MAX_EXAMPLES:.0e}, such as 10000 or 1,000,000"
    if isinstance(value, bool):
        raise TutorError(field, f"expected a number of examples, got {value!r}", allowed)
    if isinstance(value, int):
        number = float(value)
        exact = value
    elif isinstance(value, (float, str)):
        text = value.strip().replace(",", "").replace("_", "") if isinstance(value, str) else value
        try:
            number = float(text)
        except ValueError:
            raise TutorError(field, f"not a number: {value!r}", allowed) from None
        exact = None
    else:
        raise TutorError(field, f"expected a number of examples, got {type(value).__name__}", allowed)
    if not math.isfinite(number):
        raise TutorError(field, f"not a finite number: {value!r}", allowed)
    if number != math.floor(number):
        raise TutorError(field, f"a number of examples must be a whole number, got {value!r}", allowed)
    if number < 1:
        raise TutorError(field, f"need at least one example, got {value!r}", allowed)
    if number > MAX_EXAMPLES:
        raise TutorError(field, f"{value!r} is beyond any real data set", allowed)
    return exact if exact is not None else int(number)


def pad_rows(rows: list[list[str]], indent: str = "  ") -> list[str]:
    """Rows of cells as left-aligned columns two spaces apart."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


@dataclass(frozen=True)
class SplitAdvice:
    """How to split ``m`` examples.

    Attributes:
        m: the number of examples.
        train, dev, test: fractions summing to 1 (``test`` is 0 without a test set).
        sizes: ``{"train": int, "dev": int, "test": int}`` example counts summing to ``m``.
        notes: the reasoning and the rules that always hold.
        regime: ``"small"`` (m <= 10,000), ``"medium"`` or ``"big"`` (m >= 1,000,000).
        with_test: whether a test set is kept.
        alternative: another split that is fine too (same keys as the main split), or ``None``.
    """

    m: int
    train: float
    dev: float
    test: float
    sizes: dict[str, int]
    notes: list[str]
    regime: str
    with_test: bool = True
    alternative: dict[str, object] | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict with ``train``, ``dev``, ``test`` (fractions), ``sizes`` (counts), ``notes``."""
        return {
            "m": self.m,
            "train": self.train,
            "dev": self.dev,
            "test": self.test,
            "sizes": dict(self.sizes),
            "notes": list(self.notes),
            "regime": self.regime,
            "with_test": self.with_test,
            "alternative": None if self.alternative is None else dict(self.alternative),
        }


def _round_half_up(x: float) -> int:
    return int(math.floor(x + 0.5))


def _sizes(m: int, dev: float, test: float) -> dict[str, int]:
    n_dev = _round_half_up(m * dev)
    n_test = _round_half_up(m * test)
    return {"train": m - n_dev - n_test, "dev": n_dev, "test": n_test}


def _fmt_split(train: float, dev: float, test: float, with_test: bool) -> str:
    parts = [train, dev, test] if with_test else [train, dev]
    return "/".join(f"{round(p * 100, 6):g}" for p in parts)


def split_advice(m: int | str, test: bool = True) -> SplitAdvice:
    """Train/dev/test split advice for ``m`` examples, following the course.

    * small data (m <= 10,000): the classic 60/20/20, or 70/30 without a test set;
    * big data (m >= 1,000,000): about 10,000 dev and 10,000 test examples, everything else to training:
      98/1/1 at 1,000,000 (the course's answer), 99.98/0.01/0.01 at 100,000,000;
    * in between, the dev (and test) share falls smoothly: the dev *size* is interpolated geometrically
      between its small-data value at 10,000 (2,000, or 3,000 without test) and 10,000 at 1,000,000, and
      the share rounded to half a percent. So the dev set never shrinks as m grows.

    Args:
        m: number of examples (an int, or text :func:`parse_count` accepts).
        test: keep a test set; without one, the dev set takes the test set's share on small data.

    Returns:
        A :class:`SplitAdvice`.

    Raises:
        TutorError: when ``m`` is not a whole number >= 1.
    """
    m = parse_count(m, "m")
    if not isinstance(test, bool):
        raise TutorError("test", f"expected True or False, got {test!r}", "True or False")
    small_dev = 0.2 if test else 0.3
    notes: list[str] = []
    alternative = None
    if m <= SMALL_DATA:
        regime = "small"
        dev = small_dev
        notes.append(
            f"small data (m <= {SMALL_DATA:,}): the classic rule of thumb "
            + ("60/20/20 train/dev/test" if test else "70/30 train/dev")
            + " is reasonable"
        )
    elif m >= BIG_DATA:
        regime = "big"
        # Absolute sizes, not fixed percentages: about 10,000 each is enough, everything else trains.
        dev = ENOUGH_HELD_OUT / m
        if test:
            notes.append(
                f"big data (m >= {BIG_DATA:,}): dev and test only need to be big enough to compare models (dev) "
                f"and to trust the final estimate (test), about {ENOUGH_HELD_OUT:,} examples each; everything "
                "else goes to training"
                + (" (the course's 98/1/1)" if m == BIG_DATA else
                   f": a smaller share of more data ({_fmt_split(1 - 2 * dev, dev, dev, True)}, not 98/1/1)")
            )
        else:
            notes.append(
                f"big data (m >= {BIG_DATA:,}): the dev set only needs to be big enough to compare models, about "
                f"{ENOUGH_HELD_OUT:,} examples; everything else goes to training"
            )
        if m > BIG_DATA:
            notes.append(
                "a few times more held-out examples is fine too if you can spare them (the course mentions "
                "99.5/0.25/0.25 for very large sets); what matters is the number of examples, not the share"
            )
    else:
        regime = "medium"
        small_size = small_dev * SMALL_DATA
        big_size = ENOUGH_HELD_OUT
        # Geometric interpolation of the dev size between the two anchors, then back to a share.
        w = math.log(m / SMALL_DATA) / math.log(BIG_DATA / SMALL_DATA)
        size = small_size * (big_size / small_size) ** w
        dev = max(0.01, round(size / m * 200) / 200)  # nearest half percent
        notes.append(
            f"medium data: between the classic split at {SMALL_DATA:,} and 98/1/1 at {BIG_DATA:,}, dev"
            + (" and test get" if test else " gets")
            + f" a smaller share but more examples ({_round_half_up(m * dev):,}"
            + (" each)" if test else ")")
        )
    test_frac = dev if test else 0.0
    train = round(1 - dev - test_frac, 10)
    sizes = _sizes(m, dev, test_frac)
    if sizes["dev"] < 1 or (test and sizes["test"] < 1):
        notes.append(f"with only {m} example{'s' if m != 1 else ''} there is nothing to hold out: collect "
                     "more data before comparing models")
    elif m < 100:
        notes.append("with under 100 examples, dev and test errors are very noisy (one example is several "
                     "percent); consider collecting more data")
    notes.append(("dev and test sets must come from the same distribution, the one" if test else
                  "the dev set must come from the same distribution as the data")
                 + " you expect the system to face (e.g. phone photos if users upload phone photos), even if "
                 "training data come from elsewhere")
    if test:
        notes.append("the test set gives an unbiased estimate of the final system's error; if you do not "
                     "need that estimate you may skip it (--no-test)")
    else:
        notes.append("without a test set you tune on the dev set, so its error is an optimistic (biased) "
                     "estimate; people sometimes call such a dev set the 'test set', which is misleading")
    return SplitAdvice(m, train, dev, test_frac, sizes, notes, regime, test, alternative)


def render_split(s: SplitAdvice) -> str:
    """Plain text: the split as percentages and example counts, then the notes."""
    names = ["train", "dev", "test"] if s.with_test else ["train", "dev"]
    fractions = {"train": s.train, "dev": s.dev, "test": s.test}
    head = f"Split for {s.m:,} examples: {_fmt_split(s.train, s.dev, s.test, s.with_test)} " + "/".join(names)
    rows = [[name, f"{round(fractions[name] * 100, 6):g}%", f"{s.sizes[name]:,}"] for name in names]
    lines = [head, ""] + pad_rows([["set", "share", "examples"]] + rows)
    lines += ["", "Notes"] + [f"  - {x}" for x in s.notes]
    return "\n".join(lines)
