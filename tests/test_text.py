import pytest
from django.core.exceptions import ValidationError

from annotations import text


def test_normalize_makes_line_ends_lf():
    assert text.normalize("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_normalize_composes_combining_accents():
    decomposed = "Cafe\u0301 Zu\u0308rich"
    assert text.normalize(decomposed) == "Café Zürich"
    assert len(text.normalize(decomposed)) == len("Café Zürich")


def test_normalize_drops_control_characters_but_keeps_newline_and_tab():
    assert text.normalize("a\x00b\x07c\td\ne\x1bf\x7f") == "abc\td\nef"


def test_normalize_keeps_emoji_flags_and_cjk():
    sample = "👍🏽 🇷🇺 👨‍👩‍👧 東京で「こんにちは」"
    assert text.normalize(sample) == sample


def test_normalize_is_idempotent():
    sample = "Cafe\u0301\r\n\x00「引用」👍"
    once = text.normalize(sample)
    assert text.normalize(once) == once
    assert text.is_normalized(once)
    assert not text.is_normalized(sample)


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [(-1, 3, "span_bounds"), (2, 99, "span_bounds"), (3, 3, "span_order"), (4, 2, "span_order")],
)
def test_check_span_refuses_bad_bounds(start, end, code):
    with pytest.raises(ValidationError) as exc:
        text.check_span("0123456789", start, end)
    assert exc.value.code == code


def test_check_span_refuses_text_that_disagrees_with_the_body():
    with pytest.raises(ValidationError, match="does not match"):
        text.check_span("Hello world", 0, 5, "Howdy")


def test_check_span_counts_code_points_not_utf16_units():
    body = "🇷🇺 Ура! 👍🏽 “東京”"
    start = body.index("東京")
    text.check_span(body, start, start + 2, "東京")
    # the flag is two code points, the thumbs up with skin tone two more
    assert text.utf16_offset(body, start) == start + 4
    assert text.codepoint_offset(body, text.utf16_offset(body, start)) == start


def test_utf16_round_trip_at_every_index():
    body = "a👍b🇫🇷c\u0301d東e\n"
    for i in range(len(body) + 1):
        assert text.codepoint_offset(body, text.utf16_offset(body, i)) == i


def test_refuse_nul():
    with pytest.raises(ValidationError, match="NUL"):
        text.refuse_nul("abc\x00", "note")
    text.refuse_nul("abc")


def test_trim_span_and_quotation_marks():
    body = "He said: “ Hello there ” today."
    start, end = text.trim_span(body, body.index("“") + 1, body.index("”"))
    assert body[start:end] == "Hello there"
    assert text.inside_quotation_marks(body, start, end)
    assert not text.inside_quotation_marks(body, 0, 7)


@pytest.mark.parametrize("pair", ['""', "“”", "„“", "„”", "«»", "»«", "「」", "『』", "‘’"])
def test_inside_quotation_marks_for_every_style(pair):
    body = f"X said {pair[0]}words here{pair[1]}."
    start = body.index("words")
    assert text.inside_quotation_marks(body, start, start + len("words here"))


def test_raw_offsets_map_normalised_spans_back_to_the_stored_text():
    raw = "One\r\nCafe\u0301 au lait\x07.\r\nTwo"
    body, offsets = text.RawOffsets.normalize(raw)
    assert body == text.normalize(raw) == "One\nCaf\u00e9 au lait.\nTwo"
    for part, stored in [("Caf\u00e9 au lait.", "Cafe\u0301 au lait\x07."), ("Two", "Two")]:
        s = body.index(part)
        e = s + len(part)
        assert raw[offsets.start(s) : offsets.end(e)] == stored
    assert raw[offsets.start(3) : offsets.end(4)] == "\r\n"
    assert offsets.to_normalized(raw.index("Two")) == body.index("Two")
    assert offsets.start(len(body)) == len(raw)
