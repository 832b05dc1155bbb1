"""Plain text reports: bytes -> text with a detected encoding, and text -> lines.

Why a detector: archives of these reports mix UTF-8 (with and without a byte-order mark)
and GB18030/GBK, the encodings of older Chinese government sites, and a few Big5 copies
from Hong Kong and Taiwan mirrors. UTF-8 is tried strictly first because a valid UTF-8
decode of Chinese text is almost never an accident; anything else goes to
charset-normalizer, limited to the encodings such reports are published in, so it cannot
"succeed" with a Latin code page that turns every character into mojibake.

Example:
    >>> decode_text("统计期限".encode("gb18030"), "r.txt")
    ('统计期限', 'gb18030')
"""

from __future__ import annotations

import codecs

import charset_normalizer

from govdata.formats.errors import ReadError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# What charset-normalizer may choose from. GB2312 and GBK are subsets of GB18030, so GB18030
# decodes all three and is what we record.
_CANDIDATES = ["gb18030", "big5"]
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936", "hz"}

# Labels that pages declare (<meta charset=...>) mapped to the codec that decodes them all.
_DECLARED_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030",
                     "utf8": "utf-8", "big5-hkscs": "big5hkscs"}


def decode_text(raw: bytes, source: str, *, declared: str | None = None) -> tuple[str, str]:
    """Decode report bytes; returns (text, encoding). Raises ReadError naming file and line.

    ``declared`` is an encoding the file itself states (an HTML page's ``<meta charset>``);
    it is used when the bytes decode cleanly with it, since pages do lie sometimes.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _strict(raw, encoding, source), encoding
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _cut_mid_character(utf8_error, raw):
        return raw[: utf8_error.start].decode("utf-8"), "utf-8"
    if b"\x00" in raw[:4096]:
        raise ReadError(source, "binary file (NUL bytes): not a text report")
    declared_codec = _codec_for_declared(declared)
    if declared_codec and declared_codec != "utf-8":
        try:
            return raw.decode(declared_codec), declared_codec
        except UnicodeDecodeError:
            pass
    guess = _detect(raw)
    if guess is not None:
        return guess
    line = raw[: utf8_error.start].count(b"\n") + 1
    raise ReadError(source, "cannot decode as UTF-8, GB18030/GBK or Big5 "
                            f"(first byte that is not UTF-8 at offset {utf8_error.start}); wrong encoding or not a text file", line)


def _strict(raw: bytes, encoding: str, source: str) -> str:
    """Decode a file that starts with a byte-order mark; a bad byte then is an error, not a guess."""
    body, codec = (raw[len(codecs.BOM_UTF8):], "utf-8") if encoding == "utf-8-sig" else (raw, encoding)
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(codec, errors="replace").count("\n") + 1
        raise ReadError(source, f"starts with a {encoding} byte-order mark but is not valid {encoding} "
                                f"(bad byte at offset {exc.start})", line) from exc


def _codec_for_declared(declared: str | None) -> str | None:
    if not declared:
        return None
    label = declared.strip().lower()
    label = _DECLARED_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _detect(raw: bytes, *, allow_cut: bool = True) -> tuple[str, str] | None:
    """Let charset-normalizer rank the Chinese encodings; take the first plausible decode.

    On a tie (short snippets decode cleanly as both) GB18030 wins: mainland agencies publish
    these reports, and Big5 copies are rare. charset-normalizer rejects a file cut inside its
    last character; the text before the cut is then judged instead.
    """
    matches = sorted(charset_normalizer.from_bytes(raw, cp_isolation=_CANDIDATES),
                     key=lambda m: (m.chaos, _codec(m.encoding) != "gb18030"))
    for match in matches:
        encoding = _codec(match.encoding)
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if looks_like_chinese_text(text):
            return text, encoding
    if allow_cut:
        for encoding in _CANDIDATES:
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as exc:
                if _cut_mid_character(exc, raw) and (found := _detect(raw[: exc.start], allow_cut=False)):
                    return found
    return None


def _cut_mid_character(error: UnicodeDecodeError, raw: bytes) -> bool:
    """True when the only bad bytes are an incomplete character at the very end of the file.

    A download cut off mid-file usually ends inside a multi-byte character; the text before
    it is intact, and the parser reports the tables the cut left incomplete.
    """
    return error.start >= len(raw) - 3 and error.reason in ("unexpected end of data", "incomplete multibyte sequence")


def _codec(name: str) -> str:
    return "gb18030" if name.lower().replace("-", "").replace("_", "") in _GB_FAMILY else name


def looks_like_chinese_text(text: str) -> bool:
    """A decode that yields mostly CJK or ASCII text is taken; mojibake rarely does."""
    sample = text[:20000]
    if not sample:
        return True
    good = sum(1 for ch in sample if ch.isascii() or "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
               or ch in "“”‘’—…·")
    return good / len(sample) > 0.9


def split_lines(text: str) -> list[str]:
    """Lines of decoded text; \\r\\n and lone \\r end lines too, a final newline adds no line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines = lines[:-1]
    return lines
