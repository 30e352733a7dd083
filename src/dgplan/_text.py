"""Text normalisation: NFKC, kanji numerals and the noise of text extracted from PDF.

Every function here keeps a map from each character of its output back to an offset in the
original input, so that phrases found in normalised text can be reported with their span in
the text the user gave us.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LazyPattern",
    "MappedText",
    "kanji_to_int",
    "normalize",
    "normalize_mapped",
    "normalize_phrase",
]


class LazyPattern:
    """A regular expression compiled on first use: `dgplan convert 令和3年度` and a plan read from
    its cache use few of the deadline grammar's patterns, and compiling all of them at import
    took a good part of the command's start. After the first use the compiled pattern's own
    methods answer directly (they shadow these, in the instance's ``__dict__``)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        pattern = re.compile(self.pattern, self.flags)
        self.__dict__.update(
            match=pattern.match, fullmatch=pattern.fullmatch, search=pattern.search, finditer=pattern.finditer,
            sub=pattern.sub, findall=pattern.findall, split=pattern.split,
        )  # fmt: skip
        return pattern

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().match(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().fullmatch(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled().search(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled().finditer(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled().sub(repl, string, count)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled().findall(string, pos, endpos)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return self.compiled().split(string, maxsplit)


_KANJI_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}
KANJI_NUMERAL_CHARS = "".join(_KANJI_DIGITS) + "".join(_KANJI_UNITS)

# Units after which a run of kanji numerals is a number; elsewhere (一部, 一体, 十分) it is a word.
_NUMERAL_UNIT = r"(?:年|月|日|か月|ヶ月|カ月|箇月|ケ月|四半期)"
_KANJI_RUN = LazyPattern(f"[{KANJI_NUMERAL_CHARS}]+")
ANY_KANJI_NUMERAL = LazyPattern(f"[{KANJI_NUMERAL_CHARS}]")
# What may follow a run for it to be a number: a unit; a Western year in brackets before 年
# (令和三(2021)年); or a joiner and a second number with a unit (令和二〜六年度, 三・四月).
_NUMBER_FOLLOWS = LazyPattern(
    rf"{_NUMERAL_UNIT}|\(\d{{4}}\)年|[~〜∼\-‐–—―ー−・、]\D{{0,2}}(?:[{KANJI_NUMERAL_CHARS}]+|\d+|元){_NUMERAL_UNIT}"
)

# A ruby (furigana) line: a few hiragana alone on a line after a line that ends in a kanji.
# Single particles and common endings stand alone on a line too, so they are never ruby.
_NOT_RUBY = frozenset(
    [
        "に",
        "を",
        "は",
        "が",
        "の",
        "で",
        "と",
        "へ",
        "も",
        "や",
        "か",
        "ね",
        "よ",
        "な",
        "て",
        "た",
        "し",
        "から",
        "まで",
        "より",
        "など",
        "する",
        "した",
        "して",
        "ます",
        "です",
        "ため",
        "こと",
        "もの",
        "には",
        "では",
        "とも",
        # the tails of deadline phrases that a line break leaves alone on a line (令和3年度\nまでに)
        "までに",
        "までの",
        "にかけて",
        "において",
        "ごろ",
        "ごろに",
        "ころ",
        "めど",
        "をめど",
    ]
)
_HIRAGANA_LINE = LazyPattern(r"[ぁ-ゖー]{1,4}")
_KANJI = LazyPattern(r"[\u3400-\u9fff\uf900-\ufaff々]")

# Footnote numbers glued between a period and the word that completes it (毎年度114末).
FOOTNOTE_BEFORE_SUFFIX = LazyPattern(
    r"(?<=[年月日度])\d{1,3}(?=末|まで|中に|中$|内に|以降|以後|当初|初頭|冒頭|上期|下期|上半期"
    r"|下半期|前半|後半|を目途|目途|めど|頃)"
)
_ALNUM = LazyPattern(r"[0-9A-Za-z]")
# Lenticular brackets are brackets to a reader (令和3年度【2022年度】); NFKC leaves them as they are.
# 迄 is まで written in kanji (令和5年度末迄に), as older and formal texts write it.
_BRACKETS = {"【": "(", "】": ")", "〔": "(", "〕": ")", "迄": "まで"}


def kanji_to_int(numeral: str) -> int:
    """Return the value of a kanji numeral: positional (二〇二一) or with units (三十一, 千九百).

    >>> kanji_to_int("三十一"), kanji_to_int("二〇二一"), kanji_to_int("十")
    (31, 2021, 10)
    """
    if not numeral or any(c not in _KANJI_DIGITS and c not in _KANJI_UNITS for c in numeral):
        raise ValueError(f"{numeral!r} is not a kanji numeral")
    if not any(c in _KANJI_UNITS for c in numeral):
        return int("".join(str(_KANJI_DIGITS[c]) for c in numeral))
    total = 0
    pending: int | None = None
    last_unit = 10_000
    for char in numeral:
        if char in _KANJI_DIGITS:
            if pending is not None:
                raise ValueError(f"{numeral!r} is not a kanji numeral")
            pending = _KANJI_DIGITS[char]
        else:
            unit = _KANJI_UNITS[char]
            if unit >= last_unit:
                raise ValueError(f"{numeral!r} is not a kanji numeral")
            total += (1 if pending is None else pending) * unit
            pending = None
            last_unit = unit
    return total + (pending or 0)


@dataclass(frozen=True, slots=True)
class MappedText:
    """Normalised text with, for each of its characters, the offset it came from in the input."""

    text: str
    origin: tuple[int, ...]
    source_length: int

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the half-open range ``[start, end)`` of ``text`` back to the input."""
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else self.source_length
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def rewrite(self, pattern: re.Pattern[str] | LazyPattern, replace: Callable[[re.Match[str]], str]) -> MappedText:
        """Replace every match of ``pattern``; replacement characters map to the match's start."""
        pieces: list[str] = []
        origin: list[int] = []
        last = 0
        for match in pattern.finditer(self.text):
            pieces.append(self.text[last : match.start()])
            origin.extend(self.origin[last : match.start()])
            new = replace(match)
            pieces.append(new)
            if match.start() < match.end():
                first = self.origin[match.start()]
                tail = self.origin[match.end() - 1]
                origin.extend([first] * (len(new) - 1) + [tail] if new else [])
            else:
                origin.extend([self.origin[match.start()] if match.start() < len(self.origin) else 0] * len(new))
            last = match.end()
        pieces.append(self.text[last:])
        origin.extend(self.origin[last:])
        return MappedText("".join(pieces), tuple(origin), self.source_length)


@functools.lru_cache(maxsize=4096)
def _nfkc_char(char: str) -> str:
    """What one non-ASCII character becomes: its NFKC form, or nothing for a format character
    (zero-width spaces, soft hyphens and BOMs that PDF extraction leaves inside words)."""
    import unicodedata  # on the first character that is not ASCII: an ISO date needs none of it

    if char in _BRACKETS:
        return _BRACKETS[char]
    return "" if unicodedata.category(char) == "Cf" else unicodedata.normalize("NFKC", char)


def _nfkc_mapped(text: str) -> MappedText:
    """NFKC character by character, keeping the offset each output character came from.

    Most characters (ASCII, kanji, kana) are their own NFKC form: the distinct characters of the
    text are looked at once, and only those that change (full-width digits, half-width kana, ①,
    format characters) are visited; the stretches between them are copied whole.
    """
    changes = {char: normal for char in set(text) if char > "\x7f" and (normal := _nfkc_char(char)) != char}
    if not changes:
        return MappedText(text, tuple(range(len(text))), len(text))
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    pattern = re.compile("[" + "".join(re.escape(char) for char in sorted(changes)) + "]")
    for match in pattern.finditer(text):
        index = match.start()
        if last < index:
            pieces.append(text[last:index])
            origin.extend(range(last, index))
        normal = changes[match.group()]
        pieces.append(normal)
        origin.extend([index] * len(normal))
        last = index + 1
    pieces.append(text[last:])
    origin.extend(range(last, len(text)))
    return MappedText("".join(pieces), tuple(origin), len(text))


def _drop_ruby_lines(text: str) -> str:
    """Blank out ruby lines, keeping the text's length so offsets stay valid."""
    lines = text.split("\n")
    previous_content = ""
    # The last line with content: a ruby line has content after it (found once, not per line).
    last_content = max((index for index, line in enumerate(lines) if line.strip()), default=-1)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        is_ruby = (
            _HIRAGANA_LINE.fullmatch(stripped) is not None
            and stripped not in _NOT_RUBY
            and previous_content != ""
            and _KANJI.fullmatch(previous_content[-1]) is not None
            and index < last_content
        )
        if is_ruby:
            lines[index] = " " * len(line)
        else:
            previous_content = stripped
    return "\n".join(lines)


_SPACES = LazyPattern(r"\s+")  # \s is str.isspace() for str patterns


def _squeeze_spaces(mapped: MappedText) -> MappedText:
    """Drop white space, except between two ASCII letters or digits (where it separates words)."""
    text, source = mapped.text, mapped.origin
    length = len(text)
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _SPACES.finditer(text):
        index, end = match.span()
        pieces.append(text[last:index])
        origin.extend(source[last:index])
        if index and end < length and _ALNUM.match(text[index - 1]) and _ALNUM.match(text[end]):
            pieces.append(" ")
            origin.append(source[index])
        last = end
    if not last:
        return mapped  # no white space at all
    pieces.append(text[last:])
    origin.extend(source[last:])
    return MappedText("".join(pieces), tuple(origin), mapped.source_length)


def _kanji_numerals(mapped: MappedText) -> MappedText:
    """Kanji numerals that count years, months or days become digits (令和三年 → 令和3年).

    Each run is looked at once, and what follows it is matched from the run's end, so the work
    is linear in the text however long the runs (a regex lookahead per start would be quadratic).
    """
    text = mapped.text

    def replace(match: re.Match[str]) -> str:
        run = match.group()
        end = match.end()
        if run.endswith("四") and len(run) > 1 and text.startswith("半期", end):
            run, tail = run[:-1], "四"  # 第一四半期: the 四 belongs to 四半期
        else:
            tail = ""
            if _NUMBER_FOLLOWS.match(text, end) is None:
                return run
        try:
            return str(kanji_to_int(run)) + tail
        except ValueError:
            return run + tail

    return mapped.rewrite(_KANJI_RUN, replace)


def normalize_mapped(text: str) -> MappedText:
    """Normalise raw (PDF-extracted) text for phrase finding, keeping the offset map.

    NFKC; ruby lines dropped; white space and line breaks removed (kept as one space only
    between ASCII words or numbers); kanji numerals before 年/月/日 or after an era name turned
    into digits; footnote numbers glued between a period and its suffix (毎年度114末) removed.
    """
    mapped = _nfkc_mapped(_drop_ruby_lines(text))
    mapped = _squeeze_spaces(mapped)
    mapped = _kanji_numerals(mapped)
    return mapped.rewrite(FOOTNOTE_BEFORE_SUFFIX, lambda _match: "")


def normalize(text: str) -> str:
    """Normalise raw text (see :func:`normalize_mapped`) and return the text only.

    >>> normalize("令和３年度\\n（2021年\\n度）末まで")
    '令和3年度(2021年度)末まで'
    >>> normalize("令和三年九月一日")
    '令和3年9月1日'
    """
    return normalize_mapped(text).text


def normalize_phrase(text: str) -> str:
    """Normalise one short phrase: NFKC, no white space, kanji numerals as digits.

    Unlike :func:`normalize` it keeps every other character, for strict parsers that must
    reject what they do not understand rather than clean it away.

    Every parser calls it once per phrase, so it does the work of :func:`_normalize_phrase_mapped`
    without the offset map nobody reads here: each step is skipped where the text has nothing for
    it (most phrases have no white space and no kanji numeral). The tests hold the two equal.
    """
    if not text.isascii():
        changes = {ord(char): normal for char in set(text) if char > "\x7f" and (normal := _nfkc_char(char)) != char}
        if changes:
            text = text.translate(changes)
    if _SPACES.search(text) is not None:
        text = _SPACES.sub(_squeezed, text)
    if ANY_KANJI_NUMERAL.search(text) is not None:
        text = _KANJI_RUN.sub(_kanji_replacement, text)
    return text


def _squeezed(match: re.Match[str]) -> str:
    """What :func:`_squeeze_spaces` leaves of one stretch of white space."""
    text, index, end = match.string, match.start(), match.end()
    if index and end < len(text) and _ALNUM.match(text[index - 1]) and _ALNUM.match(text[end]):
        return " "
    return ""


def _kanji_replacement(match: re.Match[str]) -> str:
    """What :func:`_kanji_numerals` makes of one run of kanji numerals (read against the text
    before any run is replaced, as there)."""
    run = match.group()
    text, end = match.string, match.end()
    if run.endswith("四") and len(run) > 1 and text.startswith("半期", end):
        run, tail = run[:-1], "四"
    else:
        tail = ""
        if _NUMBER_FOLLOWS.match(text, end) is None:
            return run
    try:
        return _kanji_digits(run) + tail
    except ValueError:
        return run + tail


@functools.lru_cache(maxsize=1024)
def _kanji_digits(run: str) -> str:
    """``str(kanji_to_int(run))``, remembered: a column of kanji dates has few distinct runs
    (一 to 三十一, the years), read over and over."""
    return str(kanji_to_int(run))


def _normalize_phrase_mapped(text: str) -> str:
    """:func:`normalize_phrase` by way of the offset-keeping steps of :func:`normalize_mapped`:
    the reference the fast version is tested against."""
    mapped = _squeeze_spaces(_nfkc_mapped(text))
    return _kanji_numerals(mapped).text


def owner_key(owner: str) -> str:
    """An owner (担当) as asked for, normalised to compare with the owners a plan writes."""
    key = normalize(owner).strip()
    if not key:
        raise ValueError(f"owner {owner!r} names no one; give a ministry or division (担当)")
    return key


def names_owner(text: str | None, key: str) -> bool:
    """Whether an owner's text (``デジタル庁、総務省``) names the owner ``key`` (:func:`owner_key`)."""
    return text is not None and key in normalize(text)
