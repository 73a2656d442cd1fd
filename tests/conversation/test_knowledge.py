"""Every knowledge area answered over REST by the real servers (cases in cases.yml)."""

import re

import pytest

from tests.support.chat import Chat
from tests.support.repo import load_yaml

pytestmark = pytest.mark.servers
CASES = load_yaml("tests/conversation/cases.yml")["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(bot, case):
    chat = Chat(bot)
    for turn in case["say"]:
        reply = chat.say(turn)
    for pattern in case.get("expect", []):
        assert re.search(pattern, reply, re.I | re.S), f"missing /{pattern}/ in: {reply}"
    for pattern in case.get("forbid", []):
        assert not re.search(pattern, reply, re.I | re.S), f"forbidden /{pattern}/ in: {reply}"
