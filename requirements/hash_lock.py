"""Write a hash-pinned lock file from pip's installation report.

    pip install --dry-run --ignore-installed --no-deps --report report.json -r pins.txt
    python requirements/hash_lock.py report.json --header "..." > requirements/lock.txt

Every line is `name==version --hash=sha256:…` for the exact file pip chose on this platform (Linux x86_64, the
interpreter that ran pip), so `pip install --require-hashes -r` installs those files and nothing else. One
line per package, so a step can pick a few (`grep -E '^(pip|setuptools|wheel)=='`). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lines(report: dict) -> list[str]:
    out = []
    for item in report["install"]:
        name, version = canonical(item["metadata"]["name"]), item["metadata"]["version"]
        hashes = item["download_info"].get("archive_info", {}).get("hashes", {})
        if "sha256" not in hashes:
            raise SystemExit(f"no sha256 for {name}=={version} ({item['download_info'].get('url')})")
        out.append(f"{name}=={version} --hash=sha256:{hashes['sha256']}")
    return sorted(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--header", default="", help="comment lines to put first ('\\n'-separated)")
    args = parser.parse_args(argv)
    with open(args.report, encoding="utf-8") as handle:
        report = json.load(handle)
    for line in args.header.splitlines():
        print(f"# {line}".rstrip())
    print("\n".join(lines(report)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
