"""Datasets (core.data) and input normalization (core.normalize)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dltutor.core.data import (
    COURSE_STANDINS,
    DATASET_NAMES,
    GENERATORS,
    REFLECTIONS,
    Dataset,
    augment,
    course_standin,
    get_dataset,
    load_file,
    make_dataset,
    reflect,
    split,
    split_sizes,
    validate_xy,
)
from dltutor.core.errors import TutorError
from dltutor.core.normalize import Normalizer

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def two_class(m: int = 10, n_x: int = 2) -> tuple[np.ndarray, np.ndarray]:
    X = np.arange(n_x * m, dtype=float).reshape(n_x, m)
    Y = (np.arange(m) % 2).astype(float)[None, :]
    return X, Y


# --------------------------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(GENERATORS))
@pytest.mark.parametrize("m", [4, 101, 400])
def test_generator_shapes_and_labels(name, m):
    X, Y = GENERATORS[name].function(m, 0.1, np.random.default_rng(0))
    assert X.shape == (2, m) and Y.shape == (1, m)
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert set(np.unique(Y)) <= {0.0, 1.0}
    assert np.all(np.isfinite(X))
    if name != "xor":  # xor labels depend on where the uniform points fall; the others are half and half
        assert int(Y.sum()) in (m // 2, m - m // 2)


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generators_are_deterministic_per_seed(name):
    gen = GENERATORS[name].function
    a = gen(200, 0.2, np.random.default_rng(7))
    b = gen(200, 0.2, np.random.default_rng(7))
    c = gen(200, 0.2, np.random.default_rng(8))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name", list(GENERATORS))
def test_declared_reflections_preserve_labels(name):
    """On noise-free data, the nearest original point to a reflected point has the same label.

    A declared reflection must agree almost everywhere (the few misses sit on class boundaries, where the
    nearest neighbour can fall on the other side); an undeclared one must clearly break the labels, so the
    declarations are neither missing nor wrong.
    """
    gen = GENERATORS[name]
    X, Y = gen.function(1000, 0.0, np.random.default_rng(0))
    for r in REFLECTIONS:
        Xr = reflect(X, r)
        d2 = ((Xr[:, :, None] - X[:, None, :]) ** 2).sum(axis=0)
        agreement = np.mean(Y[0, d2.argmin(axis=1)] == Y[0])
        if r in gen.reflections:
            assert agreement >= 0.95, (name, r, agreement)
        else:
            assert agreement <= 0.7, (name, r, agreement)


def test_xor_point_reflection_is_exact():
    X, Y = GENERATORS["xor"].function(500, 0.0, np.random.default_rng(3))
    Xr = reflect(X, "xy")
    np.testing.assert_array_equal((Xr[0] * Xr[1] < 0).astype(float), Y[0])


def test_flower_matches_course_recipe_with_legacy_rng():
    """m=400, noise=0.2, RandomState(1): the course's planar_utils draws, replayed by hand here."""
    X, Y = GENERATORS["flower"].function(400, 0.2, np.random.RandomState(1))
    rs = np.random.RandomState(1)
    t = np.linspace(0, 3.12, 200) + rs.randn(200) * 0.2
    r = 4 * np.sin(4 * t) + rs.randn(200) * 0.2
    np.testing.assert_allclose(X[:, :200], np.c_[r * np.sin(t), r * np.cos(t)].T)
    assert Y[0, :200].sum() == 0 and Y[0, 200:].sum() == 200


# --------------------------------------------------------------------------------------------------------
# make_dataset / Dataset
# --------------------------------------------------------------------------------------------------------


def test_make_dataset_default_split_and_metadata():
    ds = make_dataset("moons", m=400, noise=0.1, rng=0)
    assert ds.train_X.shape == (2, 280) and ds.dev_X.shape == (2, 120) and ds.test_X is None
    assert list(ds.splits()) == ["train", "dev"]
    assert ds.heldout == "dev" and ds.n_features == 2 and ds.n_classes == 2
    assert "moons" in ds.summary() and "train 280" in ds.summary() and "dev 120" in ds.summary()
    assert ds.reflections == GENERATORS["moons"].reflections and not ds.stand_in


def test_make_dataset_three_way_and_deterministic():
    a = make_dataset("circles", m=100, rng=5, ratios=(0.6, 0.2, 0.2))
    b = make_dataset("circles", m=100, rng=np.random.default_rng(5), ratios=(0.6, 0.2, 0.2))
    assert [X.shape[1] for X, _ in a.splits().values()] == [60, 20, 20]
    np.testing.assert_array_equal(a.test_X, b.test_X)
    c = make_dataset("circles", m=100)  # no rng: the fixed default seed, still repeatable
    d = make_dataset("circles", m=100)
    np.testing.assert_array_equal(c.train_X, d.train_X)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "squares"}, "dataset"),
        ({"name": "moons", "m": 3}, "m"),
        ({"name": "moons", "m": 200_001}, "m"),
        ({"name": "moons", "m": 10.5}, "m"),
        ({"name": "moons", "m": True}, "m"),
        ({"name": "moons", "noise": -0.1}, "noise"),
        ({"name": "moons", "noise": 2.5}, "noise"),
        ({"name": "moons", "noise": float("nan")}, "noise"),
        ({"name": "moons", "ratios": (0.5, 0.3)}, "ratios"),
        ({"name": "moons", "rng": "seven"}, "seed"),
    ],
)
def test_make_dataset_refuses_bad_values(kwargs, field):
    with pytest.raises(TutorError) as e:
        make_dataset(**kwargs)
    assert e.value.field == field and str(e.value).startswith(f"{field}:")
    assert e.value.allowed


def test_unknown_dataset_lists_names():
    with pytest.raises(TutorError) as e:
        make_dataset("squares")
    for name in GENERATORS:
        assert name in str(e.value)


def test_dataset_validates_splits():
    X, Y = two_class()
    with pytest.raises(TutorError, match="dev split has no dev_Y"):
        Dataset("d", X, Y, dev_X=X)
    with pytest.raises(TutorError, match="test_X has 3 features but train_X has 2"):
        Dataset("d", X, Y, test_X=np.zeros((3, 10)), test_Y=Y)
    with pytest.raises(TutorError, match="reflections"):
        Dataset("d", X, Y, reflections=("z",))


def test_dataset_converts_to_float64():
    ds = Dataset("d", np.arange(6).reshape(2, 3), np.array([[0, 1, 1]], dtype=np.uint8))
    assert ds.train_X.dtype == np.float64 and ds.train_Y.dtype == np.float64
    assert ds.heldout is None and ds.n_classes == 2


# --------------------------------------------------------------------------------------------------------
# validate_xy and labels
# --------------------------------------------------------------------------------------------------------


def test_nan_message_names_field_split_and_count():
    X, Y = two_class()
    X[0, :3] = np.nan
    with pytest.raises(TutorError) as e:
        validate_xy(X, Y, split="train")
    assert str(e.value) == "data: train_X contains NaN at 3 entries (allowed: finite numbers only)"
    X[0, :3] = np.inf
    with pytest.raises(TutorError, match="train_X contains inf at 3 entries"):
        validate_xy(X, Y, split="train")


def test_class_ids_allowed_only_when_contiguous():
    X, _ = two_class(6)
    X_out, Y_out = validate_xy(X, np.array([[0, 1, 2, 2, 1, 0]]))
    assert Y_out.dtype == np.float64
    assert Dataset("k", X, np.array([[0, 1, 2, 2, 1, 0]])).n_classes == 3
    with pytest.raises(TutorError) as e:
        validate_xy(X, np.array([[0, 2, 2, 0, 2, 0]]))
    assert "not contiguous (missing [1])" in str(e.value) and "0..K-1" in str(e.value)
    for bad in ([[0, 0.5, 1, 1, 0, 0]], [[0, -1, 1, 1, 0, 0]]):
        with pytest.raises(TutorError, match="not class ids"):
            validate_xy(X, np.array(bad))


def test_small_split_may_miss_a_class_but_the_union_may_not():
    X, _ = two_class(6)
    ds = Dataset("k", X, np.array([[0, 1, 2, 2, 1, 0]]), dev_X=X[:, :2], dev_Y=np.array([[2, 2]]))
    assert ds.n_classes == 3
    with pytest.raises(TutorError, match="not contiguous"):
        Dataset("k", X, np.array([[0, 1, 0, 1, 1, 0]]), dev_X=X[:, :2], dev_Y=np.array([[3, 3]]))


@pytest.mark.parametrize(
    ("X", "Y", "match"),
    [
        (np.zeros(5), np.zeros((1, 5)), "must be 2-D"),
        (np.zeros((2, 5)), np.zeros(5), "must have shape"),
        (np.zeros((2, 5)), np.zeros((1, 4)), "5 examples but Y has 4"),
        (np.zeros((2, 0)), np.zeros((1, 0)), "empty"),
        (np.array([["a", "b"]]), np.zeros((1, 2)), "not numeric"),
    ],
)
def test_validate_xy_shapes(X, Y, match):
    with pytest.raises(TutorError, match=match) as e:
        validate_xy(X, Y)
    assert e.value.field == "data"


# --------------------------------------------------------------------------------------------------------
# Course stand-ins
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "sizes", "file"), [("circles", (300, 100), "circles.npz"),
                                                     ("football", (211, 200), "football.npz")])
def test_course_standin_sizes_and_source(name, sizes, file):
    ds = course_standin(name)
    assert ds.train_X.shape == (2, sizes[0]) and ds.train_Y.shape == (1, sizes[0])
    assert ds.test_X.shape == (2, sizes[1]) and ds.test_Y.shape == (1, sizes[1])
    assert ds.dev_X is None and ds.heldout == "test"
    assert ds.stand_in and "stand-in" in ds.source and file in ds.source
    assert set(np.unique(ds.train_Y)) == {0.0, 1.0}
    again = course_standin(f"course-{name}")
    np.testing.assert_array_equal(ds.train_X, again.train_X)
    other = course_standin(name, rng=123)
    assert not np.array_equal(ds.train_X, other.train_X)


def test_football_standin_looks_like_the_goalkeeper_data():
    ds = course_standin("football")
    for X in (ds.train_X, ds.test_X):
        assert X[0].min() >= -0.8 and X[0].max() <= 0.8
        assert X[1].min() >= -0.8 and X[1].max() <= 0.6
    # classes are roughly balanced and mostly separated by a diagonal: a linear rule gets most of them right
    assert 0.35 < ds.train_Y.mean() < 0.65
    score = -0.577 * (ds.train_X[0] + 0.13) + 0.817 * (ds.train_X[1] + 0.06)
    assert np.mean((score > 0) == (ds.train_Y[0] == 1)) > 0.85


def test_circles_standin_geometry():
    ds = course_standin("circles")
    r = np.linalg.norm(ds.train_X, axis=0)
    assert abs(r[ds.train_Y[0] == 0].mean() - 1.0) < 0.02  # outer circle
    assert abs(r[ds.train_Y[0] == 1].mean() - 0.8) < 0.02  # inner circle (sklearn's default factor)


def test_unknown_standin():
    with pytest.raises(TutorError, match="course-circles, course-football"):
        course_standin("gradcheck")
    assert set(COURSE_STANDINS) == {"circles", "football"}


# --------------------------------------------------------------------------------------------------------
# load_file
# --------------------------------------------------------------------------------------------------------


def test_npz_split_keys_round_trip(tmp_path):
    ds = make_dataset("blobs", m=50, rng=1, ratios=(0.6, 0.2, 0.2))
    path = tmp_path / "blobs.npz"
    np.savez(path, train_X=ds.train_X, train_Y=ds.train_Y.astype(np.uint8), dev_X=ds.dev_X, dev_Y=ds.dev_Y,
             test_X=ds.test_X, test_Y=ds.test_Y[0])
    back = load_file(path)
    assert back.name == "blobs.npz" and not back.stand_in and str(path) in back.source
    for name in ("train", "dev", "test"):
        np.testing.assert_array_equal(getattr(back, f"{name}_X"), getattr(ds, f"{name}_X"))
        np.testing.assert_array_equal(getattr(back, f"{name}_Y"), getattr(ds, f"{name}_Y"))
    assert back.train_Y.dtype == np.float64


def test_npz_xy_keys_and_rows_as_examples(tmp_path):
    X, Y = two_class(7, n_x=3)
    np.savez(tmp_path / "a.npz", X=X.T, Y=Y.reshape(7, 1))  # rows are examples: transposed on load
    ds = load_file(tmp_path / "a.npz")
    np.testing.assert_array_equal(ds.train_X, X)
    np.testing.assert_array_equal(ds.train_Y, Y)
    assert ds.heldout is None and list(ds.splits()) == ["train"]


@pytest.mark.parametrize("header", [True, False])
@pytest.mark.parametrize("sep", [",", " ", "\t"])
def test_csv_round_trip(tmp_path, header, sep):
    X, Y = two_class(5)
    lines = (["x1,x2,label"] if header else []) + [
        sep.join(f"{v:g}" for v in (*X[:, j], Y[0, j])) for j in range(5)
    ]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n")
    ds = load_file(path)
    np.testing.assert_array_equal(ds.train_X, X)
    np.testing.assert_array_equal(ds.train_Y, Y)


def test_csv_with_comments_and_class_ids(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text("# three classes\n0.1, 0.2, 0\n0.3, 0.4, 1\n\n0.5, 0.6, 2\n")
    ds = load_file(path)
    assert ds.train_X.shape == (2, 3) and ds.n_classes == 3


def test_mat_round_trip(tmp_path):
    scipy_io = pytest.importorskip("scipy.io")
    X, Y = two_class(8)
    Xv, Yv = two_class(4)
    scipy_io.savemat(tmp_path / "data.mat", {"X": X.T, "y": Y.T, "Xval": Xv.T, "yval": Yv.T})
    ds = load_file(tmp_path / "data.mat")
    np.testing.assert_array_equal(ds.train_X, X)
    np.testing.assert_array_equal(ds.train_Y, Y)
    np.testing.assert_array_equal(ds.test_X, Xv)  # the course evaluates on Xval
    assert ds.dev_X is None and ds.heldout == "test"
    scipy_io.savemat(tmp_path / "three.mat", {"X": X.T, "y": Y.T, "Xval": Xv.T, "yval": Yv.T,
                                             "Xtest": Xv.T, "ytest": Yv.T})
    ds = load_file(tmp_path / "three.mat")
    assert list(ds.splits()) == ["train", "dev", "test"]


def test_mat_without_scipy(tmp_path, monkeypatch):
    path = tmp_path / "data.mat"
    path.write_bytes(b"not really")
    monkeypatch.setitem(sys.modules, "scipy.io", None)  # makes `import scipy.io` raise ImportError
    with pytest.raises(TutorError) as e:
        load_file(path)
    assert e.value.field == "data" and "mat extra" in str(e.value) and "dltutor[mat]" in str(e.value)


def _write(path: Path, content) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    elif isinstance(content, dict):
        np.savez(path, **content)
    return path


@pytest.mark.parametrize(
    ("filename", "content", "match"),
    [
        ("missing.npz", None, "no file at"),
        ("data.txt", "1,2,0\n", "unknown file type '.txt'"),
        ("bad.npz", b"this is not a zip", "cannot read bad.npz"),
        ("keys.npz", {"A": np.zeros((2, 3))}, "has keys \\['A'\\]"),
        ("half.npz", {"train_X": np.zeros((2, 3)), "train_Y": np.zeros((1, 3)), "test_X": np.zeros((2, 2))},
         "no test_Y key"),
        ("shape.npz", {"X": np.zeros((2, 3)), "Y": np.zeros((1, 4))}, "holds 4 labels"),
        ("nan.npz", {"X": np.array([[0.0, np.nan, 1.0]]), "Y": np.array([0, 1, 0])}, "X contains NaN at 1"),
        ("half.npz", {"X": np.zeros((2, 3)), "Y": np.array([0, 0.5, 1])}, "not class ids: 0.5"),
        ("gap.npz", {"X": np.zeros((2, 3)), "Y": np.array([0, 2, 2])}, "not contiguous"),
        ("text.csv", "a,b,label\n1,2,0\n3,x,1\n", "line 3: 'x' is not a number"),
        ("ragged.csv", "1,2,0\n3,4\n", "line 2 has 2 values, earlier rows have 3"),
        ("empty.csv", "x1,x2,label\n", "no data rows"),
        ("narrow.csv", "0\n1\n", "at least one feature and a label"),
        ("labels.csv", "1,2,0\n3,4,0.5\n", "not class ids"),
        # without scipy (the mat extra) the message says how to get it; with it, that the file is unreadable
        ("bad.mat", b"\x00\x01garbage", "cannot read bad.mat|needs the mat extra"),
    ],
)
def test_load_file_errors(tmp_path, filename, content, match):
    path = tmp_path / filename
    if content is not None:
        _write(path, content)
    with pytest.raises(TutorError, match=match) as e:
        load_file(path)
    assert e.value.field == "data" and str(e.value).startswith("data: ") and e.value.allowed


def test_load_file_directory_and_mat_keys(tmp_path):
    (tmp_path / "dir.npz").mkdir()
    with pytest.raises(TutorError, match="is not a file"):
        load_file(tmp_path / "dir.npz")
    scipy_io = pytest.importorskip("scipy.io")
    scipy_io.savemat(tmp_path / "k.mat", {"A": np.zeros((3, 2))})
    with pytest.raises(TutorError, match="keys X, y"):
        load_file(tmp_path / "k.mat")


# --------------------------------------------------------------------------------------------------------
# split
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("m", "ratios", "sizes"),
    [
        (10, (0.7, 0.3), {"train": 7, "dev": 3}),
        (11, (0.6, 0.2, 0.2), {"train": 7, "dev": 2, "test": 2}),
        (3, (0.98, 0.01, 0.01), {"train": 1, "dev": 1, "test": 1}),
        (10, (0.7, 0.0, 0.3), {"train": 7, "test": 3}),
        (10, (1.0, 0.0), {"train": 10}),
        (1_000_000, (0.98, 0.01, 0.01), {"train": 980_000, "dev": 10_000, "test": 10_000}),
    ],
)
def test_split_sizes(m, ratios, sizes):
    assert split_sizes(m, ratios) == sizes


@pytest.mark.parametrize("ratios", [(0.5, 0.3), (0.0, 1.0), (1.2, -0.2), (1.0,), (0.5, 0.25, 0.25, 0.0),
                                    ("a", "b"), (float("nan"), 0.5)])
def test_split_refuses_bad_ratios(ratios):
    with pytest.raises(TutorError) as e:
        split_sizes(10, ratios)
    assert e.value.field == "ratios" and "sum" in e.value.allowed


def test_split_too_few_examples():
    with pytest.raises(TutorError, match="at least 3 examples"):
        split_sizes(2, (0.8, 0.1, 0.1))


@given(m=st.integers(3, 5000), dev=st.floats(0.0, 0.5), test=st.floats(0.0, 0.5))
@settings(max_examples=60, deadline=None)
def test_split_sizes_properties(m, dev, test):
    ratios = (1.0 - dev - test, dev, test)
    if ratios[0] <= 0:
        return
    try:
        sizes = split_sizes(m, ratios)
    except TutorError as e:  # only when rounding leaves nothing for train
        assert e.field == "ratios" and round(dev * m) + round(test * m) >= m - 1
        return
    assert sum(sizes.values()) == m
    assert all(n >= 1 for n in sizes.values())
    for name, r in zip(("dev", "test"), ratios[1:], strict=True):
        assert (name in sizes) == (r > 0)
        if r > 0:
            assert abs(sizes[name] - r * m) <= 1


def test_split_shuffles_and_keeps_pairs():
    m = 50
    X = np.vstack([np.arange(m, dtype=float), np.arange(m, dtype=float) * 10])
    Y = (np.arange(m) % 2).astype(float)[None, :]
    parts = split(X, Y, (0.6, 0.2, 0.2), np.random.default_rng(0))
    cols = np.concatenate([P[0] for P, _ in parts.values()])
    assert sorted(cols) == list(range(m)) and not np.array_equal(cols, np.arange(m))
    for PX, PY in parts.values():
        np.testing.assert_array_equal(PY[0], PX[0] % 2)
        np.testing.assert_array_equal(PX[1], PX[0] * 10)
    again = split(X, Y, (0.6, 0.2, 0.2), np.random.default_rng(0))
    np.testing.assert_array_equal(again["dev"][0], parts["dev"][0])


# --------------------------------------------------------------------------------------------------------
# augment
# --------------------------------------------------------------------------------------------------------


def test_augment_reflections():
    X, Y = two_class(6)
    Xa, Ya = augment(X, Y, rng=0, reflections=("x", "xy"))
    assert Xa.shape == (2, 18) and Ya.shape == (1, 18)
    np.testing.assert_array_equal(Xa[:, :6], X)
    np.testing.assert_array_equal(Xa[:, 6:12], np.vstack([-X[0], X[1]]))
    np.testing.assert_array_equal(Xa[:, 12:], -X)
    np.testing.assert_array_equal(Ya, np.tile(Y, 3))


def test_augment_jitter_and_copies():
    X, Y = two_class(6)
    Xa, Ya = augment(X, Y, rng=np.random.default_rng(0), jitter=0.1, copies=3)
    assert Xa.shape == (2, 24)
    np.testing.assert_array_equal(Ya, np.tile(Y, 4))
    noise = Xa[:, 6:] - np.tile(X, 3)
    assert 0.03 < noise.std() < 0.3 and not np.allclose(noise[:, :6], noise[:, 6:12])
    Xb, _ = augment(X, Y, rng=np.random.default_rng(0), jitter=0.1, copies=3)
    np.testing.assert_array_equal(Xa, Xb)
    Xc, Yc = augment(X, Y, rng=0, jitter=0.05, reflections="y", copies=2)
    assert Xc.shape == (2, 6 * (1 + 2 * 2))  # per copy: a jittered copy and a jittered y-reflection


def test_augment_nothing_to_add_returns_originals():
    X, Y = two_class(4)
    Xa, Ya = augment(X, Y, rng=0)
    np.testing.assert_array_equal(Xa, X)
    np.testing.assert_array_equal(Ya, Y)


def test_augment_keeps_labels_of_declared_reflections():
    ds = make_dataset("flower", m=400, noise=0.0, rng=0)
    Xa, Ya = augment(ds.train_X, ds.train_Y, rng=0, reflections=ds.reflections)
    assert Xa.shape[1] == 2 * ds.train_X.shape[1]
    assert set(np.unique(Ya)) == {0.0, 1.0}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"reflections": ("z",)}, "reflections"), ({"jitter": -1}, "jitter"),
     ({"jitter": float("inf")}, "jitter"), ({"copies": 0}, "copies"), ({"copies": 101}, "copies")],
)
def test_augment_refuses_bad_values(kwargs, field):
    X, Y = two_class(4)
    with pytest.raises(TutorError) as e:
        augment(X, Y, rng=0, **kwargs)
    assert e.value.field == field


def test_augment_reflections_need_two_features():
    X, Y = two_class(4, n_x=3)
    with pytest.raises(TutorError, match="need 2 features"):
        augment(X, Y, rng=0, reflections=("x",))
    assert augment(X, Y, rng=0, jitter=0.1)[0].shape == (3, 8)


# --------------------------------------------------------------------------------------------------------
# get_dataset
# --------------------------------------------------------------------------------------------------------


def test_get_dataset_by_name_standin_and_file(tmp_path):
    assert get_dataset("xor", m=100, noise=0.0, rng=2).train_X.shape == (2, 70)
    assert get_dataset("course-football").stand_in
    X, Y = two_class(20)
    np.savez(tmp_path / "one.npz", X=X, Y=Y)
    ds = get_dataset(tmp_path / "one.npz", ratios=(0.5, 0.5))
    assert ds.train_X.shape == (2, 10) and ds.dev_X.shape == (2, 10) and "split at random" in ds.source
    assert set(DATASET_NAMES) == set(GENERATORS) | {"course-circles", "course-football"}
    np.savez(tmp_path / "two.npz", train_X=X, train_Y=Y, test_X=X[:, :5], test_Y=Y[:, :5])
    ds = get_dataset(str(tmp_path / "two.npz"), ratios=(0.5, 0.5))  # its own splits win
    assert ds.train_X.shape == (2, 20) and ds.test_X.shape == (2, 5) and ds.dev_X is None
    circles = get_dataset("course-circles", rng=np.random.default_rng(9))  # always the course's data
    np.testing.assert_array_equal(circles.train_X, course_standin("circles").train_X)


@pytest.mark.parametrize(
    ("name", "kwargs", "field"),
    [("nothing", {}, "dataset"), ("course-circles", {"m": 10}, "m"),
     ("course-football", {"noise": 0.1}, "noise")],
)
def test_get_dataset_refuses(name, kwargs, field):
    with pytest.raises(TutorError) as e:
        get_dataset(name, **kwargs)
    assert e.value.field == field


# --------------------------------------------------------------------------------------------------------
# Normalizer
# --------------------------------------------------------------------------------------------------------


def test_normalizer_uses_training_statistics_for_dev():
    rng = np.random.default_rng(0)
    train = np.array([[5.0], [-200.0]]) + np.array([[2.0], [50.0]]) * rng.standard_normal((2, 500))
    dev = np.array([[7.0], [0.0]]) + rng.standard_normal((2, 100))
    norm, train_n = Normalizer.fit_transform(train)
    np.testing.assert_allclose(train_n.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(train_n.std(axis=1), 1, atol=1e-12)
    dev_n = norm.transform(dev)
    expected = (dev - train.mean(axis=1, keepdims=True)) / train.std(axis=1, keepdims=True)
    np.testing.assert_allclose(dev_n, expected)
    assert dev_n[0].mean() > 0.5  # dev's own mean is not subtracted: it keeps its shift relative to train
    np.testing.assert_array_equal(Normalizer.fit(train).mu, norm.mu)
    assert norm.mu.shape == (2, 1) and norm.sigma.shape == (2, 1)
    np.testing.assert_allclose(norm.inverse_transform(dev_n), dev)


def test_normalizer_constant_feature():
    X = np.vstack([np.full(10, 3.0), np.arange(10.0)])
    norm = Normalizer.fit(X)
    assert norm.constant == (0,) and norm.sigma[0, 0] == 1.0
    out = norm.transform(X)
    assert np.all(np.isfinite(out)) and np.all(out[0] == 0)
    d = norm.to_dict()
    assert d["constant"] == [0] and d["mu"] == [3.0, 4.5]
    back = Normalizer.from_dict(d)
    np.testing.assert_array_equal(back.sigma, norm.sigma)


def test_normalizer_errors():
    norm = Normalizer.fit(np.ones((2, 5)) * np.arange(5.0))
    with pytest.raises(TutorError) as e:
        norm.transform(np.zeros((3, 4)))
    assert e.value.field == "X" and "3 features" in str(e.value) and "fitted on 2" in str(e.value)
    with pytest.raises(TutorError, match="NaN or inf"):
        Normalizer.fit(np.array([[1.0, np.nan]]))
    with pytest.raises(TutorError, match="2-D"):
        Normalizer.fit(np.zeros(4))


# --------------------------------------------------------------------------------------------------------
# The course's reference files (only where ../shared/reference exists)
# --------------------------------------------------------------------------------------------------------


@pytest.fixture
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference not present")
    return REFERENCE


def test_reference_files_load(reference):
    circles = load_file(reference / "circles.npz")
    assert circles.train_X.shape == (2, 300) and circles.test_X.shape == (2, 100)
    football = load_file(reference / "football.npz")
    assert football.train_X.shape == (2, 211) and football.test_X.shape == (2, 200)
    assert football.train_Y.dtype == np.float64 and football.heldout == "test"


def test_circles_standin_reproduces_course_file(reference):
    real = load_file(reference / "circles.npz")
    ours = course_standin("circles")
    for name in ("train", "test"):
        np.testing.assert_array_equal(getattr(ours, f"{name}_X"), getattr(real, f"{name}_X"))
        np.testing.assert_array_equal(getattr(ours, f"{name}_Y"), getattr(real, f"{name}_Y"))

