from __future__ import annotations

from collections.abc import Mapping, Sequence

from .article import Article
from .lexicon import PRONOUNS
from .names import plausible_antecedent
from .rules import analyse, colon_lead, topics
from .spans import Reading, Span, Suggestion, all_inside, any_overlap
from .speakers import gender, speaker_from_mention, subject_mentions
from .unattributed import attach_unattributed, label


def suggest(
    text: str,
    *,
    skip: Sequence[tuple[int, int]] = (),
    known_speakers: Mapping[str, Sequence[str]] | None = None,
) -> list[Suggestion]:
    """Propose the attributed statements of ``text``, sorted by where they start.

    ``skip``: ranges not to propose anything in (boilerplate). ``known_speakers``: canonical
    name -> aliases; a mention matching one yields the canonical name.
    """
    if not text.strip():
        return []
    return run(Article(text, skip, known_speakers))


def run(doc: Article) -> list[Suggestion]:
    found: list[Reading] = []
    for si, (lo, hi) in enumerate(doc.sentences):
        here = analyse(doc, si, lo, hi)
        if not here:
            lead = colon_lead(doc, si, lo, hi)
            if lead is not None:
                here = [lead]
        here = best_per_content(here)
        for f in topics(doc, si, lo, hi):
            if not any(any_overlap(f.fragments, k.fragments) for k in here):
                here.append(f)
        for f in list(here):
            if f.kind == "indirect":
                for inner in analyse(doc, si, f.fragments[0].start, f.fragments[0].end, True):
                    if inner.kind == "indirect" and inner.mention is not None:
                        found.append(inner)
        found += here
    found = attach_unattributed(doc, found)
    return finish(doc, found)


def best_per_content(items: list[Reading]) -> list[Reading]:
    """Among overlapping readings of one sentence keep the one with the widest reach."""
    items.sort(key=lambda f: (f.fragments[0].start, -(f.fragments[-1].end)))
    kept: list[Reading] = []
    for f in items:
        clash = None
        for k in kept:
            if any_overlap(f.fragments, k.fragments) or any_overlap([f.cue_span], k.fragments):
                clash = k
                break
        if clash is None:
            kept.append(f)
        elif all_inside([f.cue_span], clash.fragments) and not all_inside(
            [clash.cue_span], f.fragments
        ):
            continue  # a cue inside another content: nested, found later
        elif all_inside([clash.cue_span], f.fragments):
            kept.remove(clash)
            kept.append(f)
    return kept


def finish(doc: Article, found: list[Reading]) -> list[Suggestion]:
    out: list[Suggestion] = []
    seen: set[tuple[tuple[int, int], ...]] = set()
    found.sort(key=lambda f: f.fragments[0].start)
    # pronouns resolve to the person last named (as a speaker or a subject) before them
    antecedents = []
    speakers: list[Span] = []
    resolved: dict[int, str] = {}
    for f in found:
        if f.mention is not None and f.mention.text.lower() not in PRONOUNS:
            name = speaker_from_mention(doc, f.mention.text, f.mention.span.start, [])
            resolved[id(f)] = name
            speakers.append(f.mention.span)
            inside = any(
                g is not f and all_inside([f.mention.span], g.fragments) and g.kind != "direct"
                for g in found
            )
            if name and plausible_antecedent(name) and not inside:
                antecedents.append((f.mention.span.end, name, gender(doc, f.mention)))
    for pos, name, guess in subject_mentions(doc):
        if not any(sp.start <= pos < sp.end for sp in speakers):
            antecedents.append((pos, name, guess))
    antecedents.sort()
    for f in found:
        if f.mention is not None and id(f) not in resolved:
            resolved[id(f)] = speaker_from_mention(
                doc, f.mention.text, f.mention.span.start, antecedents
            )
    for f in found:
        frags = sorted(f.fragments, key=lambda sp: sp.start)
        if any(doc.in_skip(sp) for sp in frags):
            continue
        if f.kind == "direct":
            frags = [sp for sp in frags if not label(doc, sp, f.cue)]
            if not frags:
                continue
        key = tuple((sp.start, sp.end) for sp in frags)
        if key in seen:
            continue
        seen.add(key)
        mention = f.mention
        out.append(
            Suggestion(
                kind=f.kind,
                fragments=frags,
                speaker_name=resolved.get(id(f), "") if mention else "",
                speaker_mention=mention.span if mention else None,
                cue=" ".join(f.cue.split()),
                cue_span=f.cue_span,
                via=[v for v in f.via if v],
            )
        )
    out.sort(key=lambda s: (s.fragments[0].start, s.fragments[0].end))
    return out
