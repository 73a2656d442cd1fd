"""The bot's content at run time: the one package that opens files under data/.

Actions (actions/), the REST channel (gsdoa_nlu/channels.py), the Telegram bridge and its card (bot/) read texts,
responses, places, sources, the resource directory and the card through this package only. Pure Python (PyYAML);
imports neither Rasa nor spaCy, so the channels in bot/ may use it. The NLU's training components read
data/patterns and data/nlu themselves, at training time.

Two rules, here and nowhere else:
- Path: data/ is found next to this package (the repository root; /app in the images), whatever the working
  directory; the environment variable GSDOA_DATA_DIR overrides it (an installed copy of the package, tests).
- Language: a text in the requested language when the entry has it (non-empty), else English (`en`). A language
  that isn't known (None) gets English too; only the REST channel's own replies, sent before the NLU has decided
  the language, show both languages (`both_languages`).

    from gsdoa_content import text, province_name
    text("ask_province", "fr")            # "Dans quelle province ou quel territoire êtes-vous? …"
    province_name("QC", "en")             # "Quebec"
"""

from gsdoa_content.files import DATA_DIR_ENV, data_dir, load, load_path
from gsdoa_content.places import NATIONAL, city_name, city_provinces, province_name, provinces
from gsdoa_content.responses import response_texts, responses, variant_language
from gsdoa_content.texts import LANGUAGES, both_languages, in_language, text, texts

__all__ = [
    "DATA_DIR_ENV",
    "LANGUAGES",
    "NATIONAL",
    "both_languages",
    "city_name",
    "city_provinces",
    "data_dir",
    "in_language",
    "load",
    "load_path",
    "province_name",
    "provinces",
    "response_texts",
    "responses",
    "text",
    "texts",
    "variant_language",
]
