"""How a worker reports to a screen or widget that the learner may have left: one rule for every worker.

A worker thread that shows its progress or result calls a method decorated with :func:`reports` (or calls
:func:`report_to`), or posts a typed message with :func:`post_to`. The call or the message is handled on the
UI thread, and is dropped when the screen is gone or going: the learner moved on, the screen is being
removed, or the app is closing. No worker queries a screen itself.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.screen import Screen

Reporter = TypeVar("Reporter", bound=Callable[..., Any])


def showing(node: DOMNode) -> bool:
    """Is ``node`` on a screen the app still holds, with neither it nor an ancestor being removed?

    A screen that was replaced is pruned child by child before it leaves the DOM: in that window it is still
    attached but its widgets are gone, and a query on it fails. Textual has no public flag for it.
    """
    if not node.is_attached:
        return False
    for part in node.ancestors_with_self:
        if part._pruning or part._closing or part._closed:
            return False
    screen = node if isinstance(node, Screen) else node.screen
    return any(screen in stack for stack in node.app._screen_stacks.values())


def report_to(node: DOMNode, callback: Callable[..., Any], *args: Any) -> bool:
    """Run ``callback(*args)`` on the UI thread while ``node`` is showing; drop it otherwise.

    Every worker that reports to a screen or widget goes through here (or :func:`reports`), so a learner who
    leaves a screen while its worker runs never meets a widget that is gone. From a worker thread the call is
    queued on ``node`` without waiting (the worker goes on working while the UI draws; calls arrive in order)
    and checked again when it runs; on the UI thread it runs at once.

    Returns:
        False when the report was dropped (the node is gone or going, the app is closing): a worker may stop.
    """
    try:
        app = node.app
    except Exception:  # no active app: the app has closed
        return False
    if threading.get_ident() == getattr(app, "_thread_id", None):
        if not showing(node):
            return False
        callback(*args)
        return True
    if not showing(node):
        return False
    try:
        return bool(node.call_later(_deliver, node, callback, args))
    except RuntimeError:  # the app's loop closed while the worker was finishing
        return False


def post_to(node: DOMNode, message: Message) -> bool:
    """Post ``message`` to ``node`` (from any thread) while ``node`` is showing; drop it otherwise.

    The rule of :func:`report_to` for typed messages: queued without waiting, dropped when the node is gone
    or going. A handler that runs later checks :func:`showing` again (the learner may have left meanwhile).

    Returns:
        False when the message was dropped: a worker may stop.
    """
    try:
        if not showing(node):
            return False
        return node.post_message(message)
    except RuntimeError:  # no active app, or its loop closed while the worker was finishing
        return False


def _deliver(node: DOMNode, callback: Callable[..., Any], args: tuple) -> None:
    if showing(node):
        callback(*args)


def reports(method: Reporter) -> Reporter:
    """Decorator for a screen's or widget's method that shows a worker's progress or result.

    Call it from any thread, as a plain method: it runs on the UI thread, and is skipped when the screen is
    gone (see :func:`report_to`). It returns whether the report was delivered or queued.
    """

    @functools.wraps(method)
    def report(self: DOMNode, *args: Any) -> bool:
        return report_to(self, functools.partial(method, self), *args)

    return report  # type: ignore[return-value]
