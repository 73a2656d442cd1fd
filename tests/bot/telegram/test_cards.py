import io

import pytest
from PIL import Image

from bot import cards


@pytest.mark.parametrize("language", ["en", "fr"])
def test_card_renders_from_data_as_a_phone_sized_png(language):
    png = cards.render_card(language)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (cards.WIDTH, cards.HEIGHT)
    assert 10_000 < len(png) < 1_000_000  # a real picture, small enough to send quickly


def test_card_has_the_four_steps_911_first_and_the_good_samaritan_line():
    for language in ("en", "fr"):
        card = cards.card_content(language)
        assert [s["icon"] for s in card["steps"]] == ["phone", "naloxone", "breathing", "stay"]
        assert "911" in card["steps"][0]["heading"] and "911" in card["footer"]


def test_text_that_does_not_fit_is_an_error_not_a_cut(monkeypatch):
    long = dict(cards.card_content("en"))
    long["steps"] = [dict(s) for s in long["steps"]]
    long["steps"][1]["detail"] = "word " * 80
    monkeypatch.setattr(cards, "card_content", lambda language="en": long)
    with pytest.raises(cards.CardTextTooLong):
        cards.render_card("en")
