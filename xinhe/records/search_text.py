"""How search compares text, what it puts in its two indexes and how it shows a match.

`fold` is the form in which text is compared; `tri_text` is a document's text in the
trigram index, `gram_text` its characters and character pairs in the gram index (see
search.py); `excerpt` is the snippet around a match.
"""

from __future__ import annotations

import sys
import unicodedata
from array import array
from collections.abc import Sequence

# The ascii tokenizer splits at ASCII punctuation, so in the gram index each ASCII
# punctuation character stands in as a private-use character of plane 15 (which `fold`
# never produces, so the stand-ins cannot collide with real text).
_PLACEHOLDER_BASE = 0xF0000
PLACEHOLDERS = {
    c: chr(_PLACEHOLDER_BASE + c)
    for c in range(128) if not chr(c).isalnum() and not chr(c).isspace()
}
_REPLACEMENT = "\ufffd"


# Snippets mark each match with this pair; neither can occur in a snippet otherwise.
MARK_START = "\x02"
MARK_END = "\x03"
SNIPPET_CHARS = 40


# -- folding ------------------------------------------------------------------------------

class _FoldTable(dict[int, str]):
    def __missing__(self, code: int) -> str:
        char = chr(code)
        out = unicodedata.normalize("NFKC", char)
        if len(out) != 1:
            out = char
        lower = out.lower()
        if len(lower) == 1:
            out = lower
        if (code == 0 or 0xD800 <= code <= 0xDFFF
                or _PLACEHOLDER_BASE <= ord(out) <= _PLACEHOLDER_BASE + 0xFF or out == "\x00"):
            out = _REPLACEMENT
        self[code] = out
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """The form in which text is compared: each character folded to exactly one character
    (NFKC compatibility form and lower case where those are single characters), so offsets
    in the folded text are offsets in the original."""
    if text.isascii() and "\x00" not in text:
        return text.lower()
    return text.translate(_FOLD)


def terms_of(query: str) -> list[str]:
    """The folded terms of a query, without duplicates or terms contained in another."""
    terms = sorted(set(fold(query).split()), key=len, reverse=True)
    kept: list[str] = []
    for term in terms:
        if not any(term in longer for longer in kept):
            kept.append(term)
    return kept


def matches(terms: Sequence[str], title: str, body: str) -> bool:
    """The reference rule: every folded term is a substring of the folded title or body."""
    t, b = fold(title), fold(body)
    return all(term in t or term in b for term in terms)


# -- index text ---------------------------------------------------------------------------

# ASCII punctuation, each with its stand-in.
_STAND_IN = {chr(code): stand_in for code, stand_in in PLACEHOLDERS.items()}
_PUNCTUATION = frozenset(_STAND_IN)
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"
_CODE = "I" if array("I").itemsize == 4 else "L"  # one UTF-32 code unit per item
_SPACES = array(_CODE, [ord(" ")])


def tri_text(title: str, body: str) -> str:
    # Terms hold no whitespace, so no term can span the newline between title and body.
    return f"{fold(title)}\n{fold(body)}"


def gram_text(folded: str) -> str:
    """The gram index's text of a document, from its `tri_text`: every distinct character
    and every pair of adjacent characters, separated by spaces.

    Pairs are cut from the whole text, so a pair holding whitespace becomes (ASCII
    whitespace, split by the tokenizer) a single character already listed, or (other
    whitespace) a token no term can ask for, since terms hold no whitespace. The pairs
    are built with array slicing, in C: this text was a third of the index build."""
    chars = set(folded)
    text = folded
    # Only the punctuation present is replaced (a translate table cost a dict lookup per
    # character, a third of this function).
    for char in chars & _PUNCTUATION:
        chars.remove(char)
        chars.add(_STAND_IN[char])
        text = text.replace(char, _STAND_IN[char])
    codes = array(_CODE, text.encode(_UTF32))
    parts = [" ".join(chars)]
    for offset in (0, 1):
        count = (len(codes) - offset) // 2
        pairs = _SPACES * (3 * count)  # [first, second, space] per pair
        pairs[0::3] = codes[offset:offset + 2 * count:2]
        pairs[1::3] = codes[offset + 1:offset + 2 * count:2]
        parts.append(pairs.tobytes().decode(_UTF32))
    return " ".join(parts)


# -- snippets -----------------------------------------------------------------------------

def excerpt(terms: Sequence[str], text: str, folded: str, width: int = SNIPPET_CHARS) -> str:
    """About `width` characters around the first match, every match inside wrapped in
    MARK_START/MARK_END, whitespace shown as single spaces; "" if nothing matches."""
    found = [(i, len(t)) for t in terms if (i := folded.find(t)) >= 0]
    if not found:
        return ""
    pos, length = min(found)
    start = max(0, pos - max(0, width - length) // 3)
    end = min(len(text), max(start + width, pos + length))
    start = max(0, min(start, end - width))
    window = folded[start:end]
    places = []  # every occurrence inside the window; leftmost, then longest, wins
    for term in terms:
        i = window.find(term)
        while i >= 0:
            places.append((i, -len(term)))
            i = window.find(term, i + 1)
    pieces: list[str] = []
    done = 0
    for i, minus_length in sorted(places):
        if i >= done:
            pieces += [_clean(text[start + done:start + i]), MARK_START,
                       _clean(text[start + i:start + i - minus_length]), MARK_END]
            done = i - minus_length
    pieces.append(_clean(text[start + done:end]))
    core = " ".join("".join(pieces).split())
    return ("…" if start > 0 else "") + core + ("…" if end < len(text) else "")


def _clean(text: str) -> str:
    return text.replace(MARK_START, " ").replace(MARK_END, " ")
