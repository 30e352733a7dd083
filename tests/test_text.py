"""Normalisation of PDF-extracted text: NFKC, kanji numerals, ruby lines, footnote digits."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dgplan._text import (
    _BRACKETS,
    MappedText,
    _nfkc_mapped,
    _normalize_phrase_mapped,
    _squeeze_spaces,
    kanji_to_int,
    normalize,
    normalize_mapped,
    normalize_phrase,
)


class TestKanjiToInt:
    @pytest.mark.parametrize(
        ("numeral", "value"),
        [
            ("一", 1),
            ("十", 10),
            ("十二", 12),
            ("二十", 20),
            ("三十一", 31),
            ("百", 100),
            ("千九百八十九", 1989),
            ("二〇二一", 2021),
            ("〇", 0),
            ("二千二十一", 2021),
        ],
    )
    def test_values(self, numeral: str, value: int) -> None:
        assert kanji_to_int(numeral) == value

    @pytest.mark.parametrize("numeral", ["", "十十", "三四十", "百千", "年"])
    def test_invalid(self, numeral: str) -> None:
        with pytest.raises(ValueError, match=repr(numeral)):
            kanji_to_int(numeral)

    @given(st.integers(min_value=1, max_value=99))
    def test_round_trip_with_formatter(self, number: int) -> None:
        from dgplan.era import _to_kanji

        assert kanji_to_int(_to_kanji(number)) == number


class TestNormalize:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("令和３年度（２０２１年度）", "令和3年度(2021年度)"),
            ("令和３年度\n\n（2021年\n\n度）末までに", "令和3年度(2021年度)末までに"),
            ("令和 12年", "令和12年"),
            ("(2022 年)", "(2022年)"),
            ("（令\n\n和元年法律第16号）", "(令和元年法律第16号)"),
            # footnote digits glued between a period and its suffix never join the year
            ("毎年度\n\n\n\n \n\n114 \n\n末 100％超", "毎年度末100%超"),
            ("令和3年度12まで", "令和3年度まで"),
            # ... but a month after a year is kept
            ("令和3年4月", "令和3年4月"),
            # digits on both sides of white space stay apart
            ("オンライ67 2021年", "オンライ67 2021年"),
            ("オンライ67 令和3年度", "オンライ67令和3年度"),
            # ruby lines are dropped, particles on their own line are not
            ("うに繋\n\nつな\n\nがるのか", "うに繋がるのか"),
            ("可能\n\nに\n\n国・地方", "可能に国・地方"),
            ("令和4年度\nに\n整備", "令和4年度に整備"),
            # kanji numerals only where they are numbers
            ("令和三年度", "令和3年度"),
            ("令和三年十月一日", "令和3年10月1日"),
            ("第二四半期", "第2四半期"),
            ("一部の十分な検討", "一部の十分な検討"),
            ("Public Value", "Public Value"),
        ],
    )
    def test_cases(self, raw: str, expected: str) -> None:
        assert normalize(raw) == expected

    @given(st.text())
    def test_map_points_into_the_source(self, raw: str) -> None:
        mapped = normalize_mapped(raw)
        assert len(mapped.origin) == len(mapped.text)
        assert all(0 <= offset < len(raw) for offset in mapped.origin)
        assert list(mapped.origin) == sorted(mapped.origin)

    def test_span_maps_back_to_source(self) -> None:
        raw = "・ 令和３年度\n\n（2021年度）末までに改修"
        mapped = normalize_mapped(raw)
        start = mapped.text.index("令和")
        end = mapped.text.index("改修")
        source_start, source_end = mapped.source_span(start, end)
        assert raw[source_start:source_end] == "令和３年度\n\n（2021年度）末までに"


# ---------------------------------------------------------------------------------------------
# The bulk NFKC and white-space passes give exactly what a character-by-character pass gives.


def _nfkc_one_by_one(text: str) -> MappedText:
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if ord(char) > 0x7F and unicodedata.category(char) == "Cf":
            continue
        # Lenticular and tortoise-shell brackets read as round ones, which NFKC leaves alone.
        normal = _BRACKETS.get(char) or (unicodedata.normalize("NFKC", char) if ord(char) > 0x7F else char)
        pieces.append(normal)
        origin.extend([index] * len(normal))
    return MappedText("".join(pieces), tuple(origin), len(text))


def _squeeze_one_by_one(mapped: MappedText) -> MappedText:
    text = mapped.text
    keep_chars: list[str] = []
    keep_origin: list[int] = []
    length = len(text)
    index = 0
    while index < length:
        char = text[index]
        if char.isspace():
            end = index
            while end < length and text[end].isspace():
                end += 1
            before = text[index - 1] if index else ""
            after = text[end] if end < length else ""
            if before and after and re.match(r"[0-9A-Za-z]", before) and re.match(r"[0-9A-Za-z]", after):
                keep_chars.append(" ")
                keep_origin.append(mapped.origin[index])
            index = end
            continue
        keep_chars.append(char)
        keep_origin.append(mapped.origin[index])
        index += 1
    return MappedText("".join(keep_chars), tuple(keep_origin), mapped.source_length)


_TRICKY = (
    "【】〔〕ａＢ０１ｶﾞｷﾞ①㍻㈱\u200b\u00ad\ufeff\u3000 \t\n\r\x0b\x1c\x85\xa0が\u3099か\u309b令和三年度AZaz09,.-]^\\"
)


class TestBulkPassesAgree:
    @given(st.text(alphabet=st.sampled_from(_TRICKY)) | st.text())
    @settings(max_examples=400)
    def test_nfkc(self, value: str) -> None:
        assert _nfkc_mapped(value) == _nfkc_one_by_one(value)

    @given(st.text(alphabet=st.sampled_from(_TRICKY)) | st.text())
    @settings(max_examples=400)
    def test_squeeze_spaces(self, value: str) -> None:
        mapped = _nfkc_one_by_one(value)
        assert _squeeze_spaces(mapped) == _squeeze_one_by_one(mapped)

    def test_pure_ascii_and_empty(self) -> None:
        for value in ("", "abc", "a b", "  ", "2021 年"):
            assert _squeeze_spaces(_nfkc_mapped(value)) == _squeeze_one_by_one(_nfkc_one_by_one(value))


# Characters that move normalize_phrase's answer: white space of every kind, full-width and
# compatibility forms, format characters, kanji numerals and the units after which they are numbers.
_PHRASE_ALPHABET = (
    "〇零一二三四五六七八九十百千年月日度か月ヶカ箇ケ四半期元令和平成R3 　\t\n\xa0\u200b（）()2021０１２３-〜・、"
    "【】迄ａＺ①㋿"
)


class TestNormalizePhrase:
    """normalize_phrase skips the offset map for speed; it must give the mapped steps' text."""

    @given(st.text(alphabet=st.sampled_from(_PHRASE_ALPHABET), max_size=24) | st.text(max_size=12))
    def test_equals_the_mapped_steps(self, text: str) -> None:
        assert normalize_phrase(text) == _normalize_phrase_mapped(text)

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("平成三十年十二月一日", "平成30年12月1日"),
            ("令和 3 年", "令和3年"),
            ("令和 3 1年", "令和3 1年"),  # a space between two ASCII numbers separates them
            ("第一四半期", "第1四半期"),
            ("十十年", "十十年"),  # no number: kept as written, for the parser to refuse
            ("令和３年（2021年）", "令和3年(2021年)"),
        ],
    )
    def test_examples(self, text: str, expected: str) -> None:
        assert normalize_phrase(text) == expected
