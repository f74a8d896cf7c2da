"""Build the Dutch spaCy pipeline that config.yml points to (var/spacy/nl).

Uses nl_core_news_sm when it is installed (it is published outside PyPI, so users
with internet may add it); otherwise a blank Dutch pipeline with the lookup
lemmatizer, whose tables ship in the spacy-lookups-data package. Nothing is
downloaded. Prints which pipeline is used.
"""

import sys
from pathlib import Path

import spacy

TARGET = Path(__file__).resolve().parent.parent / "var" / "spacy" / "nl"


def build() -> str:
    try:
        nlp = spacy.load("nl_core_news_sm", exclude=["parser", "ner"])
        kind = "nl_core_news_sm"
    except OSError:
        nlp = spacy.blank("nl")
        # Lookup lemmas ("cursussen" -> "cursus") feed Rasa's CountVectors.
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        kind = "blank nl + lookup lemmatizer (spacy-lookups-data)"
    nlp.meta["name"] = "leerwijzer_nl"
    nlp.meta["description"] = f"Leerwijzer Dutch pipeline: {kind}"
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(TARGET)
    return kind


if __name__ == "__main__":
    kind = build()
    lemmas = [t.lemma_ for t in spacy.load(TARGET)("cursussen voor warmtepompen")]
    print(f"spaCy Dutch pipeline: {kind} -> {TARGET} (test lemmas: {lemmas})")
    sys.exit(0)
