"""Plain-text helpers shared by the NLU components: cleaning user input and normalising it for matching.

Pure functions, no spaCy or Rasa imports, so they are cheap to unit-test and reuse.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Anything that looks like markup: the bot never renders user text, but tags and entities only confuse
# the classifier ("<img src=x onerror=…> where do I get narcan" is a naloxone question).
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]{0,500}>")
_SCRIPT_BLOCK = re.compile(r"<\s*(script|style)[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_CONTROL = re.compile(r"[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b\u2060\ufeff]")
_MD_NOISE = re.compile(r"(\*\*|__|`{1,3}|~~|\[(?=[^\]]*\]\())|\]\([^)]*\)")
_SPACES = re.compile(r"\s+")

# Personal details people type. They are masked before classification (and therefore never reach a model,
# a slot or a log line written by our code); the user is never shown them back. Order matters: whole e-mails and
# URLs first, then dates, phone numbers, ID numbers, addresses, postal codes; names last (mask_names below).
_MONTHS_EN = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS_FR = (
    r"janv(?:ier)?|f[ée]v(?:rier)?|mars|avr(?:il)?|mai|juin|juil(?:let)?|ao[ûu]t|sept(?:embre)?|"
    r"oct(?:obre)?|nov(?:embre)?|d[ée]c(?:embre)?"
)
_MONTH = rf"(?:{_MONTHS_EN}|{_MONTHS_FR})\.?"
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th|er|e)?"
_YEAR = r"(?:19|20)?\d{2}"
_BIRTH = (
    r"(?:born|dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|bday|née?|nee|naissance|"
    r"date\s+de\s+naissance|anniversaire|ddn)"
)
# Toll-free service numbers (1-800, 1-888…: NORS, help lines) are not personal: they stay.
_TOLL_FREE = r"(?:8(?:00|33|44|55|66|77|88))"
_STREET_TYPES = (
    r"st|street|ave|av|avenue|rd|road|cres|crescent|blvd|boulevard|terrace|terr|hwy|highway|pkwy|"
    r"parkway|crt|cir|circle|trail|trl|drive|dr|sq|square|close|mews|gate|grove|heights|hts|"
    r"way|lane|ln|court|ct|place|pl|row|sideroad|concession|promenade|esplanade|alley"
)
_FR_STREET_TYPES = (
    r"rue|avenue|av|boulevard|boul|blvd|chemin|ch|rang|route|rte|mont[ée]e|c[ôo]te|ruelle|all[ée]e|"
    r"croissant|impasse|place|promenade|carr[ée]|terrasse|voie|autoroute|rang"
)
_FUNCTION = r"(?:the|my|a|an|at|on|in|of|to|his|her|our|their|your|this|that|these|those|some|and|or|for|with|from)"
_PII_PATTERNS = [
    ("EMAIL", re.compile(r"\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b")),
    ("URL", re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.I)),
    ("HANDLE", re.compile(r"(?<![\w.@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?")),
    # dates like 1994-03-14, 07/22/1988, 22.07.1988
    ("DATE", re.compile(r"\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})\b")),
    # a date of birth in words: "born March 3 1990", "DOB: 3rd of March 90", "né le 3 mars 1990", "born in 1990"
    (
        "BIRTH",
        re.compile(
            rf"\b{_BIRTH}\s*[:,-]?\s*(?:on|in|le|en|the)?\s*(?:"
            rf"{_DAY}\s+(?:of\s+|de\s+)?{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}|"
            rf"{_MONTH},?\s+(?:19|20)\d{{2}}|{_DAY}\s+(?:of\s+|de\s+)?{_MONTH}|{_MONTH}\s+{_DAY}|"
            rf"(?:19|20)\d{{2}})\b",
            re.I,
        ),
    ),
    # a full date in words with a day and a year: "March 3, 1990", "3 mars 1990" (a year alone stays: "2017")
    (
        "DATE",
        re.compile(
            rf"\b(?:{_DAY}\s+(?:of\s+|de\s+)?{_MONTH},?\s+(?:19[0-9]{{2}}|200\d)|"
            rf"{_MONTH}\s+{_DAY},?\s+(?:19[0-9]{{2}}|200\d))\b",
            re.I,
        ),
    ),
    # health cards: Ontario "1234-567-890-AB", Quebec RAMQ "TREM 1234 5678", driver's licences "A1234-56789-01234"
    # card and account numbers: 4 groups of 4, or 8+ digits in a row
    ("NUMBER", re.compile(r"(?<!\d[\s.-])(?<![\d.,-])\d{4}(?:[\s-]?\d{4}){2,3}(?![\d])")),
    ("NUMBER", re.compile(r"(?<![\d.,-])\d{8,}(?![\d])")),
    ("HEALTH", re.compile(r"(?<![\w-])\d{4}[\s-]?\d{3}[\s-]?\d{3}[\s-]?[A-Za-z]{2}\b")),
    ("HEALTH", re.compile(r"\b(?:[A-Z]{4}|[a-z]{4})[\s-]?\d{4}[\s-]?\d{4}\b")),
    ("LICENCE", re.compile(r"\b[A-Z]\d{4}[\s-]?\d{5}[\s-]?\d{5}\b", re.I)),
    # international numbers: +44 20 7946 0958, 011 44 20 7946 0958 (8 digits or more after the prefix)
    (
        "PHONE",
        re.compile(
            r"(?<![\w+])(?:\+|\b011[\s.-]?)(?!1[\s.-]?" + _TOLL_FREE + r")\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,5}(?!\d)"
        ),
    ),
    # North-American phone numbers (not 3-digit service numbers such as 911, 811, 988, nor toll-free lines)
    (
        "PHONE",
        re.compile(
            r"(?<![\d-])(?:\+?1[\s.-]?)?(?!\(?" + _TOLL_FREE + r"\)?[\s.-])\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)"
        ),
    ),
    # 7-digit local numbers: 555-0187, 555 0187 (not part of a longer number such as 1-888-688-6677)
    ("PHONE", re.compile(r"(?<!\d[\s.-])(?<![\d.,])\d{3}[-.\s]\d{4}(?![\d-])")),
    # long digit groups: health-card, SIN, licence numbers
    ("NUMBER", re.compile(r"(?<!\d[\s.-])(?<![\d.,-])\d{3,4}[\s-]?\d{3}[\s-]?\d{3,4}(?![\d])")),
    # apartment / unit numbers
    (
        "ADDRESS",
        re.compile(r"\b(?:apt|apartment|unit|suite|app|appartement|logement)\.?\s*#?\s*\d{1,5}[A-Za-z]?\b", re.I),
    ),
    # street addresses: "1180 Maple Cres", "42 birch street"; words like "place", "way", "drive" count as a street
    # only after a capitalised name ("2 pills at my place" stays)
    (
        "ADDRESS",
        re.compile(
            r"\b\d{1,6}[A-Za-z]?,?\s+(?!" + _FUNCTION + r"\b)(?:[\w'-]+\s+){1,3}(?:"
            r"st|street|ave|avenue|rd|road|cres|crescent|blvd|boulevard|terrace|hwy|highway|pkwy|"
            r"parkway|crt|cir|circle|trail|trl|sideroad|concession)\b(?![-'’])\.?",
            re.I,
        ),
    ),
    (
        "ADDRESS",
        re.compile(
            r"\b\d{1,6}[A-Za-z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}(?:"
            + _STREET_TYPES
            + r"|"
            + _STREET_TYPES.upper()
            + r"|"
            + _STREET_TYPES.title()
            + r")\b(?![-'’])\.?"
        ),
    ),
    (
        "ADDRESS",
        re.compile(
            r"\b\d{1,6}[A-Za-z]?,?\s+(?:" + _FR_STREET_TYPES + r")\.?\s+"
            r"(?:(?:de|du|des|la|le|les|l['’]|d['’]|st|ste|saint|sainte)[\s-]*){0,3}[\w'’-]+(?:[\s-][A-Z][\w'’-]+)?",
            re.I,
        ),
    ),
    ("POSTAL", re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b", re.I)),
]


# ---- names --------------------------------------------------------------------------------------------------
# "my name is kelsey brightwater", "je m'appelle marie", "I'm Kelsey", "hi im kelsey". After a phrase that always
# introduces a name, up to 3 words go (the phrase too) unless a word is one we must keep. After "I'm" / "je suis"
# (usually followed by a state: "I'm scared", "je suis seul"), a word goes only when it is capitalised like a name,
# or — right after a greeting ("hi, im kelsey") — when the bot's own training data never uses it. Never masked: the
# words of the safety nets (emergency, distress, substances, legal situations), function words and the states
# people give after "I'm" in the training data — masking "overdosing" would blind the emergency net.
_W = r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’-]*"
_STRONG_NAME = re.compile(
    r"\b(?:(?:my|his|her|their)\s+(?:full\s+|real\s+|last\s+|first\s+)?name\s+is|my\s+name['’]?s|my\s+names|"
    r"name\s*:|i\s+am\s+called|(?:il|elle)\s+s['’]appelle|son\s+nom\s+(?:est|c['’]est)|"
    r"i['’]?m\s+called|they\s+call\s+me|je\s+m['’]\s*appelle|j['’]?\s*m['’]\s*appelle|mon\s+nom\s+(?:est|c['’]est)|"
    r"mon\s+nom\s*:|moi\s+c['’]est|moi\s+cest|nom\s*:)\s*",
    re.I,
)
_WEAK_NAME = re.compile(
    r"\b(?:i['’]?m|i\s+am|i\s+m|this\s+is|(?P<greeting_only>c['’]est|cest)|je\s+suis|j['’]?suis|"
    r"chu)\s+",
    re.I,
)
_CALL_ME = re.compile(r"\bcall\s+me\s+(?=[A-Z][a-zà-ÿ])")
_NAME_WORD = re.compile(rf"({_W})(?![\w'’-])(\s*)")
_CAPITALISED = re.compile(
    r"^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]+(?:[-'’][A-ZÀ-ÖØ-Þa-zà-öø-ÿ][a-zà-öø-ÿ]*)*$"
    r"|^(?:Mc|Mac|O['’])[A-Z][a-z]+$"
)
_GREETING_BEFORE = re.compile(
    r"\b(?:hi|hii+|hey+|hello|helo|hiya|yo|sup|bonjour|bonsoir|salut|allo|allô|coucou)"
    r"(?:\s+(?:there|all|guys|everyone|tout\s+le\s+monde))?[\s,!.:;-]*$",
    re.I,
)
# Words that follow "I'm" / "my name is" without being a name (with the data's own, loaded below).
_KEEP = set(
    [
        "a",
        "an",
        "the",
        "not",
        "no",
        "nope",
        "so",
        "very",
        "really",
        "just",
        "kinda",
        "pretty",
        "too",
        "also",
        "still",
        "now",
        "here",
        "there",
        "in",
        "on",
        "at",
        "from",
        "with",
        "to",
        "of",
        "for",
        "by",
        "into",
        "about",
        "over",
        "and",
        "or",
        "but",
        "if",
        "then",
        "my",
        "your",
        "his",
        "her",
        "their",
        "our",
        "its",
        "i",
        "me",
        "you",
        "he",
        "she",
        "we",
        "they",
        "it",
        "that",
        "this",
        "what",
        "who",
        "how",
        "why",
        "when",
        "where",
        "which",
        "im",
        "gonna",
        "going",
        "trying",
        "doing",
        "getting",
        "having",
        "being",
        "been",
        "be",
        "is",
        "am",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "dont",
        "cant",
        "wont",
        "scared",
        "afraid",
        "terrified",
        "worried",
        "anxious",
        "nervous",
        "panicking",
        "freaking",
        "okay",
        "ok",
        "fine",
        "good",
        "great",
        "bad",
        "sick",
        "high",
        "stoned",
        "drunk",
        "wasted",
        "low",
        "alone",
        "lonely",
        "lost",
        "confused",
        "sorry",
        "sure",
        "unsure",
        "new",
        "done",
        "tired",
        "exhausted",
        "broke",
        "homeless",
        "pregnant",
        "young",
        "old",
        "underage",
        "minor",
        "adult",
        "sober",
        "clean",
        "using",
        "dying",
        "overdosing",
        "oding",
        "fading",
        "bleeding",
        "shaking",
        "seizing",
        "struggling",
        "suicidal",
        "depressed",
        "sad",
        "angry",
        "mad",
        "upset",
        "desperate",
        "hopeless",
        "worthless",
        "stuck",
        "screwed",
        "fucked",
        "on",
        "probation",
        "parole",
        "bail",
        "out",
        "back",
        "home",
        "outside",
        "inside",
        "away",
        "calling",
        "asking",
        "wondering",
        "looking",
        "worried",
        "asking",
        "writing",
        "texting",
        "typing",
        "hoping",
        "hurt",
        "injured",
        "poisoned",
        "allergic",
        "diabetic",
        "epileptic",
        "deaf",
        "blind",
        "disabled",
        "indigenous",
        "native",
        "first",
        "inuk",
        "inuit",
        "metis",
        "métis",
        "black",
        "white",
        "trans",
        "gay",
        "queer",
        "canadian",
        "american",
        "french",
        "english",
        "student",
        "worker",
        "nurse",
        "paramedic",
        "cop",
        "officer",
        "friend",
        "mom",
        "dad",
        "mother",
        "father",
        "sister",
        "brother",
        "son",
        "daughter",
        "wife",
        "husband",
        "girlfriend",
        "boyfriend",
        "partner",
        "roommate",
        "kid",
        "child",
        "teen",
        "teenager",
        "man",
        "woman",
        "guy",
        "girl",
        "boy",
        "person",
        "someone",
        "somebody",
        "nobody",
        "everyone",
        "anyone",
        "age",
        "years",
        "year",
        "old",
        "le",
        "la",
        "les",
        "un",
        "une",
        "des",
        "du",
        "de",
        "pas",
        "plus",
        "pu",
        "tres",
        "très",
        "trop",
        "vraiment",
        "juste",
        "encore",
        "aussi",
        "ici",
        "la",
        "là",
        "dans",
        "sur",
        "avec",
        "pour",
        "par",
        "chez",
        "en",
        "au",
        "aux",
        "mon",
        "ma",
        "mes",
        "ton",
        "ta",
        "tes",
        "son",
        "sa",
        "ses",
        "notre",
        "nos",
        "leur",
        "leurs",
        "je",
        "tu",
        "il",
        "elle",
        "on",
        "nous",
        "vous",
        "ils",
        "elles",
        "ça",
        "ca",
        "ce",
        "cet",
        "cette",
        "qui",
        "que",
        "quoi",
        "quand",
        "comment",
        "pourquoi",
        "où",
        "ou",
        "et",
        "mais",
        "donc",
        "car",
        "si",
        "bien",
        "mal",
        "correct",
        "ok",
        "seul",
        "seule",
        "inquiet",
        "inquiète",
        "inquiete",
        "peur",
        "stressé",
        "stressée",
        "stresse",
        "perdu",
        "perdue",
        "malade",
        "gelé",
        "gelée",
        "gele",
        "saoul",
        "saoule",
        "chaud",
        "fatigué",
        "fatiguée",
        "enceinte",
        "jeune",
        "mineur",
        "mineure",
        "majeur",
        "étudiant",
        "étudiante",
        "en",
        "train",
        "sous",
        "probation",
        "libération",
        "autochtone",
        "inuk",
        "métisse",
        "noir",
        "noire",
        "blanc",
        "blanche",
        "ami",
        "amie",
        "chum",
        "blonde",
        "mère",
        "père",
        "soeur",
        "frère",
        "fils",
        "fille",
        "mari",
        "femme",
        "désolé",
        "désolée",
        "desole",
        "sûr",
        "sûre",
        "sur",
        "certain",
        "certaine",
        "pas",
        "sûr",
        "ado",
        "adolescent",
        "adolescente",
        "vieux",
        "vieille",
        "innu",
        "innue",
        "innus",
        "crie",
        "cris",
        "cree",
        "ojibwée",
        "algonquin",
        "algonquine",
        "micmac",
        "mi'kmaq",
        "mikmaq",
        "wolastoqey",
        "attikamek",
        "atikamekw",
        "déné",
        "dénée",
        "dene",
        "two-spirit",
        "bispirituel",
        "bispirituelle",
        "nauseous",
        "nauseated",
        "puking",
        "vomiting",
        "throwing",
        "dizzy",
        "sweating",
    ]
)


@lru_cache(maxsize=1)
def _protected_words() -> tuple[frozenset, frozenset]:
    """(words never masked after a name phrase, every word of the bot's training data), read from data/. Place
    names are not protected: "my name is Victoria" is a name. Without data/ (a bare install): keep-list only."""
    data = Path(__file__).resolve().parent.parent / "data"
    never, vocabulary = set(_KEEP), set()
    word = re.compile(r"[a-zà-öø-ÿ][a-zà-öø-ÿ'’-]*")
    for name in ("emergency", "distress", "substances", "legal_situations", "language"):
        path = data / "patterns" / f"{name}.yml"
        if path.exists():
            never.update(word.findall(path.read_text(encoding="utf-8").lower()))
    after_i_am = re.compile(r"\b(?:i['’]?m|i am|im|je suis|j['’]suis|chu)\s+([a-zà-öø-ÿ'’-]+)")
    for path in sorted((data / "nlu").glob("*.yml")) if (data / "nlu").exists() else []:
        text = path.read_text(encoding="utf-8").lower()
        vocabulary.update(word.findall(text))
        never.update(after_i_am.findall(text))
    never.update(strip_accents(w) for w in list(never))
    vocabulary.update(strip_accents(w) for w in list(vocabulary))
    return frozenset(never), frozenset(vocabulary)


def _kept(word: str) -> bool:
    lowered = _APOSTROPHES.sub("'", word.lower())
    never, _ = _protected_words()
    return lowered in never or strip_accents(lowered) in never or lowered.rstrip("'s") in never


def _name_words(text: str, start: int, accept) -> int:
    """End of the run of up to 3 name words starting at `start` that `accept(word, index)` takes (start if none)."""
    end, position = start, start
    for index in range(3):
        match = _NAME_WORD.match(text, position)
        if not match or not accept(match.group(1), index):
            break
        end, position = match.end(1), match.end()
        if not match.group(2):  # punctuation after the word ends the name: "kelsey, my friend…"
            break
    return end


def mask_names(text: str) -> str:
    """Remove names people introduce (see the comment above); the rest of the message is kept word for word."""
    spans = []
    for trigger in _STRONG_NAME.finditer(text):
        end = _name_words(text, trigger.end(), lambda w, i: not _kept(w))
        if end > trigger.end():
            spans.append((trigger.start(), end))
    for trigger in _CALL_ME.finditer(text):
        end = _name_words(text, trigger.end(), lambda w, i: _CAPITALISED.match(w) is not None and not _kept(w))
        if end > trigger.end():
            spans.append((trigger.start(), end))
    _, vocabulary = _protected_words()
    for trigger in _WEAK_NAME.finditer(text):
        greeted = _GREETING_BEFORE.search(text[max(0, trigger.start() - 40) : trigger.start()]) is not None
        if trigger.group("greeting_only") and not greeted:  # "c'est Info-Santé?" names a service, not a person
            continue

        def looks_like_a_name(word: str, index: int, greeted: bool = greeted) -> bool:
            if _kept(word):
                return False
            lowered = word.lower()
            if _CAPITALISED.match(word):  # a capitalised word the training data never uses ("I'm Kelsey")
                return not (vocabulary and (lowered in vocabulary or strip_accents(lowered) in vocabulary))
            return (
                greeted
                and bool(vocabulary)
                and word.isalpha()
                and len(word) >= 3
                and lowered not in vocabulary
                and strip_accents(lowered) not in vocabulary
                and not re.search(r"(ing|in|ed)$", lowered)
            )

        end = _name_words(text, trigger.end(), looks_like_a_name)
        if end > trigger.end():
            spans.append((trigger.end(), end))
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def strip_markup(text: str) -> str:
    """Remove HTML/script blocks, tags, HTML entities and Markdown decoration, keeping the words. Repeated until
    nothing changes (at most 5 times), so doubly escaped markup ("&amp;lt;b&amp;gt;") can't survive one pass."""
    for _ in range(5):
        before = text
        text = _SCRIPT_BLOCK.sub(" ", text)
        text = _TAG.sub(" ", text)
        text = html.unescape(text)
        text = _TAG.sub(" ", text)  # entities could have hidden a tag: &lt;img&gt;
        text = _MD_NOISE.sub(" ", text)
        if text == before:
            break
    return text


def mask_personal_details(text: str) -> str:
    """Remove e-mails, URLs, @handles, phone numbers (local, North-American, international; not 911/811/988 or
    toll-free lines), dates and dates of birth, health-card, licence and long ID numbers, addresses, postal codes
    and introduced names ("my name is …" goes as a whole). Nothing is put in their place: a word like "address"
    would itself pull the message towards the privacy answers."""
    for _, pattern in _PII_PATTERNS:
        text = pattern.sub(" ", text)
    return mask_names(text)


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
    # a narrowed story is never a button payload: no leading "/" for Rasa's message parser to read (and log)
    return " ".join(questions[-2:] if questions else sentences[-2:]).lstrip("/ ")


def clean_user_text(text: object, max_chars: int | None) -> tuple[str, bool]:
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
