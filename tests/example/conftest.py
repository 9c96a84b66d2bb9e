"""Fixtures for the example's tests: the notes app served by gunicorn, with demo data."""

from __future__ import annotations

import collections.abc as cabc

import pytest

from tests.example.notes_server import NotesDemo, seed_demo, start_notes


@pytest.fixture(scope="module")
def notes_demo(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> cabc.Iterator[NotesDemo]:
    """The notes API on gunicorn (one worker, four threads), with the demo data, per module."""
    instance_path = tmp_path_factory.mktemp("notes-instance")
    root = pytestconfig.rootpath
    with start_notes(root, instance_path, args=["--threads", "4"]) as server:
        password, credentials = seed_demo(instance_path, server.url)
        yield NotesDemo(root, server, server.url, instance_path, password, credentials)
