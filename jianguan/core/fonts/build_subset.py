"""Build the bundled CJK font for PDF documents (inspection notices and the like).

The subset keeps every character encodable in GB 2312 (the 6,763 hanzi and 682 symbols of the national
standard), printable ASCII, CJK symbols and punctuation (U+3000–U+303F) and half- and full-width forms
(U+FF00–U+FFEF), taken from WenQuanYi Micro Hei (Debian package ``fonts-wqy-microhei``).

Run (fontTools is needed for this script only, not at runtime):

    apt-get install fonts-wqy-microhei
    .venv/bin/pip install fonttools
    .venv/bin/python jianguan/core/fonts/build_subset.py [source.ttc]

The output is ``jianguan/core/fonts/wqy-microhei-gb2312.ttf`` (a plain TrueType font with glyf
outlines, which reportlab embeds as a subset into every PDF). The script is deterministic for a given
source font and fontTools version.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
OUTPUT = HERE / "wqy-microhei-gb2312.ttf"


def gb2312_codepoints() -> set[int]:
    """Every BMP character that Python's 'gb2312' codec can encode."""
    out: set[int] = set()
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            chr(cp).encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.add(cp)
    return out


def wanted_codepoints() -> set[int]:
    cps = gb2312_codepoints()
    cps |= set(range(0x20, 0x7F))  # printable ASCII
    cps |= set(range(0x3000, 0x3040))  # CJK symbols and punctuation
    cps |= set(range(0xFF00, 0xFFF0))  # half-width and full-width forms
    cps |= {0x00B7, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x00D7, 0x2116, 0x25A1}
    return cps


def build(source: Path = SOURCE, output: Path = OUTPUT) -> Path:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), fontNumber=0)  # 0 = WenQuanYi Micro Hei (1 is the Mono variant)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True  # a visible box for characters the subset lacks
    options.recalc_bounds = True
    options.drop_tables += ["DSIG"]
    options.hinting = False  # smaller; PDF viewers rasterise outlines themselves
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(wanted_codepoints()))
    subsetter.subset(font)
    font.save(str(output))
    return output


if __name__ == "__main__":
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    path = build(src)
    print(f"{path} {path.stat().st_size:,} bytes")
