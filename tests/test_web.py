"""The tutor in a browser: ``dltutor serve`` driven in headless Chromium, and through jupyter-server-proxy."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from dltutor.tutor.cli import main
from tests.web_helpers import (
    CHROMIUM_ARGS,
    REPO,
    TerminalTab,
    app_processes,
    children_of,
    chromium_path,
    free_port,
    served,
    wait_for_port,
    wait_until,
)

pytestmark = pytest.mark.timeout(240)


def _browser_or_skip():
    if chromium_path() is None:
        pytest.skip("no Chromium here (apt-get install chromium); .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install '.[test]')")
    pytest.importorskip("textual_serve", reason="the web extra is not installed (pip install '.[web]')")
    pytest.importorskip("pyte", reason="pyte is not installed (pip install '.[test]')")
    return sync_playwright


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _context(browser):
    return browser.new_context(viewport={"width": 1100, "height": 700})


def _progress(home: Path) -> dict:
    return json.loads((home / "progress.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------- the command


def test_serve_without_the_web_extra_names_the_install_command():
    code = ("import sys; sys.modules['textual_serve'] = None\n"
            "from dltutor.tutor.cli import main; raise SystemExit(main(['serve', '--port', '8123']))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 2
    assert out.stderr.startswith("error: serve: the web extra is not installed")
    assert "pip install 'dltutor[web]'" in out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("argv, field", [
    (["serve", "--port", "0"], "--port"),
    (["serve", "--port", "70000"], "--port"),
    (["serve", "--port", "http"], "--port"),
    (["serve", "--public-url", "example.org/tutor"], "--public-url"),
])
def test_serve_refuses_bad_options(argv, field, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {field}") and "allowed" in err


def test_serve_binds_to_this_machine_unless_told_and_warns_when_told(monkeypatch, capsys):
    pytest.importorskip("textual_serve", reason="the web extra is not installed")
    import dltutor.tutor.web.server as server

    calls = []
    monkeypatch.setattr(server, "serve", lambda **kw: calls.append(kw))
    assert main(["serve"]) == 0
    assert calls[-1]["host"] == "127.0.0.1" and calls[-1]["port"] == 8000
    assert "warning" not in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--port", "8080"]) == 0
    err = capsys.readouterr().err
    assert calls[-1]["host"] == "0.0.0.0" and "warning: listening on 0.0.0.0" in err
    assert "anyone who can reach this address" in err


def test_a_port_in_use_is_a_clear_error():
    pytest.importorskip("textual_serve", reason="the web extra is not installed")
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run([sys.executable, "-m", "dltutor.tutor", "serve", "--port", str(port)], cwd=REPO,
                             capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith(f"error: --port: cannot listen on 127.0.0.1:{port}")


def test_the_jupyter_launcher_entry_starts_the_server_on_the_proxy_port():
    from dltutor.tutor.web.jupyter import setup_dltutor

    spec = setup_dltutor()
    assert spec["command"][-4:] == ["--host", "127.0.0.1", "--port", "{port}"]
    assert spec["command"][1:4] == ["-m", "dltutor.tutor", "serve"]
    assert spec["launcher_entry"]["title"] == "dltutor"
    assert Path(spec["launcher_entry"]["icon_path"]).is_file()
    points = {ep.name: ep.value for ep in metadata.entry_points(group="jupyter_serverproxy_servers")}
    if "dltutor" not in points:
        pytest.skip("dltutor is not installed with its entry points here (pip install '.[test]')")
    assert points["dltutor"] == "dltutor.tutor.web.jupyter:setup_dltutor"


# ------------------------------------------------------------------------------------------- in a browser


def test_a_tab_shows_the_tutor_keys_work_and_its_app_ends_with_the_tab(browser, tmp_path):
    home = tmp_path / "home"
    with served(home) as (url, server):
        context = _context(browser)
        tab = TerminalTab(context, url)
        shown = tab.wait_for_text("Train, dev and test sets", timeout=60)  # the course map, lessons loaded
        assert "Course map" in shown
        assert len(app_processes(server.pid)) == 1
        tab.click_text("Bias and variance")  # the mouse works: a click on a topic selects it
        tab.wait_for_text("2 · Bias and variance", timeout=20)
        tab.focus()  # the terminal takes the keys
        tab.press("Control+p")  # the command palette opens in the browser too
        tab.wait_for_text("Search for commands", timeout=20)
        tab.press("Escape")
        wait_until(lambda: "Search for commands" not in tab.text(), 20, "the palette to close")
        tab.press("c")
        tab.wait_for_text("Lesson 1", timeout=30)
        tab.wait_for_text("What the training, dev and test sets are for", timeout=30)
        tab.press("Escape")
        tab.wait_for_text("Course map")
        tab.press("l")
        tab.wait_for_text("Learn rate", timeout=30)  # the lab's form
        tab.press("Space")  # a run starts and draws
        tab.wait_for_text("iteration", timeout=60)
        # a browser resize reaches the app, which lays itself out again
        wide = tab.size()
        tab.page.set_viewport_size({"width": 800, "height": 600})
        wait_until(lambda: tab.size()[0] < wide[0], 20, "the terminal to shrink with the window")
        tab.wait_for_text("Learn rate", timeout=30)
        assert tab.outside_requests == []  # offline: the page loads nothing from the internet
        tab.page.close()
        wait_until(lambda: not app_processes(server.pid), 20, "the tab's app to end after its tab closed")
        context.close()
    assert "train-dev-test" in _progress(home)["read"]


def test_two_tabs_at_once_keep_both_learners_progress(browser, tmp_path):
    home = tmp_path / "home"
    with served(home) as (url, server):
        context = _context(browser)
        first, second = TerminalTab(context, url), TerminalTab(context, url)
        for tab in (first, second):
            tab.wait_for_text("Train, dev and test sets", timeout=60)
        assert len(app_processes(server.pid)) == 2
        first.focus()
        first.press("c")
        first.wait_for_text("Lesson 1")
        second.focus()
        second.press("ArrowDown", "ArrowDown", "ArrowDown", "Enter")
        second.wait_for_text("Regularization: L2 and L1")
        wait_until(lambda: (home / "progress.json").exists()
                   and {"train-dev-test", "regularization"} <= set(_progress(home)["read"]), 20,
                   "both tabs' reads saved")
        second.press("Control+q")  # quitting in a tab ends that tab's app only
        wait_until(lambda: len(app_processes(server.pid)) == 1, 20, "the quitting tab's app to end")
        wait_until(lambda: second.page.locator("body.-closed").count() == 1, 20,
                   "the quit tab to say the tutor has closed")
        first.page.close()
        wait_until(lambda: not app_processes(server.pid), 20, "every app to end")
        context.close()


def test_stopping_the_server_ends_every_tab_app(browser, tmp_path):
    with served(tmp_path / "home") as (url, server):
        context = _context(browser)
        tabs = [TerminalTab(context, url) for _ in range(3)]
        for tab in tabs:
            tab.wait_for_text("Train, dev and test sets", timeout=60)
        apps = app_processes(server.pid)
        assert len(apps) == 3
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        for pid in apps:
            wait_until(lambda pid=pid: not _alive(pid), 20, f"app {pid} to end with the server")
        context.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# ------------------------------------------------------------------------------------------- JupyterHub


def test_the_tutor_opens_through_jupyter_server_proxy(browser, tmp_path):
    pytest.importorskip("jupyter_server_proxy", reason="jupyter-server-proxy is not installed")
    points = {ep.name for ep in metadata.entry_points(group="jupyter_serverproxy_servers")}
    if "dltutor" not in points:
        pytest.skip("dltutor's jupyter entry point is not installed here (pip install '.[test]')")
    port = free_port()
    env = dict(os.environ, DLTUTOR_HOME=str(tmp_path / "home"), PYTHONPATH=str(REPO),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jcfg"), JUPYTER_DATA_DIR=str(tmp_path / "jdata"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jrun"), TEXTUAL_ANIMATIONS="none")
    jupyter = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={tmp_path}", "--ServerApp.base_url=/user/learner/"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    servers: list[int] = []
    try:
        wait_for_port(port, jupyter, timeout=60)
        context = _context(browser)
        tab = TerminalTab(context, f"http://127.0.0.1:{port}/user/learner/dltutor/")
        shown = tab.wait_for_text("Train, dev and test sets", timeout=90)
        assert "Course map" in shown
        tab.focus()
        tab.press("c")
        tab.wait_for_text("Lesson 1", timeout=30)
        assert tab.outside_requests == []
        servers = [pid for pid in children_of(jupyter.pid) if b"serve" in _argv(pid)]
        assert len(servers) == 1, "the proxy started one dltutor server"
        tab.page.close()
        context.close()
    finally:
        jupyter.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            jupyter.wait(timeout=20)
        if jupyter.poll() is None:
            jupyter.kill()
            jupyter.wait()
    for pid in servers:  # the proxy ends what it started: nothing is left when the Jupyter server stops
        wait_until(lambda pid=pid: not _alive(pid), 20, f"the proxied server {pid} to end with Jupyter")


def _argv(pid: int) -> list[bytes]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return []
