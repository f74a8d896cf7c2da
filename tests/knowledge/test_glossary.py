"""The glossary: "wat is BIM?" gets a short explanation; a question that only names the word
does not."""

import pytest

import knowledge


@pytest.mark.parametrize(
    "text, start",
    [
        ("wat is bim eigenlijk", "BIM (Bouw Informatie Model)"),
        ("Wat is BIM?", "BIM (Bouw Informatie Model)"),
        ("wat is nou precies een warmtepomp", "Een warmtepomp"),
        ("wat is een mbo niveau eigenlijk?", "Het mbo heeft 4 niveaus"),
        ("wat betekent zij-instromer", "Een zij-instromer"),
        ("wat is een o&o-fonds", "Een O&O-fonds"),
    ],
)
def test_a_word_asked_about_is_explained(text, start):
    assert knowledge.explain_term(text).startswith(start)


@pytest.mark.parametrize(
    "text",
    [
        "ik wil bim leren",
        "wat kost bim",
        "wat is een goede cursus voor warmtepompen",
        "wat is het verschil tussen bbl en bol",  # the FAQ answers that one
        "",
        None,
        "wat is",
        "wat is " + "x" * 5000,
    ],
)
def test_no_explanation_when_the_message_does_not_ask_what_a_word_means(text):
    assert knowledge.explain_term(text) is None


def test_every_explanation_is_short_plain_dutch():
    from knowledge.glossary import _terms

    for _, text in _terms():
        sentences = [s for s in text.split(". ") if s]
        assert len(text) <= 420 and all(len(s.split()) <= 25 for s in sentences), text
