"""The overdose-response card: a phone-sized picture of the four steps, drawn from data/cards/overdose_response.yml.

Why a picture: someone at an overdose reads a few big words faster than a paragraph, and a photo can be
forwarded as is. Drawn with Pillow from the project's own data (simple shapes, no stock art, no downloads);
the font is DejaVu Sans Bold when the system has it (Debian's fonts-dejavu-core), else Pillow's built-in font.

    python -m bot.cards --lang en --out build/cards/overdose-en.png
"""

from __future__ import annotations

import argparse
import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from gsdoa_content import in_language, load

CARD_NAME = "overdose_response"  # what a response names in `custom: {card: …}` to have this card sent
CARD_FILE = f"cards/{CARD_NAME}.yml"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
WIDTH, HEIGHT = 1080, 1400  # portrait, what phone chat apps show largest
MARGIN = 60
RED, DARK, WHITE, PALE = (200, 16, 46), (25, 25, 25), (255, 255, 255), (255, 240, 240)
STEP_COLOURS = [(200, 16, 46), (0, 94, 184), (0, 122, 77), (110, 60, 160)]


def card_content(language: str = "en") -> dict:
    """The card's texts for a language (the content package's rule: English when the language has none)."""
    return in_language(load(CARD_FILE)["card"], language)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).exists():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: float) -> list[str]:
    """Greedy word wrap to a pixel width. Only ordinary spaces break a line: a non-breaking space (French « 120 min »,
    « Nunavut : ») keeps its words together."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not word:
            continue
        attempt = f"{line} {word}" if line else word
        if draw.textlength(attempt, font=font) <= width or not line:
            line = attempt
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _icon(draw: ImageDraw.ImageDraw, kind: str, box: tuple, colour: tuple) -> None:
    """A simple pictogram in a white circle: phone (911), naloxone (nasal spray), breathing (lungs), stay (heart)."""
    x0, y0, x1, y1 = box
    draw.ellipse(box, fill=WHITE)
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    if kind == "phone":  # the number itself says it best, in any language
        draw.text((cx, cy), "911", font=_font(int(r * 0.75)), fill=colour, anchor="mm")
    elif kind == "naloxone":  # nasal spray: nozzle, collar, plunger
        draw.rounded_rectangle((cx - r * 0.12, cy - r * 0.62, cx + r * 0.12, cy - r * 0.1), 8, fill=colour)
        draw.rectangle((cx - r * 0.42, cy - r * 0.1, cx + r * 0.42, cy + r * 0.05), fill=colour)
        draw.rounded_rectangle((cx - r * 0.22, cy + r * 0.05, cx + r * 0.22, cy + r * 0.62), 8, fill=colour)
    elif kind == "breathing":  # lungs: two lobes and a windpipe
        draw.rectangle((cx - r * 0.06, cy - r * 0.62, cx + r * 0.06, cy - r * 0.05), fill=colour)
        draw.ellipse((cx - r * 0.62, cy - r * 0.35, cx - r * 0.1, cy + r * 0.62), fill=colour)
        draw.ellipse((cx + r * 0.1, cy - r * 0.35, cx + r * 0.62, cy + r * 0.62), fill=colour)
    else:  # stay: a heart
        draw.ellipse((cx - r * 0.56, cy - r * 0.45, cx, cy + r * 0.1), fill=colour)
        draw.ellipse((cx, cy - r * 0.45, cx + r * 0.56, cy + r * 0.1), fill=colour)
        draw.polygon([(cx - r * 0.54, cy - r * 0.08), (cx + r * 0.54, cy - r * 0.08), (cx, cy + r * 0.6)], fill=colour)


class CardTextTooLong(ValueError):
    """A text in the card data doesn't fit its box (shorten it rather than letting the picture cut it)."""


def _fitting(draw: ImageDraw.ImageDraw, text: str, font, width: float, max_lines: int) -> list[str]:
    lines = _wrap(draw, text, font, width)
    if len(lines) > max_lines:
        raise CardTextTooLong(f"{text[:40]!r}… needs {len(lines)} lines, the card has room for {max_lines}")
    return lines


def render_card(language: str = "en") -> bytes:
    """The card as PNG bytes; CardTextTooLong if the data doesn't fit."""
    content = card_content(language)
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    title_font, heading_font, detail_font, footer_font = _font(76), _font(54), _font(34), _font(32)

    draw.rectangle((0, 0, WIDTH, 150), fill=RED)
    _fitting(draw, content["title"], title_font, WIDTH - MARGIN, 1)
    draw.text((WIDTH / 2, 75), content["title"], font=title_font, fill=WHITE, anchor="mm")

    top, step_height, icon = 170, 250, 150
    for number, step in enumerate(content["steps"]):
        colour = STEP_COLOURS[number % len(STEP_COLOURS)]
        y = top + number * step_height
        draw.rounded_rectangle((MARGIN / 2, y, WIDTH - MARGIN / 2, y + step_height - 16), 28, fill=colour)
        _icon(draw, step["icon"], (MARGIN, y + 30, MARGIN + icon, y + 30 + icon), colour)
        text_x = MARGIN + icon + 36
        heading = f"{number + 1}. {step['heading']}"
        _fitting(draw, heading, heading_font, WIDTH - text_x - MARGIN / 2, 1)
        draw.text((text_x, y + 24), heading, font=heading_font, fill=WHITE)
        for row, line in enumerate(_fitting(draw, step["detail"], detail_font, WIDTH - text_x - MARGIN, 3)):
            draw.text((text_x, y + 94 + row * 42), line, font=detail_font, fill=WHITE)

    footer_top = top + len(content["steps"]) * step_height + 4
    draw.rounded_rectangle((MARGIN / 2, footer_top, WIDTH - MARGIN / 2, HEIGHT - MARGIN / 2), 28, fill=PALE)
    for row, line in enumerate(_fitting(draw, content["footer"], footer_font, WIDTH - 2 * MARGIN - 20, 4)):
        draw.text((MARGIN + 10, footer_top + 24 + row * 40), line, font=footer_font, fill=DARK)

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@functools.lru_cache(maxsize=4)
def card_png(language: str = "en") -> bytes:
    """render_card, drawn once per language per process."""
    return render_card(language)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="en")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(render_card(args.lang))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
