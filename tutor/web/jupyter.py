"""The JupyterHub launcher entry: jupyter-server-proxy starts ``dltutor serve`` for each learner.

Registered as the ``dltutor`` entry point in the ``jupyter_serverproxy_servers`` group, so on any Jupyter
server where the package and jupyter-server-proxy are installed, "dltutor" appears in the launcher and
``/user/NAME/dltutor/`` opens the learner's own tutor (their own process and data folder).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ICON = Path(__file__).resolve().parent / "static" / "dltutor.svg"


def setup_dltutor() -> dict[str, Any]:
    """The server-process description that jupyter-server-proxy asks for."""
    return {
        # {port} is chosen by the proxy; the server binds to this machine only, the proxy is its only client.
        "command": [sys.executable, "-m", "dltutor.tutor", "serve", "--host", "127.0.0.1", "--port", "{port}"],
        "timeout": 60,
        "absolute_url": False,  # the proxy strips /user/NAME/dltutor: the page's relative URLs keep it
        "new_browser_tab": True,
        "launcher_entry": {"enabled": True, "title": "dltutor", "icon_path": str(ICON), "category": "Notebook"},
    }
