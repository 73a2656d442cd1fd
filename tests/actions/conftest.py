"""Fixtures for action tests (trackers are built with tests/support/trackers.py)."""

import pytest
from rasa_sdk.executor import CollectingDispatcher


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
