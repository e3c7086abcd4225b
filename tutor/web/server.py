"""Serve the tutor to browsers with textual-serve: one app process per tab, none left behind.

textual-serve starts the app through a shell and, when a tab closes, asks it to quit and waits for as long as
it takes. A tutor busy training (or stopped) would then stay behind with nobody to see it. Here each tab's
app is started directly in a session of its own, asked to quit when its tab goes, and ended (SIGTERM, then
SIGKILL) if it has not quit within a few seconds; stopping the server ends every tab's app the same way.

The page is our own template: every URL in it is relative (the same page works at ``/`` and under a
proxy's prefix such as JupyterHub's ``/user/NAME/dltutor/``) and it loads nothing from the internet (the
upstream page fetches a web font).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

HERE = Path(__file__).resolve().parent

#: Seconds a tab's app gets to quit after its tab closed, then seconds between SIGTERM and SIGKILL.
QUIT_GRACE = 5.0
TERM_GRACE = 3.0


def app_argv() -> list[str]:
    """The command that runs one tab's app: this Python, so the served app is the installed one."""
    return [sys.executable, "-m", "dltutor.tutor"]


def is_local(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (loopback names and addresses)."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class TabApp(AppService):
    """One tab's app process: started without a shell in its own session, always ended with its tab."""

    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        super().__init__(" ".join(argv), **kwargs)
        self.argv = argv
        self._ended = False

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        environment = self._build_environment(width=width, height=height)
        process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,  # its own process group: ending the tab ends everything it started
        )
        self._process = process
        assert process.stdin is not None
        self._stdin = process.stdin
        return process

    async def stop(self) -> None:
        """Ask the app to quit; end its process group if it has not quit within :data:`QUIT_GRACE` s."""
        if self._ended:
            return
        self._ended = True
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError, ConnectionError):
            await asyncio.wait_for(super().stop(), QUIT_GRACE)
        await self._end_process()

    async def _end_process(self) -> None:
        process = self._process
        if process is None:
            return
        for sig, grace in ((signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, None)):
            if process.returncode is not None:
                break
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, sig)
            if grace is None:
                break
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), grace)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(process.wait(), TERM_GRACE)


class TutorServer(Server):
    """textual-serve's server with :class:`TabApp` processes, the tutor's own page and a clean shutdown.

    Args:
        host: the address to bind (``127.0.0.1`` by default: this machine only).
        port: the port to listen on.
        public_url: the address browsers reach the server at, when it differs (a proxy); default the
            page's own address.
        argv: the command for one tab's app (tests may pass another).
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 8000, public_url: str | None = None,
                 argv: list[str] | None = None) -> None:
        self.argv = list(argv or app_argv())
        super().__init__(" ".join(self.argv), host=host, port=port, title="dltutor", public_url=public_url,
                         templates_path=HERE / "templates")
        self.given_public_url = public_url
        self.tabs: set[TabApp] = set()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_static("/static-dltutor", HERE / "static", name="static-dltutor")
        return app

    async def on_startup(self, app: web.Application) -> None:
        url = self.given_public_url or f"http://{self.host}:{self.port}/"
        self.console.print(f"dltutor is served at {url}  (one tutor per browser tab; Ctrl+C stops the server)",
                           highlight=False)

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(*(tab.stop() for tab in list(self.tabs)), return_exceptions=True)

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        return {"font_size": to_int(request.query.get("fontsize", "16"), 16),
                "application": {"name": self.title}}

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=15)
        width = min(max(to_int(request.query.get("width", "80"), 80), 10), 1000)
        height = min(max(to_int(request.query.get("height", "24"), 24), 5), 500)
        tab: TabApp | None = None
        try:
            await websocket.prepare(request)
            tab = TabApp(self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                         close=websocket.close, download_manager=self.download_manager, debug=self.debug)
            self.tabs.add(tab)
            await tab.start(width, height)
            await self._process_messages(websocket, tab)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await websocket.close()
        except Exception:  # a broken connection ends that tab only, never the server
            pass
        finally:
            if tab is not None:
                await tab.stop()
                self.tabs.discard(tab)
        return websocket


def serve(host: str = "127.0.0.1", port: int = 8000, public_url: str | None = None) -> None:
    """Run the server until Ctrl+C or SIGTERM (blocking)."""
    TutorServer(host=host, port=port, public_url=public_url).serve()
