import pytest

from annotations.forms import fit_selection


@pytest.mark.parametrize(
    "body",
    [
        "Er sagte: „Wir kommen morgen.“",
        "Er sagte: „Wir kommen morgen.”",
        "Il a dit : «Nous venons.»",
        "彼は「明日来ます」と言った。",
        'He said: "We come tomorrow."',
    ],
)
def test_a_selection_with_its_own_marks_steps_inside_them(body):
    opening = next(i for i, ch in enumerate(body) if ch in '„«「"')
    closing = len(body) - next(i for i, ch in enumerate(reversed(body)) if ch in '“”»」"')
    start, end, direct = fit_selection(body, opening, closing)
    assert direct
    assert body[start - 1] == body[opening] and body[end] == body[closing - 1]
