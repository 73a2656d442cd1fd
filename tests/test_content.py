"""Checks on the content files (data/): sources, numbers, links, coverage between NLU data and answers.

These are the guard rails for "never invent a phone number or URL" and "every legal answer names its source".
"""

from __future__ import annotations

import datetime
import re

import pytest
import yaml

from gsdoa_content.sources import FRENCH_PAGE  # one definition, used by the bot too
from tests.support.repo import ROOT, load_yaml

# Every fact base the project writes from: the shared one, its first-response companion, and our own additions.
FACTS = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "knowledge").glob("*.md")))
FACT_DIGITS = re.sub(r"\D", "", FACTS)
SOURCES = load_yaml("data/sources.yml")["sources"]
PHONE = re.compile(
    r"(?<![\w-])(?:1[- ]?)?\(?\d{3}\)?[- ]\d{3}[- ]\d{4}(?![\w-])|"
    r"(?<![\w-])1-\d{3}-[A-Z]{4,7}(?:-[A-Z])?"
)
URL = re.compile(r"https?://[^\s)\"']+")
MAX_CHARS = 900  # every answer fits a phone screen; the e2e checker also rejects replies over 1,200 characters
EMERGENCY_MAX_CHARS = 700  # the emergency answer, read under stress: one screen without scrolling
SOURCE_LINE = re.compile(r"\nSource(:|\u00a0:) ")


def response_files():
    return sorted((ROOT / "data" / "responses").glob("*.yml"))


def all_responses():
    for path in response_files():
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8"))["responses"] or {}).items():
            for variant in variants:
                yield path.name, name, variant


def all_texts():
    """(where, text, source ids) for every piece of user-facing text in data/."""
    for file, name, variant in all_responses():
        yield f"{file}:{name}", variant.get("text", ""), (variant.get("metadata") or {}).get("sources", [])
        for button in variant.get("buttons") or []:
            yield f"{file}:{name}:button", button["title"], []
    for name, entry in load_yaml("data/texts.yml")["texts"].items():
        for language, value in entry.items():
            if language in ("en", "fr"):
                values = value if isinstance(value, list) else [value]
                for item in values:
                    yield (
                        f"texts.yml:{name}:{language}",
                        item["title"] if isinstance(item, dict) else item,
                        entry.get("sources", []),
                    )
    for entry in load_yaml("data/resources/directory.yml")["entries"]:
        for field in ("description", "description_fr"):
            yield f"directory.yml:{entry['id']}:{field}", entry[field], entry["sources"]


def test_every_response_has_sources_a_date_and_a_kind():
    for file, name, variant in all_responses():
        metadata = variant.get("metadata") or {}
        assert isinstance(metadata.get("sources"), list), (file, name)
        datetime.date.fromisoformat(metadata.get("verified_on", ""))
        assert metadata.get("kind"), (file, name)


def test_every_source_id_is_in_the_registry():
    for where, _, source_ids in all_texts():
        for source_id in source_ids:
            assert source_id in SOURCES, (where, source_id)


def test_registry_urls_come_from_the_fact_base():
    for source_id, source in SOURCES.items():
        assert source["url"] in FACTS, source_id


def test_every_legal_answer_names_its_source_with_its_link():
    for file, name, variant in all_responses():
        metadata = variant.get("metadata") or {}
        if metadata.get("kind") != "legal":
            continue
        first = SOURCES[metadata["sources"][0]]
        assert SOURCE_LINE.search(variant["text"]), (file, name)
        assert first["url"] in variant["text"], (file, name, "the link must be the first listed source")


def test_verdict_texts_and_province_entries_cite_sources():
    texts = load_yaml("data/texts.yml")["texts"]
    for name, entry in texts.items():
        if name.startswith("verdict_"):
            assert entry.get("sources"), name
    assert "Source: " in texts["verdict_footer"]["en"]


def test_no_invented_phone_numbers():
    for where, text, _ in all_texts():
        for number in PHONE.findall(text):
            digits = re.sub(r"\D", "", number)
            if digits:
                assert digits in FACT_DIGITS, (where, number)
            else:
                assert number.replace("-", "").upper() in FACTS.replace("-", "").upper(), (where, number)


def test_no_invented_links():
    for where, text, _ in all_texts():
        for url in URL.findall(text):
            assert url.rstrip(".,") in FACTS, (where, url)


def test_texts_fit_a_phone_screen():
    for where, text, _ in all_texts():
        assert len(text) <= MAX_CHARS, (where, len(text))


def is_french(variant):
    return any(c.get("name") == "language" and c.get("value") == "fr" for c in variant.get("condition") or [])


def emergency_variants(language):
    return [v for _, name, v in all_responses() if name == "utter_emergency" and is_french(v) == (language == "fr")]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_emergency_answer_fits_a_phone_screen_with_911_alone_first_and_the_nunavut_line(language):
    (variant,) = emergency_variants(language)
    text = variant["text"]
    assert len(text) <= EMERGENCY_MAX_CHARS, len(text)
    assert re.fullmatch(r"🚨 (Call 911 now|Appelez le 911 maintenant)\.", text.splitlines()[0]), text.splitlines()[0]
    assert "Nunavut" in text.splitlines()[1] and re.search(r"RCMP|GRC", text.splitlines()[1])
    assert "Good Samaritan" not in text and "bons samaritains" not in text  # the law is the follow-up's job


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_emergency_answer_says_to_give_naloxone_whatever_was_taken(language):
    """The same meaning in both languages: naloxone even when the drug wasn't an opioid (fentanyl is mixed in)."""
    (variant,) = emergency_variants(language)
    step = next(line for line in variant["text"].splitlines() if re.search("naloxone", line, re.I))
    assert re.search(r"whatever they took|quoi que la personne ait pris", step), step
    assert "fentanyl" in step


def test_every_emergency_follow_up_names_the_law_and_its_source():
    follow_ups = [v for _, name, v in all_responses() if name == "utter_emergency_more"]
    kinds = {c["value"] for v in follow_ups for c in v.get("condition") or [] if c["name"] == "emergency_kind"}
    assert kinds == {"stimulant", "seizure", "sedative"}
    for variant in follow_ups:
        text = variant["text"]
        assert re.search(r"simple possession|possession simple", text) and re.search(r"Source ?\u00a0?:|Source:", text)
        assert re.search(r"because|parce qu", text), text  # the causation condition
        assert len(text) <= MAX_CHARS


def test_french_answers_say_when_they_link_an_english_page():
    """A French answer that links an English page says « (en anglais) »; one that links a French page doesn't."""
    wrong = []
    for _file, name, variant in all_responses():
        if not is_french(variant):
            continue
        for line in variant["text"].splitlines():
            if not line.startswith("Source"):
                continue
            url = (URL.findall(line) or [""])[-1]
            english_page = bool(url) and not FRENCH_PAGE.search(url)
            if english_page != ("(en anglais" in line or "en anglais)" in line):
                wrong.append((name, line[:120]))
    assert not wrong, wrong


FORBIDDEN = load_yaml("data/review/forbidden_claims.yml")["claims"]


def every_user_facing_text():
    yield from ((where, text) for where, text, _ in all_texts())
    yield "PRIVACY.md", (ROOT / "PRIVACY.md").read_text(encoding="utf-8")
    card = load_yaml("data/cards/overdose_response.yml")
    yield "overdose_response.yml", yaml.safe_dump(card, allow_unicode=True)


@pytest.mark.parametrize("claim", FORBIDDEN, ids=lambda c: c["pattern"][:40])
def test_no_text_makes_a_forbidden_over_claim(claim):
    pattern = re.compile(claim["pattern"], re.I | re.M)
    found = [(where, pattern.search(text).group(0)) for where, text in every_user_facing_text() if pattern.search(text)]
    assert not found, (claim["why"], found)


def test_no_text_shows_the_day_the_project_was_built_as_a_checked_date():
    for where, text in every_user_facing_text():
        assert not re.search(r"\(checked 20\d\d|vérifié le \d", text), where


def test_french_texts_use_non_breaking_spaces():
    from ops.typography import main

    assert main(["--check"]) == 0


# "I'm a person" in English and French (je suis une personne, un vrai humain, un être humain…), and doses.
CLAIMS_TO_BE_HUMAN = re.compile(
    r"\bI(['’]m| am) (a )?(real )?(human|person)\b|"
    r"\b(je suis|j['’]suis|chu) (une? )?(vrai(e)? )?(être humain|humaine?|personne)\b",
    re.I,
)
GIVES_DOSES = re.compile(r"\b\d+([.,]\d+)?\s?(mg|mcg|µg|micrograms?|milligrams?|microgrammes?|milligrammes?)\b", re.I)


def test_no_text_claims_to_be_human_or_gives_doses():
    for where, text, _ in all_texts():
        assert not CLAIMS_TO_BE_HUMAN.search(text), where
        assert not GIVES_DOSES.search(text.replace("\u00a0", " ")), where


@pytest.mark.parametrize(
    "claim",
    [
        "I'm a real person.",
        "I am human",
        "Je suis une vraie personne.",
        "je suis un être humain",
        "Oui, je suis humaine.",
        "chu une personne",
    ],
)
def test_the_human_claim_scan_catches_english_and_french(claim):
    assert CLAIMS_TO_BE_HUMAN.search(claim)


@pytest.mark.parametrize(
    "honest",
    [
        "I'm an automated assistant, not a person.",
        "Je suis un assistant automatisé (pas une personne).",
        "Je ne suis pas une personne.",
        "Une personne peut vous aider au 811.",
    ],
)
def test_the_human_claim_scan_lets_the_bots_honest_wording_through(honest):
    assert not CLAIMS_TO_BE_HUMAN.search(honest)


def test_the_dose_scan_catches_french_units_and_non_breaking_spaces():
    for dose in ("2 mg", "0,4\u00a0mg", "4 milligrammes", "100 microgrammes"):
        assert GIVES_DOSES.search(dose.replace("\u00a0", " ")), dose


def test_unverified_facts_are_flagged_not_stated():
    """Claims the fact base marks UNVERIFIED must come with a 'not verified' / 'don't say' caveat."""
    for where, text, _ in all_texts():
        lowered = text.lower()
        if "nunavut" in lowered and "811" in lowered and "health_line" in where:
            assert "no 811" in lowered or "aucune ligne santé 811" in lowered, where
        if "french" in lowered and "nors" in lowered:
            assert "not verified" in lowered or "unverified" in lowered, where
        if (
            ("service national d'intervention" in lowered or "nors" in lowered)
            and "texts.yml" not in where
            and ":fr" not in where
            and "français" in lowered
            and "directory" not in where
        ):
            assert "anglais seulement" in lowered or "pas en français" in lowered, where


def nlu_intents():
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    return {example.get_full_intent() for example in data.intent_examples}


def test_intent_catalogue_matches_the_training_data():
    catalogue = set(load_yaml("data/intents.yml")["intents"])
    assert nlu_intents() == catalogue


def test_every_retrieval_intent_has_an_answer_and_every_answer_has_data():
    retrieval = {i for i in nlu_intents() if "/" in i}
    answers = {name[len("utter_") :] for _, name, _ in all_responses() if "/" in name}
    assert retrieval == answers


def test_every_text_has_english():
    for name, entry in load_yaml("data/texts.yml")["texts"].items():
        assert entry.get("en"), name


def french_variants(name, variants):
    return [
        v
        for v in variants
        if any(c.get("name") == "language" and c.get("value") == "fr" for c in v.get("condition") or [])
    ]


def test_every_response_has_a_french_version():
    """Issue 6: every answer, button and form question exists in French (selected by the `language` slot)."""
    missing = []
    for path in response_files():
        for name, variants in (yaml.safe_load(path.read_text(encoding="utf-8"))["responses"] or {}).items():
            french = french_variants(name, variants)
            english = [v for v in variants if not v.get("condition")]
            if not french:
                missing.append(f"{path.name}:{name}")
                continue
            if any(v.get("buttons") for v in english) and not all(v.get("buttons") for v in french):
                missing.append(f"{path.name}:{name} (buttons)")
    assert not missing, missing


def test_every_text_button_label_and_resource_has_french():
    missing = [
        f"texts.yml:{name}" for name, entry in load_yaml("data/texts.yml")["texts"].items() if not entry.get("fr")
    ]
    missing += [
        f"intents.yml:{name}"
        for name, entry in load_yaml("data/intents.yml")["intents"].items()
        if not entry.get("label_fr")
    ]
    missing += [
        f"directory.yml:{entry['id']}"
        for entry in load_yaml("data/resources/directory.yml")["entries"]
        if not entry.get("description_fr")
    ]
    for kind, names in load_yaml("data/resources/topics.yml").get("kind_names", {}).items():
        if not names.get("fr"):
            missing.append(f"topics.yml:kind_names:{kind}")
    assert not missing, missing


def test_french_buttons_keep_the_conversation_in_french():
    """A French button's payload is an /intent or a French sentence: an English one would switch languages."""
    from gsdoa_nlu.language import LanguageGuess

    guess = LanguageGuess(load_yaml("data/patterns/language.yml"))
    english = []
    buttons = [
        (f"{file}:{name}", b)
        for file, name, v in all_responses()
        if any(c.get("value") == "fr" for c in v.get("condition") or [])
        for b in v.get("buttons") or []
    ]
    buttons += [
        (f"texts.yml:{name}", b)
        for name, entry in load_yaml("data/texts.yml")["texts"].items()
        if isinstance(entry.get("fr"), list)
        for b in entry["fr"]
        if isinstance(b, dict)
    ]
    for where, button in buttons:
        payload = button["payload"]
        if not payload.startswith("/") and guess.vocabulary_guess(payload) == "en":
            english.append((where, payload))
    assert not english, english


@pytest.mark.parametrize(
    "name", ["utter_emergency", "utter_suicidal", "utter_refuse_synthesis", "utter_refuse_dosing", "utter_greet"]
)
def test_safety_critical_responses_exist_in_french(name):
    variants = [v for file, n, v in all_responses() if n == name]
    assert any(c.get("value") == "fr" for v in variants for c in v.get("condition") or []), name


def test_french_emergency_response_starts_with_911_in_french():  # kept: the French answer is in French
    variants = [v for _, name, v in all_responses() if name == "utter_emergency"]
    (french,) = french_variants("utter_emergency", variants)
    assert "911" in french["text"].splitlines()[0] and "Appelez" in french["text"].splitlines()[0]


def test_emergency_response_starts_with_911():
    for _, name, variant in all_responses():
        if name == "utter_emergency":
            first_line = variant["text"].splitlines()[0]
            assert "911" in first_line, first_line


def test_button_label_training_examples_are_up_to_date():
    """data/nlu/button_labels.yml is generated from data/intents.yml: run `python -m ops.button_labels`."""
    from ops.button_labels import OUT, render

    assert OUT.read_text(encoding="utf-8") == render()


# ---- Readability (ops/readability.py): emergency, crisis and health answers aim at grade 8 or below ----
def test_reading_level_ignores_sources_links_and_bullets():
    from ops.readability import reading_text

    text = "Signs:\n• slow breathing\n• blue lips\nSource: Health Canada — https://www.canada.ca/x"
    assert reading_text(text) == "Signs: slow breathing. blue lips."


def test_a_hard_sentence_reads_harder_than_a_plain_one():
    from ops.readability import measure

    plain = measure("Call 911 now. Give naloxone. Stay with them.", "en")
    hard = measure(
        "Notwithstanding jurisprudential considerations, constitutional adjudication necessitates "
        "comprehensive evaluation of legislative intentionality.",
        "en",
    )
    assert plain["meets_target"] and not hard["meets_target"] and plain["grade"] < hard["grade"]
    assert (
        measure("Appelez le 911. Restez avec la personne.", "fr")["ease"]
        > measure("L'interprétation jurisprudentielle constitutionnelle nécessite une évaluation approfondie.", "fr")[
            "ease"
        ]
    )


@pytest.mark.parametrize("kind", ["emergency", "crisis"])
def test_emergency_and_crisis_answers_are_at_grade_8_or_below(kind):
    from ops.readability import answers

    hard = [
        (r["name"], r["language"], r["condition"], r["reading"])
        for r in answers()
        if r["kind"] == kind and not r["reading"]["meets_target"]
    ]
    assert not hard, hard


def test_health_answers_are_at_grade_8_or_below():
    from ops.readability import answers

    hard = [
        (r["name"], r["language"], r["reading"])
        for r in answers()
        if r["kind"] == "health" and not r["reading"]["meets_target"]
    ]
    assert not hard, hard


# ---- French is French: the project's own language detector (gsdoa_nlu/language.py), set up as the NLU sets it up
PLACEHOLDER = re.compile(r"\{\w*\}")
FRENCH_EXCEPTIONS = load_yaml("data/review/french_detection.yml")


def french_texts():
    """(where, text) for every French text the bot shows: response variants and their buttons, data/texts.yml
    (button titles; a list of words is read as one text), the overdose card."""
    for file, name, variant in all_responses():
        if is_french(variant):
            yield f"{file}:{name}", variant["text"]
            for button in variant.get("buttons") or []:
                yield f"{file}:{name}:button", button["title"]
    for name, entry in load_yaml("data/texts.yml")["texts"].items():
        value = entry.get("fr")
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = " ".join(value)
        for item in value if isinstance(value, list) else [value]:
            yield f"texts.yml:{name}", item["title"] if isinstance(item, dict) else item
    card = load_yaml("data/cards/overdose_response.yml")["card"]["fr"]
    yield from ((f"card:{field}", card[field]) for field in ("title", "footer", "caption"))
    for step in card["steps"]:
        yield "card:step", step["heading"]
        yield "card:step", step["detail"]


@pytest.fixture(scope="module")
def detector():
    from gsdoa_nlu.language import LanguageGuess, lingua_detector

    guess = LanguageGuess(load_yaml("data/patterns/language.yml"), lingua_detector())
    # the detector must be able to say "not French", or the test below proves nothing
    assert guess.guess("Call 911 now. Give naloxone if you have it and stay with them.") == "en"
    assert guess.guess("Appelez le 911 maintenant. Donnez de la naloxone et restez avec la personne.") == "fr"
    return lambda text: guess.guess(PLACEHOLDER.sub(" ", text))  # placeholders are filled at run time


def test_every_french_text_is_detected_as_french_or_explained_in_data(detector):
    """Each French variant, button and text is French by the bot's own detector; the few it can't tell (three words
    or fewer, a drug's name, a date pattern) are listed with the reason in data/review/french_detection.yml."""
    explained = {text for group in FRENCH_EXCEPTIONS.values() for text in group["texts"]}
    texts = list(french_texts())
    assert len(texts) > 150
    wrong = [(where, text, detector(text)) for where, text in texts if detector(text) != "fr" and text not in explained]
    assert not wrong, wrong


def test_every_french_detection_exception_is_still_needed_and_its_reason_holds(detector):
    from gsdoa_nlu.language import SHORT_MESSAGE_WORDS

    shown = {text for _, text in french_texts()}
    for reason, group in FRENCH_EXCEPTIONS.items():
        assert group["why"], reason
        for text in group["texts"]:
            assert text in shown, (reason, text)  # still a text of the bot
            assert detector(text) != "fr", (reason, text)  # still not detected: drop it from the list
            words = re.findall(r"[^\W\d_]+", PLACEHOLDER.sub(" ", text))
            if reason == "short":
                assert len(words) <= SHORT_MESSAGE_WORDS, text
            if reason == "no_words":
                assert not words, text


# ---- Places: one list of provinces and territories (data/jurisdictions.yml), the names the bot writes
def test_the_province_list_lives_in_data_jurisdictions_and_everything_else_agrees():
    import gsdoa_content

    codes = gsdoa_content.provinces()
    assert len(codes) == 13
    assert tuple(load_yaml("data/patterns/places.yml")["provinces"]) == codes  # the NLU gazetteer
    assert tuple(load_yaml("domain.yml")["slots"]["province"]["values"]) == codes  # the slot
    jurisdictions = {e["jurisdiction"] for e in load_yaml("data/resources/directory.yml")["entries"]}
    assert jurisdictions == {gsdoa_content.NATIONAL, *codes}  # the directory


def test_the_names_the_bot_writes_are_names_the_nlu_recognises():
    """Display names come from data/jurisdictions.yml; each one is also a name people can type for that place."""
    import gsdoa_content

    gazetteer = load_yaml("data/patterns/places.yml")
    for code in gsdoa_content.provinces():
        info = gazetteer["provinces"][code]
        typed = {str(a).casefold() for a in [info["name"], info.get("name_fr", ""), *info.get("aliases", [])]}
        for language in ("en", "fr"):
            assert gsdoa_content.province_name(code, language).casefold() in typed, (code, language)
    cities = {c["name"] for c in gazetteer["cities"]}
    for city in load_yaml("data/jurisdictions.yml").get("cities") or {}:
        assert city in cities, city
