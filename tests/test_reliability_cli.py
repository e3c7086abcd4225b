"""Reproducers of the reliability campaign's command-line findings: each is one ``error:`` line and exit 2.

Every case runs through :func:`tutor.cli.main` with NumPy's RuntimeWarnings as errors (pytest's setting), so a
warning printed before the error line fails the test as surely as a traceback.
"""

from __future__ import annotations

import io
import os
import pathlib
import zipfile

import numpy as np
import pytest

from bench.fuzz_cli import _npy_bytes
from dltutor.tutor.cli import main


def one_error_line(capsys, argv: list[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


# --- data files --------------------------------------------------------------------------------------------

def test_a_timestamp_as_class_label_is_refused_without_building_a_range(tmp_path, capsys):
    path = tmp_path / "stamps.csv"
    path.write_text("1,2,0\n3,4,1\n5,6,1700000000\n")
    line = one_error_line(capsys, ["train", "--data", str(path)])
    assert "class id 1700000000" in line and "at most 1,000 classes" in line and "timestamp" in line


def test_contiguity_check_costs_nothing_for_a_huge_label():
    import tracemalloc

    from dltutor.core.data.validate import check_contiguous as _check_contiguous
    from dltutor.core.errors import TutorError

    tracemalloc.start()
    with pytest.raises(TutorError, match="more classes than the tutor handles"):
        _check_contiguous(np.array([0.0, 1.0, 2e7]), "data", "Y")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10_000_000
    with pytest.raises(TutorError, match=r"missing \[1, 3\]"):
        _check_contiguous(np.array([0.0, 2.0, 4.0]), "data", "Y")


def test_a_npy_file_named_npz(tmp_path, capsys):
    path = tmp_path / "single.npz"
    buf = io.BytesIO()
    np.save(buf, np.ones((3, 3)))
    path.write_bytes(buf.getvalue())
    assert ".npy file, not an .npz archive" in one_error_line(capsys, ["train", "--data", str(path)])


def test_a_corrupted_compressed_npz(tmp_path, capsys):
    path = tmp_path / "bad.npz"
    np.savez_compressed(path, X=np.random.default_rng(0).standard_normal((2, 200)), Y=np.ones((1, 200)))
    raw = bytearray(path.read_bytes())
    for i in range(100, 200):
        raw[i] ^= 0x55
    path.write_bytes(bytes(raw))
    line = one_error_line(capsys, ["train", "--data", str(path)])
    assert "cannot read bad.npz as .npz" in line


def test_an_npz_header_declaring_a_huge_shape_is_refused_before_loading(tmp_path, capsys):
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("X.npy", _npy_bytes((100_000, 1_000_000)))
        z.writestr("Y.npy", _npy_bytes((1, 1_000_000)))
    line = one_error_line(capsys, ["train", "--data", str(path)])
    assert "declares shape (100000, 1000000)" in line and "GiB" in line


@pytest.mark.parametrize("command", [["train", "--data"], ["gradcheck", "--file"]])
def test_a_file_name_longer_than_the_file_system_allows(tmp_path, capsys, command):
    ext = ".csv" if command[0] == "train" else ".py"
    long = str(tmp_path / ("a" * 300 + ext))
    line = one_error_line(capsys, command + [long])
    assert "longer than the file system allows" in line and len(line) < 300 and line.count("a" * 81) == 0


@pytest.mark.parametrize("option", ["--data", "--dataset"])
def test_a_long_name_without_a_data_extension(capsys, option):
    line = one_error_line(capsys, ["train", option, "d" * 300])
    assert "longer than the file system allows" in line and len(line) < 300


@pytest.mark.parametrize("command", [["train", "--data"], ["gradcheck", "--file"]])
def test_a_folder_the_user_cannot_enter(tmp_path, capsys, monkeypatch, command):
    locked = tmp_path / "locked"
    locked.mkdir()
    target = locked / ("mine.csv" if command[0] == "train" else "mine.py")
    target.write_text("1,2,0\n")
    if os.geteuid() == 0:  # root enters every folder: make stat fail as it does for a learner
        real_stat = pathlib.Path.stat

        def stat(self, *args, **kwargs):
            if str(self).startswith(str(locked)):
                raise PermissionError(13, "Permission denied", str(self))
            return real_stat(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, "stat", stat)
    else:
        locked.chmod(0)
    try:
        line = one_error_line(capsys, command + [str(target)])
    finally:
        locked.chmod(0o755)
    assert "permission denied" in line


@pytest.mark.parametrize("name", ["pipe.csv", "pipe.py"])
def test_a_fifo_is_refused_without_blocking(tmp_path, capsys, name):
    fifo = tmp_path / name
    os.mkfifo(fifo)
    command = ["train", "--data"] if name.endswith(".csv") else ["gradcheck", "--file"]
    assert "not a regular file" in one_error_line(capsys, command + [str(fifo)])


@pytest.mark.parametrize("option", ["--normalize", "--augment"])
def test_huge_feature_values_are_one_message_without_warnings(tmp_path, capsys, option):
    path = tmp_path / "huge.npz"
    np.savez(path, X=np.full((2, 6), 1e308), Y=np.array([0, 1, 0, 1, 0, 1]))
    line = one_error_line(capsys, ["train", "--data", str(path), option, "--iterations", "2"])
    assert "too large to train on" in line and "jitter" not in line


def test_augment_jitter_message_does_not_contradict_itself():
    from dltutor.core.data import augment
    from dltutor.core.errors import TutorError

    with pytest.raises(TutorError) as exc:
        augment(np.ones((2, 4)), np.array([[0, 1, 0, 1]]), 0, jitter=float("inf"))
    assert "not a finite number" in str(exc.value) and "0 to inf" not in str(exc.value)


# --- numbers and arguments ---------------------------------------------------------------------------------

def test_a_310_digit_number_in_a_question(capsys):
    assert main(["ask", "how", "do", "I", "split", "9" * 310, "examples"]) == 0
    assert "Traceback" not in capsys.readouterr().err


def test_a_subnormal_identity_scale_charts_without_a_domain_error(capsys):
    assert main(["deep", "--identity-scale", "5e-324", "--depth", "2"]) == 0
    assert "layer" in capsys.readouterr().out


def test_power_ticks_stay_positive_floats():
    from dltutor.tutor.charts import power_ticks

    ticks, labels = power_ticks([5e-324, 1e-300])
    assert all(t > 0 for t in ticks) and labels[0] == "1e-307"


@pytest.mark.parametrize("argv", [["train", "--lr", "y" * 100_000], ["lesson", "z" * 100_000],
                                  ["train", "--nope" + "x" * 100_000]])
def test_a_huge_argument_is_cut_in_the_error_line(capsys, argv):
    line = one_error_line(capsys, argv)
    assert len(line) < 400 and "…" in line


def test_control_characters_in_an_error_are_escaped(capsys):
    line = one_error_line(capsys, ["lesson", "\x1b[2Jboom\nsecond"])
    assert "\x1b" not in line and "\\x1b" in line


def test_gradcheck_list_refuses_options_it_would_ignore(capsys):
    line = one_error_line(capsys, ["gradcheck", "--list", "--epsilon=-5", "--mode", "foo"])
    assert "--list" in line and "--epsilon" in line and "--mode" in line
    assert main(["gradcheck", "--list", "--json"]) == 0


def test_gradcheck_list_knows_every_option():
    from dltutor.tutor.cli import build_parser
    from dltutor.tutor.commands.gradcheck import _LIST_IGNORES

    parser, _ = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    flags = {a.option_strings[-1] for a in sub.choices["gradcheck"]._actions if a.option_strings}
    assert flags - {"--help", "--list", "--json"} == {flag for flag, _, _ in _LIST_IGNORES}


@pytest.mark.parametrize("typo", ["--activation=-0", "--init=foo"])
def test_a_typo_with_a_slow_deep_stack_prints_only_the_error(capsys, typo):
    line = one_error_line(capsys, ["deep", "--width", "1e3", typo])
    assert "unknown" in line
