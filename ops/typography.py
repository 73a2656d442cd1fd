"""French typography for texts shown on phones: non-breaking spaces where French puts a space, so « : », « » »,
« 7 146 » and « 24 h » never break across two lines (a colon alone at the start of a line reads as a new thought).

Canadian usage (OQLF): a non-breaking space before the colon and inside « guillemets », between groups of digits and
between a number and its unit; no space before ? ! ; (so none is added there).

    python -m ops.typography --check     # list French texts in data/ that still have breakable spaces
    python -m ops.typography --fix       # rewrite them in place
"""

from __future__ import annotations

import re
import sys

NBSP = "\u00a0"
_RULES = [
    (re.compile(r"[ \t]+:(?=\s|$)"), NBSP + ":"),  # « Source : » (not https://)
    (re.compile(r"«[ \t]+"), "«" + NBSP),
    (re.compile(r"[ \t]+»"), NBSP + "»"),
    (re.compile(r"(?<=\d) (?=\d{3}(?!\d))"), NBSP),  # 7 146, 53 000
    (re.compile(r"(?<=\d) (?=(h|%|\$|g|mL|mg|km)(?![\w-]))"), NBSP),  # 24 h, 30 %, 2,5 g
]


def french_spacing(text: str) -> str:
    """The text with French non-breaking spaces (idempotent)."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _french_strings(path, data):
    """(location, text) of every French string in one of the data files."""
    if path.endswith("texts.yml"):
        for name, entry in data["texts"].items():
            value = entry.get("fr")
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict):
                    yield f"{name}:button", item["title"]
                elif isinstance(item, str):
                    yield name, item
    elif path.endswith("overdose_response.yml"):
        card = data["card"]["fr"]
        for field in ("title", "footer", "caption"):
            yield field, card[field]
        for number, step in enumerate(card["steps"], start=1):
            yield f"step {number}", step["heading"]
            yield f"step {number}", step["detail"]
    elif path.endswith("directory.yml"):
        for entry in data["entries"]:
            for field in ("description_fr", "name_fr"):
                if entry.get(field):
                    yield f"{entry['id']}:{field}", entry[field]
    else:
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants:
                if any(c.get("name") == "language" and c.get("value") == "fr" for c in variant.get("condition") or []):
                    yield name, variant.get("text", "")
                    for button in variant.get("buttons") or []:
                        yield f"{name}:button", button["title"]


def data_files():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "data"
    return [
        *sorted((root / "responses").glob("*.yml")),
        root / "texts.yml",
        root / "resources" / "directory.yml",
        root / "privacy.yml",
        root / "cards" / "overdose_response.yml",
    ]


def main(argv) -> int:
    import yaml

    problems = 0
    for path in data_files():
        raw = path.read_text(encoding="utf-8")
        data = yaml.safe_load(raw)
        if path.parent.name == "data" and path.name == "privacy.yml":
            strings = [(name, s["fr"]) for name, s in data["statements"].items()]
        else:
            strings = list(_french_strings(str(path), data))
        fixed = raw
        for where, text in strings:
            good = french_spacing(text)
            if good != text:
                problems += 1
                if "--fix" in argv:
                    for old, new in zip(text.split("\n"), good.split("\n"), strict=True):  # spacing only: same lines
                        fixed = fixed.replace(old, new)
                else:
                    print(f"{path.name}:{where}: needs non-breaking spaces")
        if "--fix" in argv and fixed != raw:
            path.write_text(fixed, encoding="utf-8")
    print(f"{problems} French texts {'fixed' if '--fix' in argv else 'to fix'}")
    return 1 if problems and "--fix" not in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
