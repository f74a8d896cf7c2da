"""Short explanations of words people ask about ("wat is BIM eigenlijk?"), from
knowledge/data/glossary.yaml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from .vocabulary import alternatives

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "glossary.yaml"
# A question about what a word means; the word follows it.
# The words of other languages ("what is", "what does ... mean"): locales/<code>/patterns.yaml.
WHAT_IS = re.compile(
    r"\b(?:"
    + alternatives(
        "what_is",
        r"wat (?:is|zijn|betekent|betekenen|bedoel(?:en)? (?:je|jullie|ze) met)|wat's|"
        r"waar staat|uitleg over|leg (?:eens )?uit wat",
    )
    + r")\b\s*(?:(?:"
    + alternatives("what_is_fillers", r"nou|nu|precies|eigenlijk|dan|toch|zo'?n|een|de|het|dat|die")
    + r")\s+)*(.*)",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _terms() -> List[Tuple[re.Pattern, str]]:
    data = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    terms = []
    for term in data["terms"]:
        words = sorted(term["words"], key=len, reverse=True)
        pattern = re.compile(r"(?<![\w&-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w&-])", re.IGNORECASE)
        terms.append((pattern, " ".join(term["text"].split())))
    return terms


def explain(text: str) -> Optional[str]:
    """The explanation of the word a "wat is …" question asks about, or None."""
    question = WHAT_IS.search(text or "")
    if not question:
        return None
    asked = question.group(1)  # the word asked about comes first: "wat is een goede cursus
    # voor warmtepompen" asks for courses, not what a heat pump is
    return next((explanation for pattern, explanation in _terms() if pattern.match(asked)), None)
