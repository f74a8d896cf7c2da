"""What the fuzz tests send (hypothesis): any text, with control characters, surrogates and
lengths around the gateway's limit (`TEXT`), any JSON made of it (`JSON`), and nesting deep
enough to exhaust a parser (`deep`)."""

from hypothesis import strategies as st

ANY_CHAR = st.characters(blacklist_categories=())  # includes control characters, surrogates
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=80),
    st.text(st.characters(whitelist_categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Cs")), max_size=40),
    st.text(ANY_CHAR, min_size=1990, max_size=2100),  # around the 2,000-character limit
    st.sampled_from(
        [
            "",
            " ",
            "\n\t",
            "\x00",
            "😀" * 50,
            "<script>alert(1)</script>",
            "'; DROP TABLE gw_messages; --",
            "{{7*7}}",
            "../../etc/passwd",
            "\u202e",
            "BSN 123456782",
            "a" * 2001,
            "\ud800",
            "null",
            "🏳️‍🌈" * 300,
        ]
    ),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(TEXT, children, max_size=5),
    max_leaves=25,
)


def deep(n: int, open_="[", close="]") -> bytes:
    return (open_ * n + close * n).encode()
