import pytest

from actions.protection import CHECK_SLOTS, ActionProtectionVerdict, verdict_parts
from tests.support.trackers import make_tracker


@pytest.mark.parametrize(
    "answers, expected",
    [
        ((True, False, "none", "no"), ["verdict_possession_only", "verdict_footer"]),
        (
            (True, True, "other", "yes"),
            [
                "verdict_possession_only",
                "verdict_beyond_personal",
                "verdict_conditions_other",
                "verdict_warrant_yes",
                "verdict_footer",
            ],
        ),
        (
            (True, False, "possession", "unsure"),
            ["verdict_possession_only", "verdict_conditions_possession", "verdict_warrant_unsure", "verdict_footer"],
        ),
        (
            (False, False, "unspecified", "no"),
            ["verdict_not_involved", "verdict_conditions_unspecified", "verdict_footer"],
        ),
    ],
)
def test_verdict_parts(answers, expected):
    assert verdict_parts(*answers) == expected


async def test_verdict_is_one_message_with_source_and_clears_the_answers(dispatcher):
    slots = {
        "language": "en",
        "gs_involved": True,
        "gs_beyond_personal": True,
        "gs_conditions": "other",
        "gs_warrant": "yes",
    }
    events = await ActionProtectionVerdict().run(dispatcher, make_tracker([], slots), {})
    assert len(dispatcher.messages) == 1
    text = dispatcher.messages[0]["text"]
    assert "simple possession" in text.lower()
    assert "trafficking" in text and "warrant" in text and "another offence" in text
    assert "Source: Health Canada — https://www.canada.ca/" in text
    assert "not legal advice" in text
    assert {(e["name"], e["value"]) for e in events} == {(slot, None) for slot in CHECK_SLOTS}


async def test_only_personal_use_gives_the_protection_without_warnings(dispatcher):
    slots = {"gs_involved": True, "gs_beyond_personal": False, "gs_conditions": "none", "gs_warrant": "no"}
    await ActionProtectionVerdict().run(dispatcher, make_tracker([], slots), {})
    text = dispatcher.messages[0]["text"]
    assert "✅ Simple possession" in text
    assert "⚠️" not in text
