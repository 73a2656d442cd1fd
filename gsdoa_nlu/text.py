"""Plain-text helpers shared by the NLU components: cleaning user input and normalising it for matching.

Pure functions, no spaCy or Rasa imports, so they are cheap to unit-test and reuse.
"""
from __future__ import annotations

import html
import re
import unicodedata
from typing import Optional

# Anything that looks like markup: the bot never renders user text, but tags and entities only confuse
# the classifier ("<img src=x onerror=…> where do I get narcan" is a naloxone question).
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]{0,500}>")
_SCRIPT_BLOCK = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2060\ufeff]")
_MD_NOISE = re.compile(r"(\*\*|__|`{1,3}|~~|\[(?=[^\]]*\]\())|\]\([^)]*\)")
_SPACES = re.compile(r"\s+")

# Personal details people type. They are masked before classification (and therefore never reach a model,
# a slot or a log line written by our code); the user is never shown them back.
_PII_PATTERNS = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    ("URL", re.compile(r"\bhttps?://\S+", re.I)),
    # dates like 1994-03-14, 07/22/1988, 22.07.1988
    ("DATE", re.compile(r"\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b")),
    # North-American phone numbers (not 3-digit service numbers such as 911, 811, 988)
    ("PHONE", re.compile(r"(?<!\d)(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")),
    # long digit groups: health-card, SIN, licence numbers
    ("NUMBER", re.compile(r"(?<!\d)\d{3,4}[\s-]?\d{3}[\s-]?\d{3,4}(?!\d)")),
    # street addresses: "1180 Maple Cres", "22 rue Principale"
    ("ADDRESS", re.compile(
        r"\b\d{1,6}\s+(?:[A-Z][\w'-]*\s+){1,3}(?:st|street|ave|avenue|rd|road|cres|crescent|dr|drive|blvd|"
        r"boulevard|way|lane|ln|court|ct|place|pl|terrace|hwy|highway)\b\.?", re.I)),
    ("ADDRESS", re.compile(r"\b\d{1,6},?\s+(?:rue|avenue|boulevard|chemin|rang|boul\.?)\s+[\w'-]+(\s+[\w'-]+)?", re.I)),
    # "my name is Kelsey Brightwater" / "je m'appelle Marie Tremblay" (the whole phrase goes)
    ("NAME", re.compile(r"(?i:\b(?:my name is|my name's|i am called|call me|je m'appelle|mon nom est)\s+)"
                        r"[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2}")),
    ("POSTAL", re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b", re.I)),
]


def strip_markup(text: str) -> str:
    """Remove HTML/script blocks, tags, HTML entities and Markdown decoration, keeping the words."""
    text = _SCRIPT_BLOCK.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = html.unescape(text)
    text = _TAG.sub(" ", text)  # entities could have hidden a tag: &lt;img&gt;
    return _MD_NOISE.sub(" ", text)


def mask_personal_details(text: str) -> str:
    """Remove e-mails, phone numbers, dates, long ID numbers, addresses, postal codes and stated names
    ("my name is …" goes as a whole). Nothing is put in their place: a word like "address" would itself
    pull the message towards the privacy answers."""
    for _, pattern in _PII_PATTERNS:
        text = pattern.sub(" ", text)
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def focus_on_question(text: str, min_words: int) -> str:
    """For a long message (a story with the question inside), keep the sentences that ask something — or the
    last two sentences — so the classifier sees the question rather than the whole story."""
    if len(text.split()) < min_words:
        return text
    sentences = [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
    if len(sentences) < 3:
        return text
    questions = [s for s in sentences if "?" in s]
    return " ".join(questions[-2:] if questions else sentences[-2:])


def clean_user_text(text: object, max_chars: Optional[int]) -> tuple[str, bool]:
    """Make any user input safe to classify: a string, no control characters or markup, no personal details,
    single-spaced and at most ``max_chars`` long (None: any length). Returns (clean text, whether it was cut)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    truncated = max_chars is not None and len(text) > max_chars
    if truncated:
        text = text[:max_chars]
    text = strip_markup(text)
    text = mask_personal_details(text)
    return _SPACES.sub(" ", text).strip(), truncated


def strip_accents(text: str) -> str:
    """'réveille' -> 'reveille' so patterns match with or without accents (people often skip them)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


_ELISION = re.compile(r"\b(qu|[ljdnmtcs])['’](?=[a-zà-ÿ])", re.I)
_APOSTROPHES = re.compile(r"[’‘`´]")
_REPEATS = re.compile(r"(.)\1{2,}")


_ELISION_TOKEN = re.compile(r"^(jusqu|lorsqu|puisqu|quoiqu|qu|[ljdnmtcs])'$")
_CLITIC = re.compile(r"^'(m|s|re|ll|ve|d)$|^n't$")  # spaCy splits "I'm" -> "I" "'m", "can't" -> "ca" "n't"


def normalize_token(token: str) -> str:
    """One token as the safety nets match it: lower case, no accents, straight apostrophes, a French elision spelled
    out ("l'" -> "le", "qu'" -> "que", "jusqu'" -> "jusque"), an English clitic without its apostrophe ("'m" -> "m",
    "n't" -> "nt": "cant" and "can't" match alike), letters repeated 3+ times squeezed ("helppp" -> "helpp")."""
    text = _APOSTROPHES.sub("'", token.lower())
    text = _ELISION_TOKEN.sub(lambda m: m.group(1) + "e", text)
    text = _CLITIC.sub(lambda m: m.group(1) or "nt", text)  # "'m" -> "m", "n't" -> "nt": typed with or without
    text = _REPEATS.sub(r"\1\1", text)
    return strip_accents(text)


def normalize_for_matching(text: str) -> str:
    """Lower-case, accent-free text with French elisions expanded ("l'ambulance" -> "le ambulance",
    "qu'il" -> "que il"), curly apostrophes straightened and letters repeated 3+ times squeezed
    ("helppp" -> "helpp")."""
    text = _APOSTROPHES.sub("'", text.lower())
    text = _ELISION.sub(lambda m: m.group(1) + "e ", text)
    text = _REPEATS.sub(r"\1\1", text)
    return strip_accents(text)


def has_words(text: str) -> bool:
    """True if the text has at least one letter or digit (emoji-only or punctuation-only input has none)."""
    return any(ch.isalnum() for ch in text)
