"""The review pack: what a harm-reduction lawyer and a harm-reduction worker read and sign.

    python -m ops.review_pack                      # build build/review-pack/index.html (+ review-pack.pdf)
    python -m ops.review_pack status               # counts only: signed and current / needs re-review / never signed
    python -m ops.review_pack sign --reviewer "Name" --role "harm-reduction lawyer" ITEM [ITEM …]
                                                   # record a sign-off for ITEMs as they read now (or --all)

Every item the bot can say — each answer (English and French side by side, every variant), each assembled text
(data/texts.yml), each directory entry (by jurisdiction) and the emergency card — with where it is used, its
sources (publisher, title, link, the source's own date), the date the team checked it, its length and reading
level. Sign-offs live in data/review/signoff.yml (reviewer, role, date and the SHA-256 of the item as signed); an
item whose content changed since its last sign-off is marked "needs re-review" and counted on the first page.
The PDF is printed by Debian's Chromium when it is installed (`make browser-tools`); the HTML is self-contained
(no scripts, no fonts or images fetched).
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ops.content_index import ROOT, load, response_variants, text_entries, where_used
from ops.readability import level, measure

SIGNOFF_FILE = ROOT / "data" / "review" / "signoff.yml"
OUT_DIR = ROOT / "build" / "review-pack"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LANGUAGES = ("en", "fr")


# ---- the items -------------------------------------------------------------------------------------------------
def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def items() -> list[dict[str, Any]]:
    """Every signable item: id, section, title, variants (language, condition, text, buttons), sources, checked
    date, where used, and the hash a sign-off records."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in response_variants() + text_entries():
        item = grouped.setdefault(
            row["name"],
            {
                "id": row["name"],
                "section": "answers" if row["file"].startswith("data/responses") else "texts",
                "file": row["file"],
                "kind": row["kind"],
                "variants": [],
                "sources": [],
                "checked": set(),
            },
        )
        item["variants"].append({k: row[k] for k in ("language", "condition", "text", "buttons")})
        item["sources"] += [s for s in row["sources"] if s not in item["sources"]]
        if row["verified_on"]:
            item["checked"].add(row["verified_on"])
    out = []
    for item in grouped.values():
        item["checked"] = ", ".join(sorted(item["checked"]))
        item["where"] = where_used(item["id"])
        out.append(item)
    directory = load("data/resources/directory.yml")
    for entry in directory.get("entries") or []:
        variants = [
            {"language": "en", "condition": "", "text": _entry_text(entry, "en"), "buttons": []},
            {"language": "fr", "condition": "", "text": _entry_text(entry, "fr"), "buttons": []},
        ]
        out.append(
            {
                "id": f"directory:{entry['id']}",
                "section": "directory",
                "file": "data/resources/directory.yml",
                "kind": entry.get("kind", ""),
                "jurisdiction": entry.get("jurisdiction", ""),
                "variants": variants,
                "sources": list(entry.get("sources") or []),
                "checked": str(directory.get("verified_on", "")),
                "status_note": entry.get("note", ""),
                "where": ["action_local_resources, action_resources (actions/resources.py)"],
            }
        )
    card = load("data/cards/overdose_response.yml")
    out.append(
        {
            "id": "card:overdose_response",
            "section": "card",
            "file": "data/cards/overdose_response.yml",
            "kind": "emergency",
            "variants": [
                {"language": lang, "condition": "", "text": _card_text(card["card"][lang]), "buttons": []}
                for lang in LANGUAGES
                if lang in card["card"]
            ],
            "sources": list(card.get("sources") or []),
            "checked": str(card.get("verified_on", "")),
            "where": ["/card in Telegram, the demo page and its printed handout (bot/cards.py)"],
        }
    )
    for item in out:
        item["sha256"] = _digest({"variants": item["variants"], "sources": item["sources"]})
        for variant in item["variants"]:
            variant["chars"] = len(variant["text"])
            variant["reading"] = measure(variant["text"], variant["language"]) if variant["text"].strip() else None
    return out


def _entry_text(entry: dict[str, Any], language: str) -> str:
    fr = language == "fr"
    name = entry.get("name_fr") if fr and entry.get("name_fr") else entry.get("name", "")
    lines = [name]
    for label, key in (("Phone", "text"), ("Hours", "hours")):
        if entry.get(key):
            lines.append(f"{'Téléphone' if fr and label == 'Phone' else 'Heures' if fr else label}: {entry[key]}")
    url = entry.get("url_fr") if fr and entry.get("url_fr") else entry.get("url")
    if url:
        lines.append(url)
    lines.append(entry.get("description_fr" if fr else "description", ""))
    return "\n".join(line for line in lines if line)


def _card_text(card: dict[str, Any]) -> str:
    lines = [card.get("title", "")]
    for step in card.get("steps") or []:
        lines.append(f"{step.get('heading', '')}: {step.get('detail', '')}")
    lines.append(card.get("footer", ""))
    return "\n".join(line for line in lines if line)


# ---- sign-offs -------------------------------------------------------------------------------------------------
def load_signoffs(path: Path = SIGNOFF_FILE) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("signoffs") or []


def status(item: dict[str, Any], signoffs: list[dict[str, Any]]) -> dict[str, Any]:
    """'signed' (every sign-off of the item's latest hash), 'needs re-review' (signed before, changed since) or
    'never signed'."""
    own = [s for s in signoffs if s.get("item") == item["id"]]
    current = [s for s in own if s.get("sha256") == item["sha256"]]
    if current:
        return {"state": "signed", "by": current}
    if own:
        return {"state": "needs re-review", "by": sorted(own, key=lambda s: str(s.get("date")))[-1:]}
    return {"state": "never signed", "by": []}


def counts(all_items: list[dict[str, Any]], signoffs: list[dict[str, Any]]) -> dict[str, int]:
    result = {"items": len(all_items), "signed": 0, "needs re-review": 0, "never signed": 0}
    for item in all_items:
        result[status(item, signoffs)["state"]] += 1
    return result


def sign(
    item_ids: list[str],
    reviewer: str,
    role: str,
    date: str,
    path: Path = SIGNOFF_FILE,
    all_items: list[dict[str, Any]] | None = None,
) -> int:
    """Append a sign-off for each item as it reads now. Unknown ids are an error (nothing is written)."""
    all_items = all_items if all_items is not None else items()
    by_id = {item["id"]: item for item in all_items}
    unknown = [i for i in item_ids if i not in by_id]
    if unknown:
        raise SystemExit(f"unknown item(s): {', '.join(unknown)}")
    if not reviewer.strip() or not role.strip():
        raise SystemExit("a sign-off needs the reviewer's name and role")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    data = data or {}
    entries = data.get("signoffs") or []
    for item_id in item_ids:
        entries.append(
            {
                "item": item_id,
                "reviewer": reviewer.strip(),
                "role": role.strip(),
                "date": date,
                "sha256": by_id[item_id]["sha256"],
            }
        )
    header = (
        ""
        if not path.exists()
        else "".join(
            line for line in path.read_text(encoding="utf-8").splitlines(keepends=True) if line.startswith("#")
        )
    )
    data["signoffs"] = entries
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
    return len(item_ids)


# ---- HTML ------------------------------------------------------------------------------------------------------
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#111}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:2px solid #333}h3{font-size:15px;margin:20px 0 4px}
table{border-collapse:collapse;width:100%;margin:6px 0}td,th{border:1px solid #999;padding:6px;vertical-align:top}
th{background:#eee;text-align:left}.text{white-space:pre-wrap;font-size:13px}.meta{color:#444;font-size:12px}
.state-signed{background:#e3f4e3}.state-needs{background:#ffd9d2}.state-never{background:#fff3c4}
.badge{display:inline-block;padding:1px 6px;border-radius:3px;font-size:12px;font-weight:600}
.summary td{font-size:15px}section.item{page-break-inside:avoid}
@media print{body{margin:10mm}h2{page-break-before:always}}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _source_rows(ids: list[str], registry: dict[str, dict[str, Any]]) -> str:
    from actions.content import readable_date

    rows = []
    for source_id in ids:
        source = registry.get(source_id)
        if not source:
            rows.append(f"<li>{_e(source_id)}: <b>missing from data/sources.yml</b></li>")
            continue
        publisher, _, title = source["title"].partition(" – ")
        date = readable_date(source.get("as_of")) if source.get("as_of") else "undated"
        rows.append(
            f"<li>{_e(source_id)} — {_e(publisher)}: {_e(title or publisher)} — "
            f'<a href="{_e(source["url"])}">{_e(source["url"])}</a> (source as of {_e(date)})</li>'
        )
    return '<ul class="meta">' + "".join(rows) + "</ul>"


def _variant_cell(variants: list[dict[str, Any]]) -> str:
    parts = []
    for variant in variants:
        reading = variant["reading"]
        info = f"{variant['chars']} characters" + (f" · {level(reading)}" if reading else "")
        if reading and not reading["meets_target"]:
            info += " · above grade 8"
        condition = f'<div class="meta">when {_e(variant["condition"])}</div>' if variant["condition"] else ""
        buttons = f'<div class="meta">buttons: {_e(" | ".join(variant["buttons"]))}</div>' if variant["buttons"] else ""
        parts.append(f'{condition}<div class="text">{_e(variant["text"])}</div>{buttons}<div class="meta">{info}</div>')
    return "<hr>".join(parts) or "<i>none</i>"


def _item_html(item: dict[str, Any], signoffs: list[dict[str, Any]], registry: dict[str, Any]) -> str:
    state = status(item, signoffs)
    css = {"signed": "state-signed", "needs re-review": "state-needs", "never signed": "state-never"}[state["state"]]
    by = "; ".join(f"{s['reviewer']} ({s['role']}, {s['date']})" for s in state["by"])
    by_languages = {lang: [v for v in item["variants"] if v["language"] == lang] for lang in LANGUAGES}
    note = f'<div class="meta">Note: {_e(item["status_note"])}</div>' if item.get("status_note") else ""
    no_sources = "<div class=meta>No sources (conversation text).</div>"
    sources = _source_rows(item["sources"], registry) if item["sources"] else no_sources
    return (
        f'<section class="item" id="{_e(item["id"])}"><h3>{_e(item["id"])}</h3>'
        f'<div><span class="badge {css}">{_e(state["state"])}</span> '
        f'<span class="meta">{_e(by)}</span></div>'
        f'<div class="meta">Kind: {_e(item["kind"] or "—")} · file {_e(item["file"])} · checked by the team: '
        f"{_e(item['checked'] or '—')} · hash {_e(item['sha256'][:12])}</div>"
        f'<div class="meta">Used: {_e("; ".join(item["where"]) or "not referenced")}</div>{note}'
        f'<table><tr><th style="width:50%">English</th><th>Français</th></tr><tr>'
        f"<td>{_variant_cell(by_languages['en'])}</td><td>{_variant_cell(by_languages['fr'])}</td></tr></table>"
        f"{sources}"
        f"</section>"
    )


def build_html(all_items: list[dict[str, Any]], signoffs: list[dict[str, Any]], commit: str) -> str:
    registry = load("data/sources.yml").get("sources") or {}
    total = counts(all_items, signoffs)
    sections = [
        ("answers", "Answers (data/responses/)"),
        ("texts", "Assembled texts (data/texts.yml)"),
        ("card", "The emergency card (data/cards/)"),
    ]
    body = [
        "<h1>GSDOA guidance bot — review pack</h1>",
        f'<p class="meta">Built {datetime.date.today().isoformat()} from commit {_e(commit)} by '
        f"<code>make review-pack</code>. Reading level: Flesch-Kincaid grade (English); Kandel &amp; Moles "
        f"reading ease (French, ≥ 60 ≈ grade 8–9). Lengths in characters, as sent.</p>",
        '<table class="summary"><tr><th>Items</th><th>Signed and unchanged</th><th>Needs re-review '
        "(changed since sign-off)</th><th>Never signed</th></tr>"
        f"<tr><td>{total['items']}</td><td>{total['signed']}</td><td><b>{total['needs re-review']}</b></td>"
        f"<td>{total['never signed']}</td></tr></table>",
        "<p>How to sign: read an item in both languages, check it against its sources, then record it with "
        '<code>python -m ops.review_pack sign --reviewer "Name" --role "Role" ITEM …</code> (the hash of the '
        "item as you read it is stored in data/review/signoff.yml). Any later change to the text, buttons or "
        "sources turns the item back to “needs re-review”.</p>",
    ]
    for key, title in sections:
        chosen = sorted((i for i in all_items if i["section"] == key), key=lambda i: (i["kind"], i["id"]))
        body.append(f"<h2>{_e(title)} — {len(chosen)}</h2>")
        if key == "card":
            for lang in LANGUAGES:
                png = _card_png(lang)
                if png:
                    body.append(
                        f'<img alt="Emergency card ({lang})" style="max-width:45%;margin:4px" '
                        f'src="data:image/png;base64,{png}">'
                    )
        body += [_item_html(i, signoffs, registry) for i in chosen]
    directory = [i for i in all_items if i["section"] == "directory"]
    body.append(f"<h2>Resource directory by jurisdiction (data/resources/directory.yml) — {len(directory)}</h2>")
    for jurisdiction in sorted({i["jurisdiction"] for i in directory}, key=lambda j: (j != "CA", j)):
        entries = [i for i in directory if i["jurisdiction"] == jurisdiction]
        body.append(f"<h3>{_e('Canada-wide' if jurisdiction == 'CA' else jurisdiction)} ({len(entries)})</h3>")
        body += [_item_html(i, signoffs, registry) for i in sorted(entries, key=lambda i: (i["kind"], i["id"]))]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Review pack</title>'
        f"<style>{CSS}</style></head><body>" + "\n".join(body) + "</body></html>"
    )


def _card_png(language: str) -> str:
    try:
        from bot.cards import card_png
    except ImportError:  # Pillow missing: the card's text is still in the pack
        return ""
    return base64.b64encode(card_png(language)).decode("ascii")


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip() + (
            " (with uncommitted changes)"
            if subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
            else ""
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def print_pdf(html_path: Path, pdf_path: Path) -> bool:
    """Print the pack with headless Chromium (file:// only, no network); False when Chromium isn't installed."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return False
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--disable-background-networking",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_path}",
                html_path.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return pdf_path.exists() and pdf_path.stat().st_size > 0


def build(out_dir: Path = OUT_DIR, pdf: bool = True) -> dict[str, Any]:
    all_items = items()
    signoffs = load_signoffs()
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / "index.html"
    html_path.write_text(build_html(all_items, signoffs, _commit()), encoding="utf-8")
    pdf_path = out_dir / "review-pack.pdf"
    printed = print_pdf(html_path, pdf_path) if pdf else False
    return {"html": html_path, "pdf": pdf_path if printed else None, **counts(all_items, signoffs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("status", help="print the sign-off counts")
    signer = sub.add_parser("sign", help="record a sign-off for items as they read now")
    signer.add_argument("--reviewer", required=True)
    signer.add_argument("--role", required=True)
    signer.add_argument("--date", default=datetime.date.today().isoformat())
    signer.add_argument("--all", action="store_true", help="every item (only after reading the whole pack)")
    signer.add_argument("item", nargs="*")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "sign":
        all_items = items()
        ids = [i["id"] for i in all_items] if args.all else args.item
        if not ids:
            parser.error("name the items to sign (ids as shown in the pack), or --all")
        print(f"signed {sign(ids, args.reviewer, args.role, args.date, all_items=all_items)} item(s)")
        return 0
    if args.command == "status":
        total = counts(items(), load_signoffs())
        print(" · ".join(f"{k}: {v}" for k, v in total.items()))
        return 0
    result = build(pdf=not args.no_pdf)
    print(
        f"review pack: {result['html']}"
        + (f" and {result['pdf']}" if result["pdf"] else " (no PDF: Chromium not installed — `make browser-tools`)")
    )
    print(
        f"{result['items']} items · signed and unchanged {result['signed']} · needs re-review "
        f"{result['needs re-review']} · never signed {result['never signed']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
