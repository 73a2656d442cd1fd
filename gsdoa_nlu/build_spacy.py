"""Build the project's own spaCy pipeline and package it, so Rasa can load it by name from any directory.

No model is downloaded: the pipeline is spaCy's blank English tokenizer (plus French elisions) + a lookup
lemmatizer (tables from the `spacy-lookups-data` package) + the project's normalizer (gsdoa_nlu/spacy_components.py,
found through the package's `spacy_factories` entry point) + an EntityRuler whose patterns come from
data/patterns/*.yml.

    python -m gsdoa_nlu.build_spacy --out build/spacy        # writes the pipeline + an installable sdist

`make spacy` runs this and pip-installs the sdist; SpacyNLP in config.yml then loads `en_gsdoa_pipeline`.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path
from typing import cast

import spacy
from spacy.pipeline import EntityRuler

import gsdoa_nlu.spacy_components  # noqa: F401 - registers the gsdoa_normalizer factory
from gsdoa_nlu.patterns import load_yaml, place_patterns, term_patterns

PIPELINE_NAME = "gsdoa_pipeline"  # spaCy prefixes the language: the package is en_gsdoa_pipeline
ENTITY_FILES = {
    "places": "data/patterns/places.yml",
    "substance": "data/patterns/substances.yml",
    "legal_situation": "data/patterns/legal_situations.yml",
}


def ruler_patterns(nlp, root: Path) -> list:
    def tokenize(text: str) -> list[str]:
        return [t.text for t in nlp.tokenizer(text)]

    patterns = place_patterns(load_yaml(root / ENTITY_FILES["places"]), tokenize)
    for label in ("substance", "legal_situation"):
        patterns += term_patterns(load_yaml(root / ENTITY_FILES[label]), label, tokenize)
    return patterns


def content_version(root: Path) -> str:
    """A version that changes whenever the pattern data or the code that builds or runs the pipeline changes
    (0.1.<hash as int>). Rasa fingerprints a spaCy model by its name only: the trained components that read the
    parse add this version to their fingerprints (gsdoa_nlu/fingerprints.py), so a new pipeline retrains them."""
    digest = hashlib.sha256()
    for rel in [
        *ENTITY_FILES.values(),
        "gsdoa_nlu/build_spacy.py",
        "gsdoa_nlu/patterns.py",
        "gsdoa_nlu/spacy_components.py",
        "gsdoa_nlu/text.py",
    ]:
        digest.update((root / rel).read_bytes())
    return f"0.1.{int(digest.hexdigest()[:8], 16)}"


# French elisions split off as their own token ("l'ambulance" -> "l'" "ambulance", "qu'il" -> "qu'" "il"), so
# the word after them is seen (and matched by the EntityRuler: "l'Ontario") exactly as without the elision.
FRENCH_ELISION = r"(?i:(?:jusqu|lorsqu|puisqu|quoiqu|qu|[ljdnmtcs])['’](?=[^\W\d_]))"


def add_french_elisions(nlp) -> None:
    """English tokenizer + French elision prefixes (English words never start with l', j', qu'…)."""
    prefixes = [FRENCH_ELISION, *nlp.Defaults.prefixes]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search


def build(root: Path, out: Path) -> Path:
    nlp = spacy.blank("en")
    add_french_elisions(nlp)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("gsdoa_normalizer")  # gsdoa_nlu/spacy_components.py: lower-case lemmas, NORM for the safety nets
    ruler = cast(
        EntityRuler, nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True})
    )
    nlp.initialize()  # loads the lemma lookup table from spacy-lookups-data (a local package, no download)
    ruler.add_patterns(ruler_patterns(nlp, root))
    nlp.meta.update(
        name=PIPELINE_NAME,
        version=content_version(root),
        description="GSDOA bot: blank English tokenizer, lookup lemmatizer, EntityRuler (places, substances, "
        "legal situations). Built from data/patterns by gsdoa_nlu/build_spacy.py.",
        license="Apache-2.0",
        author="GSDOA bot project",
    )
    model_dir = out / "pipeline"
    if model_dir.exists():
        shutil.rmtree(model_dir)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(model_dir)
    dist = out / "dist"
    if dist.exists():
        shutil.rmtree(dist)
    dist.mkdir(parents=True)
    subprocess.run(
        [sys.executable, "-m", "spacy", "package", str(model_dir), str(dist), "--build", "sdist", "--force"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    (sdist,) = dist.glob("*/dist/*.tar.gz")
    return sdist


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=".", help="repository root (where data/ is)")
    parser.add_argument("--out", default="build/spacy")
    parser.add_argument(
        "--print-version",
        action="store_true",
        help="only print the version a build would have (`make spacy` rebuilds when it differs)",
    )
    args = parser.parse_args()
    if args.print_version:
        print(content_version(Path(args.root).resolve()))
        return
    sdist = build(Path(args.root).resolve(), Path(args.out).resolve())
    print(sdist)


if __name__ == "__main__":
    main()
