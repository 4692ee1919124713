"""How a name sounds, for the duplicate check: 王丽, 王莉 and 王立 are all "wangli", so a
client whose name was written with other characters of the same sound (or in pinyin,
"Wang Li") is still found."""

from __future__ import annotations

import unicodedata


def sound_key(name: str) -> str:
    """The toneless pinyin of a name, run together ("wangli"); Latin letters and digits
    kept as they are, lower-cased. Width and spacing do not matter."""
    from pypinyin import Style, lazy_pinyin  # its dictionaries take ~0.2 s to load

    folded = "".join(unicodedata.normalize("NFKC", name).lower().split())
    syllables = lazy_pinyin(folded, style=Style.NORMAL, errors="default", strict=False)
    return "".join(s for s in syllables if s.strip())
