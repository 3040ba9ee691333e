"""Forms for the editor's pages: adding or importing an article, and making or changing a
quote.

Offsets arrive as code points (the page converts the browser's UTF-16 selection before it
sends anything); every span is checked again here against the stored body.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from . import text as textrules
from .importing import IMPORTABLE
from .models import Article, Hop, Outlet, Quote, Speaker

MAX_FRAGMENTS = 50
MAX_HOPS = 10


def fit_selection(body: str, start: int, end: int) -> tuple[int, int, bool]:
    """Trim whitespace off a selected span and, when it holds its own quotation marks at both
    ends, step inside them. Returns ``(start, end, direct)`` where ``direct`` says the span
    sits between quotation marks. Raises ``ValidationError`` for a span outside the body."""
    textrules.check_span(body, start, end, what="selection")
    start, end = textrules.trim_span(body, start, end)
    if start >= end:
        raise ValidationError("The selection holds only white space.", code="span_blank")
    opening, closing = body[start], body[end - 1]
    if end - start > 2 and closing in textrules.QUOTATION_MARKS.get(opening, ""):
        inner = textrules.trim_span(body, start + 1, end - 1)
        if inner[0] < inner[1]:
            return inner[0], inner[1], True
    return start, end, textrules.inside_quotation_marks(body, start, end)


def parse_span(value: str) -> tuple[int, int]:
    try:
        start, end = (int(part) for part in value.split("-", 1))
    except ValueError:
        raise ValidationError(
            f"{value[:40]!r} is not a span; send fragments as START-END.", code="span_type"
        ) from None
    return start, end


class ArticleForm(forms.ModelForm):
    """Paste an article: the body is normalised once, here, as at every import."""

    publisher_name = forms.CharField(
        label="Publisher",
        max_length=200,
        required=False,
        help_text="Choose an outlet or type a new name.",
    )
    published_on = forms.DateField(
        label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Article
        fields = ["title", "body", "url", "byline"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        textrules.refuse_nul(body, "body")
        body = textrules.normalize(body)
        limit = settings.NEWSDESK_MAX_BODY_CHARS
        if len(body) > limit:
            raise ValidationError(
                f"The body has {len(body):,} characters; the most Newsdesk accepts is {limit:,}.",
                code="body_too_long",
            )
        if not body.strip():
            raise ValidationError("The body is empty.", code="body_empty")
        return body

    @transaction.atomic
    def save_for(self, user) -> Article:
        article = self.save(commit=False)
        name = self.cleaned_data.get("publisher_name", "").strip()
        article.publisher = Outlet.objects.find_or_create(name, by=user) if name else None
        day = self.cleaned_data.get("published_on")
        article.published_at = datetime.combine(day, time(12, 0), tzinfo=UTC) if day else None
        article.stamp(user)
        article.save()
        return article


class QuoteForm(forms.Form):
    """One quote: its fragments (``fragment`` = ``START-END``, repeated), kind, speaker (by
    id from the autocomplete, or by a name that is looked up or created), speaker mention,
    cue, via chain (``via_type``/``via_name`` pairs, nearest the speaker first) and note."""

    kind = forms.ChoiceField(choices=Quote.Kind.choices, widget=forms.RadioSelect)
    speaker = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    speaker_name = forms.CharField(label="Speaker", max_length=200, required=False)
    speaker_role = forms.CharField(label="Speaker's role", max_length=300, required=False)
    mention_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    mention_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    cue = forms.CharField(max_length=200, required=False)
    cue_start = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    cue_end = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    note = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The quote's version when the form was opened: a save over someone else's change is
    # refused instead of silently undoing it.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, article: Article, quote: Quote | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article
        self.quote = quote
        # A change names the version it was opened on (the page view refuses one without).
        self.fields["version"].required = quote is not None
        self.spans: list[tuple[int, int]] = []
        self.hops: list[tuple[str, str]] = []

    # What the template shows, from the submitted data when there is some.
    def fragment_rows(self) -> list[dict]:
        body = self.article.body
        if self.is_bound:
            raw = self.data.getlist("fragment")
            rows = []
            for value in raw[:MAX_FRAGMENTS]:
                try:
                    s, e = parse_span(value)
                except ValidationError:
                    continue
                if 0 <= s < e <= len(body):
                    rows.append({"start": s, "end": e, "text": body[s:e]})
            return rows
        return [dict(r) for r in self.initial.get("fragments", [])]

    def via_rows(self) -> list[dict]:
        if self.is_bound:
            pairs = zip(self.data.getlist("via_type"), self.data.getlist("via_name"), strict=False)
            return [{"type": t, "name": n} for t, n in pairs]
        return list(self.initial.get("via", []))

    @property
    def mention_text(self) -> str:
        return self.span_text("mention")

    @property
    def cue_text(self) -> str:
        return self.span_text("cue")

    def span_text(self, which: str) -> str:
        source = self.data if self.is_bound else self.initial
        try:
            start, end = int(source.get(f"{which}_start")), int(source.get(f"{which}_end"))
        except (TypeError, ValueError):
            return ""
        body = self.article.body
        return body[start:end] if 0 <= start < end <= len(body) else ""

    def clean(self):
        data = super().clean()
        body = self.article.body
        raw = self.data.getlist("fragment")
        if len(raw) > MAX_FRAGMENTS:
            raise ValidationError(f"A quote has at most {MAX_FRAGMENTS} fragments.")
        try:
            spans = []
            for value in raw:
                start, end = parse_span(value)
                textrules.check_span(body, start, end, what=f"fragment {start}-{end}")
                start, end = textrules.trim_span(body, start, end)
                if start < end:
                    spans.append((start, end))
            self.spans = Quote.check_fragments(body, spans)
        except ValidationError as exc:
            self.add_error(None, exc)
        for which, label in (("mention", "speaker mention"), ("cue", "cue")):
            start, end = data.get(f"{which}_start"), data.get(f"{which}_end")
            if (start is None) != (end is None):
                self.add_error(None, f"Give both ends of the {label}, or neither.")
            elif start is not None:
                try:
                    textrules.check_span(body, start, end, what=label)
                except ValidationError as exc:
                    self.add_error(None, exc)
        if data.get("cue_start") is not None and not data.get("cue") and not self.errors:
            data["cue"] = body[data["cue_start"] : data["cue_end"]][:200]
        types, names = self.data.getlist("via_type"), self.data.getlist("via_name")
        if len(types) != len(names):
            raise ValidationError("Each via hop needs a type and a name.")
        hops = []
        for kind, name in zip(types, names, strict=True):
            name = name.strip()
            if not name:
                continue
            if kind not in {"outlet", "speaker"}:
                raise ValidationError(f"A via hop is an outlet or a speaker, not {kind[:20]!r}.")
            if len(name) > 200:
                raise ValidationError("A via hop's name has at most 200 characters.")
            textrules.refuse_nul(name, "via hop name")
            hops.append((kind, name))
        if len(hops) > MAX_HOPS:
            raise ValidationError(f"A via chain has at most {MAX_HOPS} hops.")
        self.hops = hops
        return data

    def resolve_speaker(self, user) -> Speaker | None:
        name = self.cleaned_data.get("speaker_name", "").strip()
        if not name:
            return None
        chosen = self.cleaned_data.get("speaker")
        if chosen:
            speaker = Speaker.objects.filter(pk=chosen).first()
            if speaker is not None and speaker.name.casefold() == name.casefold():
                return speaker
        return Speaker.objects.find_or_create(name, by=user)

    @transaction.atomic
    def save(self, user, *, accept: bool = False, annotator=None) -> Quote:
        """Create the quote, or change the one being edited, recording ``user``. Raises
        :class:`Quote.VersionConflict` when the quote changed since the form was opened."""
        data = self.cleaned_data
        hops = [
            Hop(outlet=Outlet.objects.find_or_create(name, by=user))
            if kind == "outlet"
            else Hop(speaker=Speaker.objects.find_or_create(name, by=user))
            for kind, name in self.hops
        ]
        fields = {
            "kind": data["kind"],
            "fragments": self.spans,
            "speaker": self.resolve_speaker(user),
            "speaker_role": data.get("speaker_role", "").strip(),
            "mention": self.span_of("mention"),
            "cue": data["cue"],
            "cue_span": self.span_of("cue"),
            "via": hops,
            "note": data["note"],
            "by": user,
        }
        if self.quote is None:
            quote = Quote.create(self.article, annotator=annotator, **fields)
        else:
            quote = self.quote
            if accept:
                fields["status"] = Quote.Status.CONFIRMED
            quote.edit(expected_version=data["version"], **fields)
        if self.article.status == Article.Status.NEW:
            self.article.status = Article.Status.IN_PROGRESS
            self.article.stamp(user)
            self.article.save(update_fields=["status", "updated_by", "updated_at"])
        return quote

    def span_of(self, which: str) -> tuple[int, int] | None:
        start = self.cleaned_data[f"{which}_start"]
        return None if start is None else (start, self.cleaned_data[f"{which}_end"])


class ImportForm(forms.Form):
    text = forms.CharField(
        label="Paste an article",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="The first line is the title unless you give one below.",
    )
    title = forms.CharField(label="Title", required=False, max_length=500)
    file = forms.FileField(
        label="…or upload a file",
        required=False,
        help_text="Plain text (.txt), a saved web page (.html) or Newsdesk JSON Lines (.jsonl).",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORTABLE)}),
    )
    publisher = forms.CharField(label="Publisher", required=False, max_length=200)
    suggest = forms.BooleanField(label="Suggest quotes", required=False, initial=True)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste some text or choose a file to import.")
        if data.get("file") and (data.get("text") or "").strip():
            raise forms.ValidationError("Paste text or upload a file, not both at once.")
        return data


class SpeakerEditForm(forms.ModelForm):
    """An editor's change to a speaker: its name (a rename), description, kind, role,
    affiliation and Wikidata id."""

    class Meta:
        model = Speaker
        fields = ["name", "description", "kind", "role", "affiliation", "wikidata_id"]

    def clean(self):
        data = super().clean()
        name = data.get("name")
        if name:
            textrules.refuse_nul(name, "name")
            same = Speaker.objects.exclude(pk=self.instance.pk).filter(
                name_key=textrules.name_key(name), description=data.get("description", "")
            )
            if same.exists():
                raise ValidationError(
                    "Another speaker already has this name; merge the two, or give this one a "
                    "description that tells them apart.",
                    code="name_taken",
                )
        return data


class OutletEditForm(forms.ModelForm):
    """An editor's change to an outlet: its name, kind, home page and Wikidata id."""

    class Meta:
        model = Outlet
        fields = ["name", "kind", "home_page", "wikidata_id"]


class AliasForm(forms.Form):
    name = forms.CharField(label="New alias", max_length=200)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        textrules.refuse_nul(name, "alias")
        if not name:
            raise ValidationError("An alias needs a name.")
        return name
