"""Suggest attributed statements (quotes) in an article, for an editor to accept or reject.

Pure Python, no Django models: the app stores the results as quotes with status
``suggested``; ``manage.py suggest`` and the corpus evaluation call :func:`suggest` directly.
This module runs the passes below; each cue of a sentence goes down the ordered list of rules
in :mod:`.rules` (``rules.RULES``) until one answers.

The approach is rules over surface text, in four passes:

1. **Quotation marks.** The double marks of :data:`annotations.text.QUOTATION_MARKS`
   (straight ``"..."``, curly ``“...”``, low-high ``„...“``, guillemets ``«...»``, CJK
   ``「...」``) are paired left to right. A straight mark's direction comes from its
   neighbours (space before: opening; space or punctuation after: closing), so
   apostrophes (``don't``, ``’s``) and single quotes never count; a straight opening mark
   may be closed by a curly one (``"...,” he said``). A quote may run over
   several paragraphs only in the newspaper convention where each new paragraph reopens
   it; otherwise an opening mark with no partner in its paragraph is dropped, so an
   unbalanced mark never swallows the rest of the article.
2. **Sentences.** The text is *masked*: the inside of every quote is replaced by a filler
   character, so that sentence ends, commas and reporting verbs inside quotes are
   invisible. Sentences are cut on the masked text (abbreviations such as "U.S." and
   "Sen." aside); a quote therefore always lies inside one sentence.
3. **Attributions per sentence.** A lexicon of reporting cues (``said``, ``told``,
   ``according to``, ``accused``, ``believes``, ...) is matched outside quotes. For each
   cue the sentence shape decides the content and the speaker:

   - ``“...,” SPEAKER said.`` / ``..., said SPEAKER.`` / ``..., SPEAKER said.``: the content
     is what precedes the comma (a quote: direct; plain text: indirect);
   - ``SPEAKER said (that) ...`` / ``SPEAKER said: “...”``: the content follows the cue; a
     quote alone is direct, a clause holding quoted words is mixed;
   - ``“First,” he said. “Second.”``: the unattributed quote that follows is a second
     fragment of the same statement;
   - ``according to X, ...`` / ``..., according to X``;
   - a content holding another cue yields a nested statement ("X said that Y alleged
     that ..."), found by running the same rules on the content;
   - ``The race appears closer in Ohio`` / ``X seemed ...`` / ``X is expected to ...``:
     an impression with no source; the content is the clause around the cue;
   - ``X declined to comment`` / ``X wants to build a wall`` / ``X plans to return``
     (cues of intention): the infinitive, to the end of its clause, is the content;
   - ``X has not endorsed Trump``: a stance's object may be a single name or pronoun;
   - ``X talked about Y`` / ``called for Y`` / ``was critical of Y`` / ``focused on Y`` /
     ``railed against Y`` / ``referring to Y`` and nouns with a clause (``his claim that
     ...``, ``the view that ...``): the object or the clause is the content, the subject
     (when there is one) the speaker; these never override a reading found by the cues
     above;
   - ``Asked whether he would run, ...`` / ``Asked about X, ...``: the question;
   - ``Poll: Trump and Clinton lead`` (a paragraph opening with a short phrase and a
     colon): the phrase is the source, the rest the content.

   A content stops where the speaker goes on to a second statement (``..., and added``,
   ``, though``, ``, saying``). Subjects may be shares of people (``Two in three said``,
   ``59 percent said``). A description after the cue keeps its modifiers up to a comma or
   the circumstances (``said one Democrat familiar with the talks in an interview``).
   Newspapers that write quotes as ``''...''`` get their sentence breaks there too (the
   marks stay ordinary text, as the reference corpus treats them): ``''A,'' X said.
   ''B.''`` is one indirect statement from mark to mark in two fragments, and cues inside
   such a quote are part of it (:mod:`.apostrophes`). A relative clause holds a statement
   (``Trump, who has criticized X, ...``: the antecedent speaks, up to the clause's comma;
   ``independents, which Democrats say could ...``: the rest of the clause), a Title Case
   headline has its cues (``Board Says ...``), and inside a content only verbs of saying
   (``NESTED_SPEECH``) make a nested statement.

   The speaker is the noun phrase next to the cue (appositions and titles removed, see
   :func:`speaker_name_from_source`). In ``X, <apposition>, said`` the name that comes
   first wins (``Anton, president of the Restaurant Association``; ages, ``of Ames, Iowa``,
   ``who ...`` clauses and state abbreviations are skipped); ``X, the guru who founded
   the site tweeted`` keeps ``X``; ``Rep.``, ``Sen.`` and ``Gov.`` never end a phrase. A
   subject after an introductory phrase (``Instead, the senator is ..., saying``) skips
   that phrase. A pronoun is resolved to the source last named before it (the speakers
   the rules found, names or role descriptions such as ``the former governor``, but not
   the speakers of statements nested in another; the subjects of sentences, also after an
   introductory phrase that may end in a place (``Speaking in Salem, New Hampshire, Trump
   went``) and with a party tag (``Rep. Sean Duffy (R-Wisc.) also addressed``), fill in
   where no rule found a speaker); "he"/"she" skip sources that cannot be a person
   (``the campaign``, ``officials``, places such as ``South Carolina``, media such as
   ``The New York Times``) and names of the other gender; a surname is expanded to the
   full name first introduced in the article (in its body before its headline, titles
   dropped: ``Labor Secretary Thomas Perez``), or to a known speaker's canonical name.
4. **Relays.** ``..., RIA Novosti reported``, ``the Meduza news agency reported``,
   ``according to Reuters`` after a statement with its own speaker become ``via`` hops.

Quotes of four words or more that no rule attributes are still proposed (direct). Their
speaker comes from the layout when it shows one: ``Lau said in a statement.`` right before
it; ``Cruz continued:`` ending the paragraph before (its speaker taken from the clause
holding the colon: ``When Wallace died, President Clinton released the following
statement:``); ``Philip Bump: “...”``; ``Rubio fired back forcefully: “...”`` (the
subject of the clause before a colon or comma);
``As The Post's Dana Milbank puts it, “...”``; a ``- Sanders.`` line right after the
quote, or a dash and a name ending the quote's own paragraph (``“...” ― Jorge Falcon``).
Otherwise the quote's own sentence decides when it holds more than the quote, whatever its
verb: the subject of the clause that holds the quote (``Huckabee, for his
part, is labeling Obama's actions “...”``; the clause nearest the quote first, appositions
skipped), or a short clause after a quote ending with a comma, question or exclamation mark
(``“...,” the senator grumbled.`` / ``“...,” sniffed the Plain Dealer.``). Failing that,
the speaker of a neighbouring attributed statement of the same paragraph or the one
before, else of the nearest one anywhere before (or after) the quote. An addressee
between the cue and the quote is skipped (``wrote to his followers, “...”``).

Shorter quotes are scare quotes or titles and are left alone; so is a quote of under four
words that a rule did attribute when it reads as a title (``the show “The Apprentice,”``) or
follows a cue that names or labels (``calling it “absurd.”``, ``a play called “Sons of
Trump,”``): the statement keeps its other fragments. A short attribution after a
quote that ends with a full stop (``“... missing.” Trump said.``) stays in the quote's
sentence.

Further speaker rules: ``Said Comey, “...”`` (a cue opening the sentence before its
speaker); ``X, an expert at Y, says Libya is ...`` is read with ``X`` as the subject, never
as a trailing ``..., says SPEAKER`` (what follows such a cue must be only circumstances); in
a chain of appositions (``Lapp, executive director of the PAC, a super PAC, said``) the name
opening the sentence wins, also when the apposition's closing comma is missing (``Sam Lau,
the communications director for the party said``); ``said the base chief known as Bob``
keeps a description, and one with a relative clause runs to its end (``said a Mexican
official who was not authorized to speak publicly on this issue``); ``Powell's office said``
and ``his family said`` have speakers; ``..., Spicer said, adding, “...”`` gives the
participle the speaker of the cue just before it; a participle's subject is found after
introductory phrases (``Later on Sunday, Carson shared ..., writing``) and past modifiers
(``Democratic presidential candidate Bernie Sanders (I-Vt.) wrote ..., saying``). A pronoun
may also stand for a describing speaker (``the retired neurosurgeon``, ``the Lincoln
actor``). ``“...,” as a Homeland Security memo put it`` names its source (as does ``As
John Cornyn, the No. 2 in the leadership, put it: “...”``), ``the Security Council issued a
statement calling ...`` the issuer and ``Sanders was asked by host Bill Maher, “...”`` the
one asking; ``“...,” Trump went on`` is a cue. A word right after a
possessive (``the president’s claims``, ``his early-morning tweets``) and a past participle
in an introductory phrase (``In a Facebook message posted Friday, Cruz said``) are no cues.
The reporting verbs include ones taken from the cues of quoted statements in
annotated news (``interjected``, ``opined``, ``chanted``, ``thanked``, ``read``, ...).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence

from .acceptance import accept
from .article import ArticleText
from .case import needs_restoring, restore_case
from .lexicon import PRONOUNS
from .names import issuer_and_role, plausible_antecedent
from .patterns import RELATIVE_GAP
from .rules import colon_lead, read_cues, topics
from .spans import Cover, Mention, Reading, Span, Suggestion, all_inside, any_overlap
from .speakers import gender, speaker_from_mention, subject_mentions, turn_speaker
from .unattributed import attach_unattributed, label


def suggest(
    text: str,
    *,
    skip: Sequence[tuple[int, int]] = (),
    known_speakers: Mapping[str, Sequence[str]] | None = None,
    filtered: bool = True,
) -> list[Suggestion]:
    """Propose the attributed statements of ``text``, sorted by where they start.

    ``skip``: ranges not to propose anything in (boilerplate). ``known_speakers``: canonical
    name -> aliases; a mention matching one yields the canonical name. ``filtered``: pass
    the proposals through the learned acceptance filter (:mod:`.acceptance`); training reads
    them unfiltered.
    """
    if not text.strip():
        return []
    if needs_restoring(text):
        text = restore_case(text)  # "KONASHENKOV SAID": read as "Konashenkov said"
    found = run(ArticleText(text, skip, known_speakers))
    return accept(text, found) if filtered else found


def run(doc: ArticleText) -> list[Suggestion]:
    found: list[Reading] = []
    for si, (lo, hi) in enumerate(doc.sentences):
        here = read_cues(doc, si, lo, hi)
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
                for inner in read_cues(doc, si, f.fragments[0].start, f.fragments[0].end, True):
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


def relative_speaker(doc: ArticleText, who: Mention, named: list[tuple[int, str]]) -> str:
    """The speaker a "who" right after another statement's speaker stands for: ``“…,” said
    one former staffer, who said ...``, ``said Nicky Driscoll, 24, from Manchester, who``.
    ``named``: where each named speaker's words end, and the name, in order."""
    k = bisect_right(named, (who.span.start, "\uffff")) - 1
    if k < 0 or not named[k][1] or who.span.start - named[k][0] > 120:
        return ""
    end, name = named[k]
    between = doc.masked[end : who.span.start]
    if not RELATIVE_GAP.fullmatch(between):
        return ""
    if doc.cues_in(end, who.span.start):
        return ""
    return name


def finish(doc: ArticleText, found: list[Reading]) -> list[Suggestion]:
    out: list[Suggestion] = []
    seen: set[tuple[tuple[int, int], ...]] = set()
    found.sort(key=lambda f: f.fragments[0].start)
    # pronouns resolve to the person last named (as a speaker or a subject) before them
    antecedents = []
    speakers: list[Span] = []
    resolved: dict[int, str] = {}
    content = Cover([(sp, id(g)) for g in found if g.kind != "direct" for sp in g.fragments])
    roles: dict[int, str] = {}
    for f in found:
        if f.mention is not None and f.mention.text.lower() not in PRONOUNS:
            name = speaker_from_mention(doc, f.mention.text, f.mention.span.start, [])
            issued = issuer_and_role(f.mention.text)
            if issued is not None:
                # "a Nordfrakt spokesman": Nordfrakt speaks; "a spokesman": no one named
                name = doc.names.known.get(issued[0].casefold(), issued[0])
                roles[id(f)] = issued[1]
            resolved[id(f)] = name
            speakers.append(f.mention.span)
            # a speaker named inside another statement's content is not its own antecedent
            inside = content.covers(f.mention.span, besides=id(f))
            if name and plausible_antecedent(name) and not inside:
                antecedents.append((f.mention.span.end, name, gender(doc, f.mention)))
    named = Cover([(sp, 0) for sp in speakers])
    for pos, name, guess in subject_mentions(doc):
        if not named.covers(Span(pos, pos + 1)):
            antecedents.append((pos, name, guess))
    antecedents.sort()
    named_ends = sorted(
        (f.mention.span.end, resolved[id(f)])
        for f in found
        if f.mention is not None and id(f) in resolved
    )
    for f in found:
        if f.mention is not None and f.mention.text.lower() == "who":
            speaker = relative_speaker(doc, f.mention, named_ends)
            if speaker:
                resolved[id(f)] = speaker  # "said one former staffer, who said": the staffer
    for f in found:
        if f.mention is not None and f.mention.text.lower() == "i":
            turn = turn_speaker(doc, f.mention.span.start)
            if turn:
                resolved[id(f)] = turn  # "I" in a transcript's turn: its speaker
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
                speaker_role=roles.get(id(f), "") if mention else "",
            )
        )
    out.sort(key=lambda s: (s.fragments[0].start, s.fragments[0].end))
    return out
