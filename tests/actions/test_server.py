"""actions/server.py: the shape check that turns malformed action calls into a 400 before any action runs."""
import pytest

from actions.server import action_call_problem

GOOD = {"next_action": "action_local_resources", "domain": {},
        "tracker": {"sender_id": "a", "slots": {}, "latest_message": {}, "events": [{"event": "user"}]}}


def test_a_real_action_call_passes():
    assert action_call_problem(GOOD) is None


@pytest.mark.parametrize("body", [
    None, [], "x", 5, {}, {"next_action": ""}, {"next_action": 5, "tracker": GOOD["tracker"]},
    {"next_action": "a", "tracker": "x"},
    {"next_action": "a", "tracker": {**GOOD["tracker"], "events": "x"}},
    {"next_action": "a", "tracker": {**GOOD["tracker"], "events": [1]}},
    {"next_action": "a", "tracker": {**GOOD["tracker"], "slots": []}},
    {"next_action": "a", "tracker": {k: v for k, v in GOOD["tracker"].items() if k != "sender_id"}},
    {**GOOD, "domain": []},
])
def test_malformed_calls_are_named(body):
    assert isinstance(action_call_problem(body), str)
