"""``dltutor serve``: the tutor in a browser tab (textual-serve; the ``web`` extra)."""

from __future__ import annotations

import argparse
import sys

from dltutor.core.errors import TutorError

NAME = "serve"
HELP = "serve the tutor to web browsers (one tutor per tab; needs: pip install 'dltutor[web]')"
ORDER = 70

INSTALL_HINT = "pip install 'dltutor[web]'"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a port number (allowed: 1 to 65535)") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is out of range (allowed: 1 to 65535)")
    return value


def _web_address(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not a web address "
                                         "(allowed: an address starting with http:// or https://)")
    return text


def _host(text: str) -> str:
    """A host name or address the server can bind to (a name of 300 characters fails in the idna codec)."""
    try:
        ok = 0 < len(text) <= 253 and text == text.strip() and bool(text.encode("idna"))
    except UnicodeError:
        ok = False
    if not ok:
        raise argparse.ArgumentTypeError(f"{text[:60]!r} is not a host name or address "
                                         "(allowed: an address such as 127.0.0.1 or 0.0.0.0, or a host name)")
    return text


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", type=_host,
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--public-url", metavar="URL", type=_web_address,
                   help="the address browsers use, when a proxy stands in front (shown at start)")


def run(args: argparse.Namespace) -> int:
    try:
        from dltutor.tutor.web.server import is_local, serve
    except ImportError as exc:
        raise TutorError("serve", f"the web extra is not installed ({exc.name} is missing)",
                         f"install it with: {INSTALL_HINT}") from None
    if not is_local(args.host):
        sys.stderr.write(f"warning: listening on {args.host}: anyone who can reach this address can use the "
                         "tutor and its saved progress. Use --host 127.0.0.1 to keep it to this machine.\n")
    try:
        serve(host=args.host, port=args.port, public_url=args.public_url)
    except OSError as exc:
        raise TutorError("--port", f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc})",
                         "a free port, such as --port 8001") from None
    return 0
