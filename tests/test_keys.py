"""Keys as a learner types them: fast bursts, and one escape rule on every screen (issue 11)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from tutor.app import DLTutorApp, make_app
from tutor.tour import settle

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
SIZE = (100, 30)


def app_for(tmp_path: Path, **start) -> DLTutorApp:
    return make_app(lessons_source=FIXTURES, home=tmp_path, **start)


def burst(app: DLTutorApp, keys: list[str]) -> None:
    """Queue every key at once, as a fast typist (or a paste) does: none waits for the last to be handled."""
    for key in keys:
        char = {"enter": "\r", "tab": "\t"}.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key(key, char))


async def test_diagnose_keys_typed_fast_land_in_their_fields(tmp_path: Path) -> None:
    app = app_for(tmp_path, screen="diagnose")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.focused.id == "train"
        burst(app, [*"0.01", "enter", *"0.11", "enter", *"0.005", "down", *"0.02"])
        await settle(pilot)
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert values["train"] == "0.01" and values["dev"] == "0.11" and values["bayes"] == "0.005"
        assert values["train_dev"] == "0.02"
