"""Suggest attributed statements (quotes) in an article, for an editor to accept or reject.

Pure Python, standard library only, no Django: the app stores the results as quotes with
status ``suggested``; ``manage.py suggest`` and the corpus evaluation call :func:`suggest`
directly.

The approach is rules over surface text, in four passes:

1. **Quotation marks.** Straight ``"..."``, curly ``“...”``, guillemets ``«...»`` and
   low-high ``„...“`` are paired left to right. A straight mark's direction comes from its
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
   marks stay ordinary text, as the reference corpus treats them).

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
quote. Otherwise the quote's own sentence decides when it holds more than the quote,
whatever its verb: the subject of the clause that holds the quote (``Huckabee, for his
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

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from annotations.text import DOUBLE_MARKS, DOUBLE_QUOTATION_MARKS, SUBJECT_PRONOUNS

__all__ = ["Span", "Suggestion", "speaker_name_from_source", "suggest"]


@dataclass(frozen=True)
class Span:
    """A range of the article text: code-point offsets, ``end`` exclusive."""

    start: int
    end: int


@dataclass
class Suggestion:
    """One proposed attributed statement."""

    kind: str  # "direct" | "indirect" | "mixed"
    fragments: list[Span]
    speaker_name: str = ""
    speaker_mention: Span | None = None
    cue: str = ""
    cue_span: Span | None = None
    via: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- lexicon


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MASK = "\ue000"  # stands in for every character inside a quote
OPENERS = DOUBLE_QUOTATION_MARKS
ALL_MARKS = DOUBLE_MARKS
MIN_UNATTRIBUTED_WORDS = 4
MAX_QUOTE_CHARS = 6000

PRONOUNS = SUBJECT_PRONOUNS


def _lead_space(text: str, lo: int, hi: int) -> int:
    """How many blanks open ``text[lo:hi]``."""
    return len(text[lo:hi]) - len(text[lo:hi].lstrip())


def _verb_forms(spec: str) -> dict[str, str]:
    """``"say:says:said:saying"`` style specs, or a regular verb -> {form: lemma}."""
    forms: dict[str, str] = {}
    for entry in spec.split():
        if ":" in entry:
            parts = entry.split(":")
            lemma = parts[0]
            for form in parts:
                if form:
                    forms[form] = lemma
            continue
        lemma = entry
        if lemma.endswith("e"):
            derived = [lemma + "s", lemma + "d", lemma[:-1] + "ing"]
        elif lemma.endswith("y") and lemma[-2] not in "aeiou":
            derived = [lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
        elif lemma.endswith(("s", "sh", "ch", "x")):
            derived = [lemma + "es", lemma + "ed", lemma + "ing"]
        else:
            derived = [lemma + "s", lemma + "ed", lemma + "ing"]
        forms[lemma] = lemma
        for form in derived:
            forms[form] = lemma
    return forms


# Verbs of saying: they introduce direct quotes as well as reported speech.
SPEECH = _verb_forms(
    "say:says:said:saying tell:tells:told:telling write:writes:wrote:writing:written "
    "add tweet ask note explain state respond reply declare conclude argue claim "
    "insist warn recall acknowledge admit:admits:admitted:admitting announce report "
    "suggest predict complain joke quip:quips:quipped:quipping observe remark "
    "emphasize stress promise vow pledge boast allege assert maintain contend testify "
    "yell shout scream whisper mutter post confirm deny concede caution reveal "
    "comment counter retort scoff lament muse wonder speculate exclaim recount "
    "continue describe accuse charge urge criticize blame demand question threaten "
    "propose hint announce estimate agree disagree point:points:pointed:pointing "
    "begin:begins:began:beginning:begun go:goes:went shoot:shoots:shot fire describe insist "
    "reiterate indicate signal "
    "declare conclude counsel advise tout brag assure remind inform "
    # from the cues of quoted statements in annotated news
    "chant thank answer interject proclaim bark bemoan grouse retweet opine retaliate chide "
    "demur ponder fume gush plead implore gripe marvel scold exult rave rubbish "
    "read:reads:reading sing:sings:sang:singing:sung"
)
# Verbs of thinking, finding and wanting: reported content without quotation marks.
COGNITION = _verb_forms(
    "think:thinks:thought:thinking believe know:knows:knew:knowing:known feel:feels:felt "
    "hope expect fear worry doubt show:shows:showed:showing:shown "
    "find:finds:found:finding see:sees:saw:seeing:seen consider want wish "
    "understand:understands:understood:understanding assume suspect recognize realize "
    "imagine decide:decides:decided:deciding intend aim"
)
# Verbs of stance towards something: the content is their object ("endorsed Kasich").
STANCE = _verb_forms(
    "endorse criticize defend praise support oppose cite reject condemn applaud attack "
    "slam blast dismiss welcome embrace decry denounce challenge mock ridicule highlight "
    "refuse decline seek:seeks:sought:seeking plan:plans:planned:planning push favor "
    "call:calls:called:calling refer:refers:referred:referring back target tout lambaste "
    "question acknowledge recommend request demand express discuss mention"
)
CUE_FORMS: dict[str, str] = {**STANCE, **COGNITION, **SPEECH}
# Cues that name or label something: a short quote after them is a label, not a statement.
LABELLING = frozenset(
    _verb_forms(
        "call:calls:called:calling refer:refers:referred:referring describe dub label "
        "name:names:named:naming term show:shows:showed:shown:showing"
    )
)
# Cues whose content may start with a preposition ("accused of", "declined to comment").
TAKES_PREPOSITION = _words("accuse decline refuse warn urge ask tell charge blame")
# Cues of intention: "wants to build a wall", "plans to return" (the infinitive is the content).
INTENT = _words(
    "want plan hope expect seek vow pledge promise threaten decide wish intend refuse decline "
    "agree aim"
)
_OBJECT_END = re.compile(
    r",|;|\s(?:on|at|during|after|before|when|while|because|since|as|in|for|and|but|"
    r"amid|over|despite|with)\s"
)
# Forms too often nouns or adjectives to count on their own.
AMBIGUOUS = _words(
    "report state claim note charge promise estimate comment question post counter fear "
    "hope wish find begin concern doubt point blame demand pledge vow joke signal see "
    "known seen mention continue remark advise remind "
    "inform tout agree consider chant answer rave read reading challenge challenges plan plans "
    "states"
)
# Cues that need "that" or a quote right after them (too loose otherwise).
NEEDS_THAT = _words("continue begin point agree indicate signal")
# Cues whose direct object comes before the content ("told reporters that ...").
TAKES_OBJECT = _words("tell ask warn remind assure inform urge advise counsel")
PARTICLES = {"point": "(?:out|to)", "go": "on", "shoot": "back", "fire": "back"}

AUX = _words(
    "also has have had would will could may might did does do then later again recently "
    "repeatedly once previously further simply just reportedly already still even only "
    "publicly privately explicitly specifically frequently similarly quickly flatly long "
    "often never not n't has't been is was are were be being has_also first last "
    "ultimately initially separately earlier himself herself itself themselves"
)
PASSIVE = _words("was were been be being is are get got")
TIME_WORDS = _words(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
    "morning evening afternoon night week month year earlier later recently"
)
SPEAKER_NOUNS = _words(
    "official officials spokesman spokeswoman spokesperson expert experts critic critics "
    "analyst analysts aide aides source sources adviser advisers advisor advisors "
    "supporter supporters voter voters people person observer observers lawmaker lawmakers "
    "commenter commenters user users "
    "democrats republicans police authorities resident residents poll polls report "
    "reports study studies survey surveys data campaign statement governor senator "
    "president secretary candidate nominee leader leaders member members group "
    "administration department ministry government agency committee court judge lawyer "
    "lawyers attorney attorneys prosecutors prosecutor officer officers economists "
    "economist strategist strategists historian scientists researchers organizers "
    "activists opponents proponents advocates executives executive chairman chairwoman "
    "director manager spokesmen representatives representative party network newspaper "
    "paper website memo letter document documents emails filing lawsuit complaint "
    "commission council board team staff family friend friends colleague colleagues "
    "neighbor neighbors woman man women men mother father son daughter wife husband side "
    "camp host anchor author writer reporter"
)
DETERMINERS = _words(
    "the a an his her their its our my your this that these those some many most several "
    "other few both all one two three four five six seven eight nine ten each every any "
    "no neither either such"
)
POSSESSIVES = _words("his her their its our my your")
STOP_LEFT = _words(
    "that which when while because as if after before since where whether and but or so "
    "than though although unless until whom what why how in on at for with by from to "
    "into about against of over under between among during without within like is was are "
    "were be been being has have had do does did not"
)
TITLES = _words(
    "mr mrs ms miss dr sen senator rep representative gov governor president pres vice del "
    "delegate amb billionaire mogul tycoon businessman businesswoman "
    "secretary state minister prime chancellor speaker leader chairman chairwoman chair "
    "director judge justice mayor general gen col lt sgt adm admiral attorney former "
    "candidate nominee democratic republican democrat republican u.s us gop house senate "
    "majority minority whip prof professor rev reverend pope king queen prince princess "
    "sir lord ambassador commissioner chief deputy acting assistant executive ceo founder "
    "spokesman spokeswoman former then-candidate first lady presidential sheriff officer "
    "captain capt congressman congresswoman councilman councilwoman pastor father sister "
    "brother host anchor correspondent editor columnist author colonel major sergeant "
    "lieutenant corporal commander economist analyst lawyer engineer farmer historian "
    "strategist pollster consultant adviser advisor aide head manager president-elect "
    "premier governor-elect spokesperson superintendent inspector detective commissioner "
    "mr. mrs. ms. dr. sens reps gens staff"
)
NAME_SUFFIXES = _words("jr jr. sr sr. ii iii iv")
OUTLET_WORDS = (
    "news agency|news service|wire service|newspaper|daily|magazine|television|"
    "broadcaster|channel|network|website|agency|tv"
)
ABBREVIATIONS = _words(
    "mr mrs ms dr sen rep gov gen lt col sgt adm capt prof rev st jr sr inc co corp ltd "
    "no vs etc jan feb mar apr aug sept sep oct nov dec ft mt u.s a.m p.m d.c u.k u.n e.g "
    "i.e pres supt lt.gov del amb insp"
)

# --------------------------------------------------------------------------- regexes

_WORD = re.compile(r"\d+/\d+|[\w\u2019'.&-]+|[^\w\s]")
_UPPER = "".join(ch for ch in map(chr, range(0x41, 0x530)) if ch.isupper() and ch not in "[]\\^-")
_ABBREV_TITLE = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Gens|Lt|Col|Sgt|Adm|Capt|Prof|Rev|St|Jr|Sr"
    r"|Ft|Mt|Pres|Atty|Supt|Cmdr|Cpl|Pvt|Del|Amb|Insp)\."
)
# A capitalised word; a full stop belongs to it only in initials and known abbreviations.
_CAP_WORD = (
    rf"(?:{_ABBREV_TITLE}|(?:[{_UPPER}]\.)+(?![\w\u2019'])"
    rf"|[{_UPPER}][\w\u2019'&-]*(?:\.[{_UPPER}][\w\u2019'&-]*)*)"
)
_SUBJECT = re.compile(
    r"(?:(?:But|And|Still|Yet|So|Then|Now|Meanwhile|However|Also|In\s+\w+|On\s+\w+|"
    r"Earlier|Later|Last\s+\w+|At\s+\w+),?\s+)?(?:[a-z][\w-]*\s+){0,3}?"
    rf"(?P<name>{_CAP_WORD}(?:\s+{_CAP_WORD}){{0,4}})"
    r"(?=(?:\s+\([A-Z][\w.-]{0,12}\))?\s+[a-z]|,|\u2019s|'s)"
)
_PLACE_IN_INTRO = re.compile(r"(?:[A-Z][\w.'-]*\s+){0,3}[A-Z][\w.'-]*,\s+[A-Z]")
# "as X puts it": X and the cue
_PUT_IT = (
    r"(?P<np>(?:[\w\u2019'.&-]+\s+){0,5}?[\w\u2019'.&-]+)(?:,[^,\ue000]{1,60},)?\s+"
    r"(?P<cue>puts|put|says|said|noted|notes|wrote|writes|explained|explains)\s+it\b"
)
_AS_PUT_IT = re.compile(rf"\s*As\s+{_PUT_IT}[^,:\ue000]{{0,40}}[,:]")
# "unleashed a series of tweets early Friday saying", "issued a statement Monday saying"
# what a speaker issues, posts or sends: it speaks for them
_DOCUMENTS = _words("statement letter memo report release tweet video message note email post ad")
_DOCUMENT_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(_DOCUMENTS))})s?(?:\s+(?:early|late|on|last|this)?\s*"
    r"(?:[A-Z][a-z]+day|morning|night|evening|afternoon|week))?$"
)
_WHAT_WORDS = _words("nothing everything anything something what whatever")
_QUESTION_WORDS = _words("why what whether if how when where who which about")
_ISSUED = _words("issued released sent published posted put distributed")
_SUBORDINATE = re.compile(
    r"\s*(?:When|As|After|Before|While|If|Although|Though|Because|Since|Once)\b"
)
# an introductory phrase that opens with a preposition of place or medium
_PLACE_INTRO = re.compile(
    r"\s*(?:In|On|At|Under|Through)\s+(?:a|an|the|his|her|their|its)\b[^,\ue000]{0,80},\s+"
)
# "“...,” as a Homeland Security memo put it."
_AS_PUT_IT_AFTER = re.compile(rf"[\s,]*as\s+{_PUT_IT}")
_SUBJECT_NP = re.compile(
    r"\s*(?:(?:But|And|Still|Yet|So|Then|Now|Meanwhile|However|Also),?\s+)?"
    r"((?:(?:The|A|An|His|Her|Their|Its|the|a|an|his|her|their|its)\s+)?"
    r"(?:[\w\u2019'.&-]+\s+){0,4}?"
    r"(?:[A-Z][\w\u2019'.&-]*|he|she|they|we|I|[a-z]+(?:man|woman|person|or|er|ist|ent|s)))"
    r"(?=\s+(?:\w+ly\s+)?(?:has|had|is|was|were|are|will|would|[a-z]+ed|"
    # "groups of protesters marched", "speechwriters implored": a plural noun, not a verb
    r"[a-z]+s\b(?!\s+(?:of|and|or|from|in|at|for|[a-z]+ed)\b)))"
)
_NOT_CONTENT = _words(
    "is was are were has have had will would can could should may might must do does did "
    "be been being nothing so"
)
_NOT_NAMES = _words(
    "the a an but and in on at it he she they we i this that there these those when while "
    "after before if as for so yet still then now however meanwhile also his her their "
    "its our my your following though although during despite since because speaking "
    "discussing according asked another like unlike with without from by to of over under "
    "what who why how where which even just only not no yes or nor today yesterday "
    "tomorrow last next every each some many most all both none one here there instead "
    "rather indeed thus hence perhaps maybe once until unless whether either neither "
    "among amid against toward towards into onto upon about above below behind beyond "
    "ahead"
)
FEMALE_NAMES = _words(
    "hillary nancy sarah elizabeth carly kellyanne michelle nikki jane melania ivanka "
    "chelsea huma debbie donna susan mary patricia jennifer linda barbara margaret lisa "
    "karen betty helen sandra ashley kimberly emily laura rebecca amy anna megyn jill "
    "katie kate claire maria ann anne julie heather diane joyce judy kathleen marsha "
    "kristen kelly stephanie janet catherine christine rachel deborah amanda melissa "
    "victoria theresa angela marine loretta condoleezza madeleine samantha tammy kirsten "
    "dianne tulsi elaine joni kamala jeanne jeanine hope katrina dana gloria ruth sonia "
    "elena janet carolyn nina tina alice emma olivia sophia isabella mia abigail grace "
    "lauren hannah natalie alexandra jessica sara andrea monica erica erin megan meghan "
    "nicole brenda pamela sharon cynthia kathy carol virginia martha gina rosa lucy jo "
    "jeanne cheryl wendy hilary irene marie caroline"
)
MALE_NAMES = _words(
    "donald bernie bernard barack ted marco jeb john ben chris mike rand bill paul joe "
    "tim george james robert michael david richard charles thomas mark steven steve jeff "
    "jim tom bob scott ron rick newt mitt reince sean corey jason mitch harry eric kevin "
    "brian gary larry dennis jerry frank peter andrew daniel matthew anthony william "
    "joseph christopher kenneth edward ronald timothy jeffrey ryan jacob nicholas "
    "jonathan stephen justin brandon benjamin samuel gregory alexander patrick jack henry "
    "adam nathan zachary kyle walter harold carl arthur roger keith lawrence albert "
    "willie ralph roy eugene louis philip johnny bobby howard fred vladimir francois "
    "bashar benjamin xi marty lindsey orrin chuck elijah al dick lou rudy rush sheldon "
    "ivan igor steven sergei dmitry barry hugh ian martin neil rob tony vince"
)
_LETTERS = re.compile(r"[A-Za-z]+")


def _cue_index(masked: str) -> list[tuple[int, int, str]]:
    """Every reporting cue of the (masked) text: (start, end, lower-case form)."""
    cues = []
    n = len(masked)
    for m in _LETTERS.finditer(masked):
        low = m.group().lower()
        if low not in CUE_FORMS and low not in IMPRESSION and low != "according":
            continue
        s, e = m.span()
        if masked[s].isupper() and low != "according":
            before = masked[max(0, s - 3) : s]
            if low not in _INVERTED or before.strip() and before.rstrip()[-1:] not in ".!?\n":
                continue  # "Islamic State", "United States", headline case
        if s and masked[s - 1] in "-'\u2019" or e < n and masked[e] in "-'\u2019":
            continue
        if low == "according":
            to = re.match(r"\s+to\b", masked[e : e + 6])
            if not to:
                continue
            e += to.end()
            low = "according to"
        cues.append((s, e, low))
    return cues


# cues that may open a sentence before their speaker: "Said Comey, “...”"
_INVERTED = _words("said says added asked wrote")
_NAME_RUN = re.compile(
    rf"{_CAP_WORD}(?:\s+(?:(?:de|da|del|van|von|bin|al|la|le|di|du)\s+)?{_CAP_WORD})*"
)
_TRAILING_CUT = re.compile(
    r",?\s+(?:according\s+to\b|as\s+(?:reported|quoted)\s+by\b|a\s+(?:claim|charge|view|"
    r"position|statement|suggestion|notion|sentiment|point|reference|move|comment)\b|"
    r"an\s+(?:allegation|assertion|accusation|argument|idea|apparent)\b)"
)
_TIME_AFTER_CUE = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|last|this|early|late|earlier|later)\s+)?"
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|"
    r"today|yesterday|tonight|night|morning|afternoon|evening)\b(?:\s+(?:night|morning|"
    r"afternoon|evening))?|in\s+(?:a|an|his|her|their|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:statement|interview|speech|email|e-mail|letter|tweet|post|release|op-ed|"
    r"column|memo|press\s+conference|news\s+conference|conference\s+call|call|video|"
    r"message|remarks|debate|appearance|rally|town\s+hall)(?:\s+(?:with|on|to)\s+"
    r"(?:the\s+)?(?:[A-Z][\w.&'\u2019-]*\s*)+)?|on\s+(?:Twitter|Facebook|CNN|Fox|MSNBC|"
    r"NBC|CBS|ABC|[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)*'?s\s+\"?\w+)|"
    r"(?:also|again|later|repeatedly|then|previously|recently|publicly|privately|"
    r"once|often|flatly|simply|firmly|emphatically|openly|bluntly)\b)\s*,?"
)
_THAT = re.compile(r"\s*(?:,\s*)?(?:that\b|:)\s*")
_VIA_TAIL = re.compile(
    rf"^[\s,;]*(?:the\s+)?(?P<outlet>{_CAP_WORD}(?:\s+{_CAP_WORD})*)"
    rf"(?:\s+(?:{OUTLET_WORDS}))?\s+(?:reported|reports|said|says|wrote|writes|quoted)"
    r"(?:\s+(?:on\s+)?\w+)?\s*[.!?]?\s*$"
)
_VIA_ACCORDING = re.compile(
    r"^[\s,;]*according\s+to\s+(?:the\s+)?(?P<outlet>(?:[A-Z][\w.&'\u2019-]*\s*)+?)"
    rf"(?:\s*(?:{OUTLET_WORDS}))?\s*[.!?]?\s*$"
)


# --------------------------------------------------------------------------- names


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            return word[: -len(suffix)]
    return word


def _is_cap(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _name_tokens(part: str) -> list[str]:
    """The trailing run of capitalised words of ``part``, titles at its front removed."""
    words = part.split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.strip(',;:()[]"\u201c\u201d')
        if _is_cap(bare) or (run and bare.lower() in {"de", "van", "von", "bin", "al", "la"}):
            run.append(bare)
            continue
        if run or not bare:
            break
        if bare.lower() in NAME_SUFFIXES:
            run.append(bare)
            continue
        break
    run.reverse()
    while run and run[0].lower() in _NOT_NAMES:
        run.pop(0)
    # "Health Minister Olga Petrova": drop everything up to the last title word
    titled = [i for i, w in enumerate(run[:-1]) if w.lower().rstrip(".") in TITLES]
    if titled:
        del run[: titled[-1] + 1]
    # "BlazeTV’s Glenn Beck", "Democracy Corps’ Stan Greenberg": the outlet goes
    owners = [i for i, w in enumerate(run[:-2]) if w.endswith(("'s", "\u2019s", "s'", "s\u2019"))]
    if owners:
        del run[: owners[-1] + 1]
    while len(run) > 1 and run[0].endswith(".") and len(run[0]) <= 5 and len(run[0]) > 2:
        run.pop(0)
    if run and run[-1].lower() in NAME_SUFFIXES and len(run) > 1:
        run[-2] = run[-2].rstrip(",")
    return [_strip_possessive(w) if i == len(run) - 1 else w for i, w in enumerate(run)]


def _looks_like_name(part: str) -> bool:
    tokens = _name_tokens(part)
    return bool(tokens) and not all(t.lower().rstrip(".") in TITLES for t in tokens)


_TRAILING_AUX = _words(
    "has have had is was are were will would could can may might did does do also then later "
    "further"
)


def speaker_name_from_source(source: str) -> str:
    """The speaker's name from a source span, with titles, roles and appositions removed.

    ``"Pentagon spokesman Steven Warren"`` -> ``"Steven Warren"``;
    ``"Clinton's campaign manager, Robby Mook"`` -> ``"Robby Mook"``;
    ``"Sen. Ted Cruz (R-Texas), who ..."`` -> ``"Ted Cruz"``;
    ``"Joel Pollak of Breitbart California"`` -> ``"Joel Pollak"``;
    ``"BlazeTV’s Glenn Beck"`` -> ``"Glenn Beck"``.
    A source without a name (``"the former secretary of state"``, ``"officials"``,
    ``"he"``) is returned as written, blanks collapsed. Used by the suggester and by
    importers of annotated corpora.
    """
    text = " ".join(source.replace("\u00a0", " ").split()).strip(" ,;:.-\u2014")
    words = text.split()
    while len(words) > 1 and words[-1] in _TRAILING_AUX:  # "The retired neurosurgeon has"
        words.pop()
    text = " ".join(words)
    if not text:
        return ""
    text = re.sub(r"\s*\([^)]*\)", "", text)  # "(R-Texas)"
    whole = text
    text = re.split(r",?\s+(?:who|which|whose|whom)\b", text, maxsplit=1)[0]
    parts = [p.strip() for p in re.split(r"\s*[,\u2014\u2013]\s*|\s+--\s+", text) if p.strip()]
    named = [p for p in parts if _looks_like_name(p)]
    if not named and not _looks_like_name(whole.split(",")[0]):
        # a description is kept whole up to its first comma: "an official who was not
        # authorized to speak"
        return whole.split(",")[0].strip()
    chosen = named[0] if named else (parts[0] if parts else text)
    if " of " in chosen:
        head, _, tail = chosen.partition(" of ")
        head_tokens = head.split()
        if (
            len(head_tokens) >= 2
            and all(_is_cap(t) for t in head_tokens[-2:])
            and (_is_cap(tail) or tail.startswith("the ") and _is_cap(tail[4:]))
            and head_tokens[-2].lower().rstrip(".") not in TITLES
            and head_tokens[-1].lower().rstrip(".") not in TITLES  # "Chief of Staff X"
        ):
            chosen = head
    tokens = _name_tokens(chosen)
    if tokens and not all(t.lower().rstrip(".") in TITLES for t in tokens):
        return " ".join(tokens)
    return chosen


class _Names:
    """Full names introduced in an article, and the speakers the caller already knows."""

    def __init__(self, text: str, known: Mapping[str, Sequence[str]] | None) -> None:
        self.known: dict[str, str] = {}
        for canonical, aliases in (known or {}).items():
            for alias in (canonical, *aliases):
                self.known[alias.casefold()] = canonical
        # surname -> first full name (two words or more) seen in the article
        self.by_last: dict[str, str] = {}
        # the body before the headline: "Understated Perez raises ..." names no Perez
        head_end = text.find("\n")
        runs = sorted(_NAME_RUN.finditer(text), key=lambda m: m.start() < head_end)
        for m in runs:
            tokens = _name_tokens(m.group())
            titles = [i for i, t in enumerate(tokens) if t.lower().rstrip(".") in TITLES]
            if titles:
                tokens = tokens[titles[-1] + 1 :]  # "Labor Secretary Thomas Perez"
            if not 2 <= len(tokens) <= 4:
                continue
            if any(t.lower() in CUE_FORMS or t.lower() in _NOT_NAMES for t in tokens):
                continue
            key = tokens[-1].lower().rstrip(".")
            if key in NAME_SUFFIXES and len(tokens) > 2:
                key = tokens[-2].lower().rstrip(",")
            self.by_last.setdefault(key, " ".join(tokens))

    def canonical(self, name: str) -> str:
        if not name:
            return ""
        hit = self.known.get(name.casefold())
        if hit:
            return hit
        tokens = name.split()
        if not _is_cap(tokens[-1]):
            return name
        last = tokens[-1].lower().rstrip(".")
        if len(tokens) == 1:
            full = self.by_last.get(last)
            if full:
                return self.known.get(full.casefold(), full)
        for alias, canonical in self.known.items():
            words = alias.split()
            if words[-1:] == [last] and len(words) <= len(tokens) and tokens[0].lower() == words[0]:
                return canonical
        return name


# --------------------------------------------------------------------------- quotes


def _straight_opens(text: str, i: int) -> bool | None:
    """True: opening, False: closing, None: could be either."""
    before = text[i - 1] if i > 0 else "\n"
    after = text[i + 1] if i + 1 < len(text) else "\n"
    open_ok = (before.isspace() or before in "([{\u2014\u2013-/:;,") and not after.isspace()
    close_ok = not before.isspace() and (after.isspace() or after in ".,;:!?)]}\u2014\u2013-")
    if open_ok and not close_ok:
        return True
    if close_ok and not open_ok:
        return False
    return None


def _paragraph_reopens(text: str, nl: int, opener: str) -> int:
    """Index of ``opener`` starting the paragraph after the newline at ``nl``, or -1."""
    j = nl
    while j < len(text) and text[j].isspace():
        j += 1
    return j if j < len(text) and text[j] == opener else -1


_MARK_OR_NL = re.compile(f"[{re.escape(''.join(sorted(ALL_MARKS)))}\\n]")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Pairs of (opening mark, closing mark) indices, in text order."""
    events = [(m.start(), m.group()) for m in _MARK_OR_NL.finditer(text)]
    quotes: list[tuple[int, int]] = []
    k = 0
    while k < len(events):
        i, ch = events[k]
        closers = OPENERS.get(ch)
        if closers is None or (ch == '"' and _straight_opens(text, i) is False):
            k += 1
            continue
        found = -1
        j = k + 1
        while j < len(events) and events[j][0] - i <= MAX_QUOTE_CHARS:
            pos, c = events[j]
            if c == "\n":
                nxt = _paragraph_reopens(text, pos, ch)
                if nxt < 0:
                    break
                # the quote goes on in the next paragraph, reopened by the same mark
                while j < len(events) and events[j][0] <= nxt:
                    j += 1
                continue
            if c in closers and (ch != '"' or _straight_opens(text, pos) is not True):
                found = j
                break
            if ch == '"' and c == "\u201d":
                found = j  # "... him,” said Gorski: a straight mark closed by a curly one
                break
            if c == ch and ch != '"' or c in OPENERS and c != '"' and c not in closers:
                break  # a new quote opens before this one closed: this one is unbalanced
            j += 1
        if found < 0:
            k += 1
            continue
        quotes.append((i, events[found][0]))
        k = found + 1
    return quotes


# --------------------------------------------------------------------------- sentences


def _mask(text: str, quotes: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for o, c in quotes:
        for k in range(o + 1, c):
            chars[k] = MASK
    return "".join(chars)


_SENTENCE_BREAK = re.compile(r"[.!?]+(?:''|[\"\u201d\u00bb)\]])*(?=\s)|[\"\u201d\u00bb](?=\s)|\n")
_ATTRIBUTION_TAIL = re.compile(
    r"(?:[A-Z][\w.\u2019'-]*|He|She|They)(?:\s+[\w.\u2019'-]+){0,4}?\s+(?:also\s+)?"
    r"(?:"
    + "|".join(
        sorted(
            f if lemma not in PARTICLES else rf"{f}\s+{PARTICLES[lemma]}"
            for f, lemma in SPEECH.items()
            if f != lemma and not f.endswith("ing")
        )
    )
    + r")"
    r"(?:\s+(?:on|in|at|to|last|this)?\s*[\w\u2019'-]+){0,3}(?:[.!?](?=\s|$)|,)"
)


def _sentences(masked: str, original: str) -> list[tuple[int, int]]:
    """Sentence ranges of the masked text (quotes are atomic)."""
    out: list[tuple[int, int]] = []
    start = 0
    n = len(masked)
    for m in _SENTENCE_BREAK.finditer(masked):
        end = m.end()
        if masked[m.start()] == "\n":
            if masked[start : m.start()].strip():
                out.append((start, m.start()))
            start = end
            continue
        nxt = end
        while nxt < n and masked[nxt] in " \t":
            nxt += 1
        if nxt < n and masked[nxt] == "\n":
            continue  # the newline will close it
        if nxt >= n:
            continue
        follower = masked[nxt]
        # "''" opens a quote in the style of some newspapers ("''We won,'' he said.")
        double_apostrophe = masked.startswith("''", nxt)
        if not (
            follower.isupper() or follower.isdigit() or follower in OPENERS or double_apostrophe
        ):
            continue
        token = m.group()
        if token[-1] in '"\u201d\u00bb' and _ATTRIBUTION_TAIL.match(masked, nxt):
            opener = m.start() + len(token) - 1
            while opener > start and masked[opener - 1] == MASK:
                opener -= 1
            if not masked[start : opener - 1].strip():
                continue  # "“... emails.” Trump said.": the attribution belongs to the quote
        if token[0] in '"\u201d\u00bb':
            # a quote closing a sentence: its last inner character must end a sentence
            inner = original[: m.start()].rstrip()
            if not inner or inner[-1] not in ".!?":
                continue
        elif token.startswith("."):
            word = re.search(r"([\w.]+)$", masked[start : m.start()])
            prev = word.group(1).lower() if word else ""
            if prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha()):
                continue
            if re.fullmatch(r"(?:[a-z]\.)+[a-z]", prev):
                continue  # "U.S." and friends
        out.append((start, end))
        start = nxt
    if masked[start:].strip():
        out.append((start, n))
    # trim blanks at both ends
    trimmed = []
    for s, e in out:
        while s < e and masked[s].isspace():
            s += 1
        while e > s and masked[e - 1].isspace():
            e -= 1
        if s < e:
            trimmed.append((s, e))
    return trimmed


# --------------------------------------------------------------------------- phrases


@dataclass
class _Mention:
    span: Span
    text: str


def _tokens(masked: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start() + lo, m.end() + lo, m.group()) for m in _WORD.finditer(masked[lo:hi])]


# heads of descriptions that cannot be "he" or "she"
_NOT_PERSON = _words(
    "campaign statement report reports administration department committee government "
    "agency group party poll polls study survey memo letter court officials aides people "
    "sources experts analysts voters supporters critics republicans democrats democrats "
    "documents emails data website newspaper paper network team staff family "
    # places ("South Carolina, he said, was ...", "after the Orlando attacks, he said")
    "states state america china russia mexico iran syria iraq israel libya cuba canada "
    "britain france germany japan korea ukraine europe afghanistan pakistan egypt "
    "california texas florida ohio iowa york jersey carolina dakota hampshire nevada "
    "michigan wisconsin pennsylvania arizona colorado illinois indiana kentucky "
    "massachusetts minnesota missouri oregon tennessee utah vermont alabama louisiana "
    "mississippi nebraska oklahoma kansas arkansas maryland connecticut delaware "
    "washington idaho montana wyoming alaska hawaii maine "
    "benghazi orlando chicago cleveland philadelphia boston"
)
# words that make a name a medium rather than a person
_MEDIA_NAME_WORDS = _words(
    "times post news journal press tribune herald gazette globe magazine radio tv network "
    "channel reuters cnn fox msnbc nbc abc cbs npr politico breitbart twitter facebook "
    "instagram youtube"
)
_CONTRACTED_PRONOUN = re.compile(r"(?i)(he|she|it|they)['\u2019](?:s|re)")
_CLAUSE_END = re.compile(r"[;:!?]|\.(?!\w)")  # not the dot of "fivethirtyeight.com"
# abbreviations whose full stop ends no sentence: "Sen.", "N.C.", "Calif."
_ABBREV_ANY = re.compile(rf"{_ABBREV_TITLE}|(?:[A-Z]\.)+|\b[A-Z][a-z]{{1,4}}\.(?=,)")
_NAME_COLON = re.compile(
    r"(?:^|\s[-\u2014\u2013]+\s)\s*(?P<name>(?:[A-Z][\w.\u2019'-]*\s+)*[A-Z][\w\u2019'-]*"
    r"(?:\s+and\s+(?:[A-Z][\w.\u2019'-]*\s+)*[A-Z][\w\u2019'-]*)?):\s*$"
)
_DASH_NAME = re.compile(
    r"\s*[-\u2014\u2013]+\s*(?P<name>(?:[A-Z][\w.\u2019'-]*[ \t\u00a0]+){0,3}[A-Z][\w\u2019'-]*)"
    r"[\s.,]"
)
# "seems", "appears", "is expected": an impression without a source
IMPRESSION = _words("seem seems seemed appear appears appeared expected")
_CLAUSE_OPEN = re.compile(
    r"(?:[;:\u2014]|,\s+(?:but|and|while|although|though|as)\b"
    r"|\b(?:but|although|though|while|because|since)\b)\s*"
)
_CLAUSE_CLOSE = re.compile(r"[;\u2014]|,\s+(?:but|and|while|although|though|which|as)\b")
_COLON_LEAD = re.compile(r"(?P<who>[A-Z][\w\u2019'.&-]*(?:\s+[\w\u2019'.&-]+){0,3}):\s+(?=[A-Z])")
_NOT_LEADS = _words(
    "update updated related photo photos video watch read note editor editor's correction "
    "source sources q a warning disclaimer credit"
)
# "Instead, ..." / "In New Hampshire, ...": a circumstance before the subject
_INTRO = re.compile(
    r"\s*(?:(?:Instead|Later|Earlier|Meanwhile|However|Still|Also|Then|Now|Yet|Indeed|Again|"
    r"Separately|Today|Yesterday)(?:\s+(?:this|last|that)\s+\w+)?|(?:In|On|At|After|Before|"
    r"During|Amid|Since|Speaking|With|Last|This)\s+[^,]{1,40}?),\s+"
)
_LEAD_INTRO = re.compile(
    r"\s*(?:(?:In|On|At|After|Before|During|Amid|Since|While|When|As|With|Without|Though|"
    r"Although|If|Asked|Speaking|Despite|Unlike|Like|Following|Under|For|But|And|Still|Yet|"
    r"Instead|Later|Earlier|Meanwhile|However|Indeed|Here|There|Alongside|Shortly)\b"
    r"|[A-Z][a-z]+ing\b)[^,\ue000]{0,80},\s+"
)
# a second introductory phrase, after a first: "On Thursday, after remaining neutral, ..."
_LATER_INTRO = re.compile(
    r"\s*(?:after|before|while|when|despite|amid|following|since|in|on|at)\b[^,\ue000]{0,80},\s+"
)
_ROLE_HEADS = sorted(
    {w for w in SPEAKER_NOUNS | TITLES if w.isalpha() and w not in DETERMINERS}
    | {"front-runner", "frontrunner", "billionaire", "mogul", "businessman", "congressman"},
    key=len,
    reverse=True,
)
_DESCRIPTION = re.compile(
    r"((?:The|the)\s+(?:[\w\u2019'-]+\s+){0,3}?(?:"
    + "|".join(map(re.escape, _ROLE_HEADS))
    + r"))(?=\s+(?:\w+ly\s+)?(?:also\s+)?(?:has|had|is|was|would|will|did|does|can|could|"
    r"[a-z]+ed|[a-z]+s|said|told|wrote|took|made|gave|went|spoke|knew|saw)\b)"
)
# cues whose content is the object of a preposition: "talked about", "called for"
_TOPIC_CUE = re.compile(
    r"\b(?:(?:talk|talks|talked|talking|spoke|speak|speaks|speaking|asked|ask|asks|asking|"
    r"questions?|worried|worries|worry|concerns?|joked|jokes|bragged|brags|complained|"
    r"complains|wrote|writes|cares?|doubts?|boasted|lied|warned|warns)\s+about|"
    r"(?:call|calls|called|calling|vote|votes|voted|voting|push|pushes|pushed|pushing|"
    r"apologized|apologizes|support|argued|argues|advocated|advocates|asked|asking)\s+for|"
    r"(?:critical|criticism|critique|proud|wary|supportive|skeptical|dismissive|spoke|speaks|"
    r"boasted|accusations?|allegations?|endorsement|sick|tired)\s+of|"
    r"(?:focus|focused|focuses|focusing|commented|comments|commenting|remarks|weighed\s+in|"
    r"insisted|insists|agreed|agrees|disagreed|disagrees|called|calls|calling|attacks?|"
    r"touched|split|divided|pushed\s+back|reflecting|views)\s+on|"
    r"(?:railed|rails|railing|protested|protests|fought|fights|campaigned|campaigns|"
    r"voted|votes|warned|warns)\s+against|"
    r"(?:referring|referred|refers|responded|responding|respond|response|reacted|reacting|"
    r"objected|objects|pointed|points|pointing|alluded|alluding|opposition|reference)\s+to|"
    r"(?:claims?|assertion|argument|view|belief|idea|notion|allegations?|suggestion|promise|"
    r"pledge|warning|fears?|hopes?|concerns?|charge|insistence|statement|message|reports?|"
    r"evidence|sense|impression|perception|admission|conclusion|contention|assurance|"
    r"prediction|accusations?|assessment|theory|argument|complaint|criticism)\s+that)\b"
)
_OBJ = _words("him her them it us me")
# where a statement ends and the speaker goes on: "..., though he added", "and questioned"
_SECOND_PREDICATE = re.compile(
    r",?\s+(?:and|but)\s+(?:also\s+|later\s+|then\s+)?(?:said|says|added|adds|told|noted|"
    r"questioned|argued|insisted|warned|called|urged|acknowledged|suggested|recalled)\b|"
    r",\s+(?:though|although|adding|saying|noting|arguing|insisting|warning|according)\b"
)
_QUANTITY = _words(
    "percent half third thirds quarter quarters majority majorities minority most many some "
    "few two three four five six seven eight nine ten dozens hundreds thousands millions "
    "others all both none"
)
# a description after the cue runs on through its modifiers, up to a comma
_DESCRIPTION_START = _words("a an the one another two three several some many most")
_DESCRIPTION_GOES_ON = _words("with to for in of who which that from about by into involved")
_DANGLING = _DESCRIPTION_GOES_ON | _words("of the a an")
_CIRCUMSTANCE = re.compile(
    r"(?:in|on|at|during)\s+(?:a|an|the|his|her|their|its)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|email|e-mail|speech|letter|call|conference|tweet|post|release|"
    r"briefing|appearance|rally|debate|program|show|reporters|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)\b",
    re.IGNORECASE,
)
_ADDRESSEE = re.compile(
    r"\s*(?:to|on|in|at|during|before)\s+[^,:;\ue000\"\u201c\u00ab\u201e]{1,60}?(?=\s*[,:]\s*"
    r"[\"\u201c\u00ab\u201e]|\s+that\b)"
)
_ASKED = re.compile(
    r"\b[Aa]sked\s+(?:about\s+(?P<q>\S)|(?P<w>(?:whether|if|what|why|how|who|when)\b))"
)
_ABBREV_WORD = re.compile(_ABBREV_TITLE)
_APPOSITIVE_WORDS = _words("who which whose whom where when a an the of")
_STATE_LIKE = re.compile(r"(?:[DRI]-[A-Z]|[A-Z][a-z]{1,4}\.$|[A-Z]\.[A-Z]\.$|\d)")


_LY_NOUNS = _words("family ally rally assembly supply reply anomaly")


def _np_left(masked: str, lo: int, hi: int) -> _Mention | None:
    """The noun phrase that ends just before ``hi`` (the subject of a cue)."""
    toks = _tokens(masked, lo, hi)
    # skip auxiliaries, adverbs and time phrases between the subject and the cue
    while toks and (
        toks[-1][2].lower() in AUX
        or toks[-1][2].lower() in TIME_WORDS
        or toks[-1][2].endswith("ly")
        and toks[-1][2].islower()
        and toks[-1][2] not in _LY_NOUNS  # "Scott's family has", not an adverb
    ):
        if toks[-1][2].lower() in TIME_WORDS and len(toks) >= 2 and toks[-2][2] in ("on", "last"):
            toks.pop()
        toks.pop()
    if not toks:
        return None
    if toks[-1][2] == ")":  # "Sen. Ted Cruz (R-Texas) said"
        depth = 0
        while toks:
            t = toks.pop()[2]
            depth += t == ")"
            depth -= t == "("
            if depth == 0:
                break
    if toks and toks[-1][2] == ",":
        # an apposition or relative clause: "Smith, the former governor, said"
        k = len(toks) - 2
        while k >= 0 and toks[k][2] != "," and k > len(toks) - 30:
            k -= 1
        commas = [i for i, t in enumerate(toks[:-1]) if t[2] == ","]
        if len(commas) >= 2 and len(toks) - commas[0] < 60 and MASK not in masked[lo:hi]:
            # "Lapp, executive director of the PAC, a super PAC, said": the first name wins
            after = toks[commas[0] + 1][2]
            first = _np_left(masked, lo, toks[commas[0]][0])
            if (
                first is not None
                and _looks_like_name(first.text)
                and not masked[lo : first.span.start].strip()
                and (after.lower() in _APPOSITIVE_WORDS or not _is_cap(after))
            ):
                return first
        if k > 0 and toks[k][2] == ",":
            inner = _np_left(masked, toks[k + 1][0], toks[-1][0])
            outer = _np_left(masked, lo, toks[k][0])
            first_inner = masked[toks[k + 1][0] : toks[-1][0]].split()
            # "Smith, 29, of Ames, Iowa, said" / "Smith, president of X, said" /
            # "Smith, who ..., said": the name comes first, the rest describes it
            appositive = bool(first_inner) and (
                first_inner[0].lower() in _APPOSITIVE_WORDS
                or not _is_cap(first_inner[0])
                or bool(_STATE_LIKE.match(first_inner[0]))
            )
            if outer is not None and (
                appositive
                or _looks_like_name(outer.text)
                or not _looks_like_name(inner.text if inner else "")
            ):
                return outer
            if inner is not None and _looks_like_name(inner.text):
                return inner
            if outer is not None:
                return outer
        return None
    k = len(toks) - 1
    words: list[tuple[int, int, str]] = []
    while k >= 0 and len(words) < 8:
        s, e, w = toks[k]
        low = w.lower()
        if w in {",", ";", ":", "(", ")", MASK} or MASK in w or w in ALL_MARKS:
            break
        if low in STOP_LEFT and not (low == "of" and words):
            break
        if low in ("who", "which") and words:
            # "Nate Silver, the polling guru who founded the site tweeted"
            head = _np_left(masked, lo, s)
            comma = masked.rfind(",", lo, head.span.start) if head else -1
            if (
                head
                and head.text.split()[0].lower() in DETERMINERS
                and comma >= 0
                and not masked[comma + 1 : head.span.start].strip()
            ):
                outer = _np_left(masked, lo, comma)
                if outer is not None and _looks_like_name(outer.text):
                    return outer
            return head
        contracted = _CONTRACTED_PRONOUN.fullmatch(w)
        if not words and contracted:
            words.append((s, s + contracted.end(1), contracted.group(1)))
            break  # "He’s claiming": the pronoun alone
        if low in CUE_FORMS and not _is_cap(w):
            noun = k > 0 and toks[k - 1][2].lower() in DETERMINERS and low in SPEAKER_NOUNS
            if not noun:  # "the report makes": a noun, not a cue
                break
        if low in _ISSUED and words and words[-1][2].lower() in DETERMINERS:
            # "the Security Council issued a statement calling": who issued it speaks
            issuer = _np_left(masked, lo, s)
            if issuer is not None and words[0][2].lower() in _DOCUMENTS:
                return issuer
            break
        words.append(toks[k])
        k -= 1
        if low in PRONOUNS and len(words) == 1:
            break
    if words and words[-1][2] == "of" and k >= 0 and toks[k][2] == ",":
        return _np_left(masked, lo, toks[k][1])  # "Smith, 29, of Ames, said"
    if (
        words
        and k >= 2
        and toks[k][2] == ","
        and words[0][2].lower() in _NOT_PERSON
        and all(_is_cap(w[2]) for w in words)
        and toks[k - 2][2] == "of"
    ):
        return _np_left(masked, lo, toks[k][0])  # "Stacy Baker of Columbia, South Carolina says"
    if k >= 1 and (toks[k][2] == "," or toks[k][2].lower() in STOP_LEFT):
        # "Anthony Anton, president and CEO of the association stated": an apposition
        # whose closing comma is missing; the name opening the sentence is the speaker
        commas = [i for i in range(k + 1) if toks[i][2] == ","]
        if len(commas) == 1 and commas[0] + 1 < len(toks):
            after = toks[commas[0] + 1][2]
            first = _np_left(masked, lo, toks[commas[0]][0])
            if (
                (
                    after.lower() in DETERMINERS
                    or not _is_cap(after)
                    or after.lower() in _ROLE_HEAD_SET
                )
                and after.lower() not in PRONOUNS  # "South Carolina, he said, was"
                and first is not None
                and len(_name_tokens(first.text)) >= 2
                and not masked[lo : first.span.start].strip()
            ):
                return first
    if not words:
        return None
    words.reverse()
    # drop leading words of a larger phrase that are not part of the noun phrase
    while words and not (
        _is_cap(words[0][2])
        or words[0][2].lower() in DETERMINERS
        or words[0][2].lower() in PRONOUNS
        or words[0][2][0].isdigit()
        or len(words) == 1
        or words[0][2].lower() in SPEAKER_NOUNS
    ):
        words.pop(0)
    if not words:
        return None
    head = words[-1][2]
    low = head.lower()
    ok = (
        _is_cap(head)
        or low in PRONOUNS
        or _strip_possessive(low) in SPEAKER_NOUNS
        or low.rstrip("s") in SPEAKER_NOUNS
        or words[0][2].lower() in DETERMINERS
        and len(words) > 1
        or low in _QUANTITY  # "Two in three said", "59 percent said", "Nearly half said"
        or low[:1].isdigit()
        or len(words) > 1  # "Powell's office said"
        and _is_cap(words[0][2])
        and words[0][2].endswith(("'s", "\u2019s"))
        and head.isalpha()
    )
    if not ok:
        return None
    if low in {"it", "you"} and len(words) == 1:
        return None
    span = Span(words[0][0], words[-1][1])
    return _Mention(span, masked[span.start : span.end])


_RIGHT_STOP = _words(
    "on in at during after before when while who which whose to as about that and but for "
    "with from by because since if than into"
)


def _np_right(masked: str, lo: int, hi: int, lenient: bool = False) -> _Mention | None:
    """The noun phrase starting at ``lo`` ("said Smith, the former governor")."""
    words: list[tuple[int, int, str]] = []
    description = False
    toks = _tokens(masked, lo, min(hi, lo + 200))
    for n, (s, e, w) in enumerate(toks):
        low = w.lower()
        if MASK in w or w in ALL_MARKS or not (w[0].isalnum() or w[0] in "'\u2019"):
            break
        if not words and low in _DESCRIPTION_START:
            description = True  # "one Democrat familiar with the discussion"
        relative = description and any(x[2].lower() in ("who", "whose") for x in words)
        if relative and low in ("and", "but") and n + 1 < len(toks):
            following = toks[n + 1][2].lower()
            if following.endswith("ed") or following in CUE_FORMS:
                break  # "a former official who oversaw the cases and described it as"
        if relative and len(words) < 24 and w not in (",", ";", ":") and w[0].isalnum():
            # "said the man who built his career on his blue collar credentials": a relative
            # clause runs on to the end of the phrase
            if w.endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+", w):
                words.append((s, e - 1, w[:-1]))
                break
            words.append((s, e, w))
            continue
        if description and words and low in _DESCRIPTION_GOES_ON and len(words) < 18:
            if _CIRCUMSTANCE.match(masked, s):
                break
            words.append((s, e, w))
            continue
        if low in _RIGHT_STOP or low in CUE_FORMS and not _is_cap(w) and words and not lenient:
            break
        if description and low in TIME_WORDS:
            break
        if (
            w.endswith(".")
            and low.rstrip(".") not in ABBREVIATIONS
            and not re.fullmatch(r"(?:[A-Z]\.)+", w)
            and not _ABBREV_WORD.fullmatch(w)
        ):
            words.append((s, e - 1, w[:-1]))
            break
        words.append((s, e, w))
        if len(words) >= (18 if description else 10):
            break
    while words and words[-1][2].lower() in _DANGLING:
        words.pop()
    if not words:
        return None
    texts = [w for _, _, w in words]
    last = texts[-1].lower()
    if not (
        lenient
        or any(_is_cap(w) for w in texts)
        or last in SPEAKER_NOUNS
        or last.rstrip("s") in SPEAKER_NOUNS
        or last in PRONOUNS
        and len(texts) == 1
        or texts == ["another"]  # "“...,” tweeted another."
        or description  # "said the base chief known as Bob"
        and len(texts) >= 2
        and texts[0].lower() in ("the", "a", "an", "one", "another")
    ):
        return None
    span = Span(words[0][0], words[-1][1])
    return _Mention(span, masked[span.start : span.end])


# --------------------------------------------------------------------------- core


@dataclass
class _Found:
    kind: str
    fragments: list[Span]
    mention: _Mention | None
    cue: str
    cue_span: Span
    via: list[str] = field(default_factory=list)
    sentence: int = 0
    nested: bool = False


class _Suggester:
    def __init__(
        self, text: str, skip: Sequence[tuple[int, int]], known: Mapping[str, Sequence[str]] | None
    ) -> None:
        self.text = text
        self.skip = sorted((int(s), int(e)) for s, e in skip)
        work = text
        if self.skip:
            chars = list(text)
            for s, e in self.skip:
                for k in range(max(0, s), min(len(text), e)):
                    chars[k] = "\n"
            work = "".join(chars)
        self.work = work = work.replace("\u00a0", " ")  # same length: offsets hold
        self.quotes = find_quotes(work)
        self.masked = _mask(work, self.quotes)
        self.sentences = _sentences(self.masked, work)
        self.names = _Names(text, known)
        self.cues = _cue_index(self.masked)
        self.sentence_ends = [e for _, e in self.sentences]
        self.cue_starts = [c[0] for c in self.cues]

    def cues_in(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        k = bisect_left(self.cue_starts, lo)
        out = []
        while k < len(self.cues) and self.cues[k][1] <= hi:
            out.append(self.cues[k])
            k += 1
        return out

    # -- helpers

    def quotes_in(self, lo: int, hi: int) -> list[tuple[int, int]]:
        return [(o, c) for o, c in self.quotes if o >= lo and c < hi]

    def words(self, span: Span) -> int:
        return len(self.work[span.start : span.end].split())

    def trim(self, lo: int, hi: int) -> tuple[int, int]:
        m = self.masked
        while lo < hi and (m[lo].isspace() or m[lo] in ",;:\u2014\u2013-"):
            lo += 1
        while hi > lo and (m[hi - 1].isspace() or m[hi - 1] in ".,;:!?\u2014\u2013-"):
            hi -= 1
        return lo, hi

    # -- per cue

    def analyse(self, si: int, lo: int, hi: int, nested: bool = False) -> list[_Found]:
        masked = self.masked
        found: list[_Found] = []
        intro = _PLACE_INTRO.match(masked, lo, hi)
        for cue_start, cue_end, low in self.cues_in(lo, hi):
            if low == "according to":
                f = self.according(cue_start, cue_end, lo, hi, si)
                if f:
                    found.append(f)
                continue
            if low in IMPRESSION:
                f = self.impression(si, lo, hi, cue_start, cue_end, low)
                if f:
                    f.nested = nested
                    found.append(f)
                if f or low not in CUE_FORMS:
                    continue
            lemma = CUE_FORMS[low]
            if low in AMBIGUOUS and not self.verb_after_subject(lo, cue_start):
                continue
            prev = masked[lo:cue_start].split()[-1:]
            verb = CUE_FORMS.get(prev[0].lower(), "") if prev else ""
            if verb in PARTICLES and re.fullmatch(PARTICLES[verb], low):
                continue  # the "back" of "shot back"
            if (
                intro
                and cue_end < intro.end()
                and not re.match(r"\s+that\b", masked[cue_end : cue_end + 6])
            ):
                continue  # "In a Facebook message posted Friday, Cruz said"
            if (low == lemma or low.endswith("s")) and self.after_possessive(lo, cue_start):
                continue  # "the president’s claims", "his plans": nouns
            particle = PARTICLES.get(lemma)
            if particle:
                pm = re.match(rf"\s+{particle}\b", masked[cue_end:hi])
                if not pm:
                    continue
                cue_end += pm.end()
            cue_span = Span(cue_start, cue_end)
            f = self.with_cue(si, lo, hi, cue_span, lemma, low)
            if f:
                f.nested = nested
                found.append(f)
        return found

    def topics(self, si: int, lo: int, hi: int) -> list[_Found]:
        """ "talked about X", "called for X", "was critical of X": the object is the content.

        The speaker is the subject before the cue when there is one.
        """
        masked = self.masked
        out = []
        for m in _ASKED.finditer(masked, lo, hi):
            # "Asked whether he would run, Smith said ...": the question is the content
            start = m.start("q") if m.group("q") else m.start("w")
            comma = masked.find(",", start, hi)
            s, e = self.trim(start, comma if comma >= 0 else hi)
            if len(masked[s:e].split()) >= 2 and MASK not in masked[s:e]:
                cue_span = Span(m.start(), m.start() + 5)
                out.append(_Found("indirect", [Span(s, e)], None, "asked", cue_span, sentence=si))
        for m in _TOPIC_CUE.finditer(masked, lo, hi):
            start = m.end()
            if m.group().endswith("that"):
                # "his claim that the election is rigged": the clause is the content
                clause = _CLAUSE_CLOSE.search(masked, start, hi)
                end = clause.start() if clause else hi
            else:
                obj = _OBJECT_END.search(masked, start + 1, hi)
                end = obj.start() if obj else hi
            s, e = self.trim(start, end)
            words = masked[s:e].split()
            if not words or words[0].lower() in _NOT_CONTENT or MASK in masked[s:e]:
                continue
            if len(words) > 25:
                continue
            cue_span = Span(m.start(), m.end())
            mention = _np_left(masked, lo, m.start()) if m.start() > lo else None
            cue = " ".join(masked[m.start() : m.end()].split())
            out.append(_Found("indirect", [Span(s, e)], mention, cue, cue_span, sentence=si))
        return out

    def colon_lead(self, si: int, lo: int, hi: int) -> _Found | None:
        """ "Ryan: Anti-Semitic images have no place in a campaign." (a headline's source)."""
        masked = self.masked
        if lo > 0 and self.work[lo - 1] != "\n":
            return None
        m = _COLON_LEAD.match(masked, lo, hi)
        if m is None or m.group("who").split()[0].lower() in _NOT_LEADS:
            return None
        s, e = self.trim(m.end(), hi)
        if len(masked[s:e].split()) < 4 or MASK in masked[s:e]:
            return None
        mention = _Mention(Span(m.start("who"), m.end("who")), m.group("who"))
        colon = Span(m.end("who"), m.end("who") + 1)
        return _Found("indirect", [Span(s, e)], mention, ":", colon, sentence=si)

    def impression(
        self, si: int, lo: int, hi: int, cue_start: int, cue_end: int, low: str
    ) -> _Found | None:
        """ "The race appears closer in Ohio": an impression with no source of its own.

        The content is the whole clause around the cue; there is no speaker.
        """
        masked = self.masked
        passive = re.search(r"\b(?:is|are|was|were)\s+$", masked[lo:cue_start])
        if low.startswith("expect") and not passive:
            return None
        start = lo
        for m in _CLAUSE_OPEN.finditer(masked, lo, cue_start):
            start = m.end()
        end_m = _CLAUSE_CLOSE.search(masked, cue_end, hi)
        end = end_m.start() if end_m else hi
        s, e = self.trim(start, end)
        if len(masked[s:cue_start].split()) < 1 or len(masked[s:e].split()) < 4:
            return None
        if MASK in masked[s:e]:
            return None
        cue_span = Span(cue_start, cue_end)
        cue = masked[cue_start:cue_end]
        return _Found("indirect", [Span(s, e)], None, cue, cue_span, sentence=si)

    def according(self, cue_start: int, cue_end: int, lo: int, hi: int, si: int) -> _Found | None:
        masked = self.masked
        cue_span = Span(cue_start, cue_end)
        src = _np_right(masked, cue_end, hi, lenient=True)
        if src is None:
            return None
        before = masked[lo:cue_start]
        if before.strip(" ,") == "" or before.strip().lower() in {"but", "and"}:
            # "According to X, content."
            comma = masked.find(",", src.span.end, hi)
            if comma < 0:
                return None
            s, e = self.trim(comma + 1, hi)
        else:
            s, e = self.trim(lo, cue_start)
        if e - s < 8:
            return None
        return self.make(si, s, e, src, "according to", cue_span)

    def with_cue(
        self, si: int, lo: int, hi: int, cue_span: Span, lemma: str, form: str
    ) -> _Found | None:
        masked = self.masked
        left = masked[lo : cue_span.start]
        if form.endswith("ing") and lemma not in {"think"}:
            found = self.participle(si, lo, hi, cue_span, lemma)
            if found is not None or lemma in SPEECH or lemma not in STANCE:
                return found
            # "the super PAC supporting Jeb Bush": a stance with its object, read on
        prev_word = left.split()[-1].lower() if left.split() else ""
        if prev_word in PASSIVE and form.endswith(("ed", "told", "said", "wrote", "written")):
            by = re.match(r"\s+by\s+", masked[cue_span.end : hi])
            if by is None or lemma not in SPEECH:
                return None
            # "Sanders was asked by host Bill Maher, “...”": the quote is Maher's
            return self.speaker_then_quote(si, hi, cue_span, cue_span.end + by.end())
        if (
            prev_word in {"to", "the", "a", "an", "who's"}
            and not form.endswith("ed")
            and (prev_word != "to" or lemma not in SPEECH)
        ):
            return None

        # 1. trailing attribution: "“...,” SPEAKER said" / "..., said SPEAKER."
        mention, content_start, content_end = self.trailing(lo, hi, cue_span)
        if mention is not None:
            if lemma == "report" and self.has_attribution(content_start, content_end):
                return None  # "..., Konashenkov said, RIA Novosti reported": a relay
            s, e = self.trim(content_start, content_end)
            if s < e:
                f = self.make(si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)
                if f:
                    tail_end = max(mention.span.end, cue_span.end)
                    f.via = self.via_after(tail_end, hi, f)
                return f
            return None
        if not left.strip():
            # "Said Comey, “...”": the speaker follows the cue, the quote follows both
            return self.speaker_then_quote(si, hi, cue_span, cue_span.end)
        # 2. leading attribution: "SPEAKER said (that) content"
        mention = _np_left(masked, lo, cue_span.start)
        if mention is None:
            mention = self.coordinated_subject(lo, cue_span.start)
        if mention is None or mention.text.split()[0].lower() in _WHAT_WORDS:
            return None  # "Nothing the president said “...”": what was said, not a speaker
        start = cue_span.end
        mid = self.parenthetical(lo, hi, cue_span, mention)
        if mid is not None:
            return mid
        tm = _TIME_AFTER_CUE.match(masked, start, hi)
        if tm and tm.end() > start:
            start = tm.end()
        if lemma in SPEECH:
            # "wrote to his 20,000 Twitter followers, “...”": the addressee is no content
            rm = _ADDRESSEE.match(masked, start, hi)
            if rm:
                start = rm.end()
        if lemma in TAKES_OBJECT:
            om = re.match(
                r"\s*(?:[\w\u2019'.&-]+\s+){0,6}?(?=that\b)|\s*(?:me|us|him|her|them|you|"
                r"reporters|supporters|voters|the\s+crowd|an?\s+audience|(?:the\s+)?"
                r"(?:[A-Z][\w.&'\u2019-]*\s*)+)(?=[\s,:])",
                masked[start:hi],
            )
            if om:
                start += om.end()
                tm = _TIME_AFTER_CUE.match(masked, start, hi)
                if tm and tm.end() > start:
                    start = tm.end()
        that = _THAT.match(masked, start, hi)
        has_that = bool(that and that.end() > start)
        if has_that:
            following = masked[that.end() : hi].split()[:1]
            if following and following[0].lower() in _NOT_CONTENT:
                has_that = False  # "said that was ...": "that" is the subject
            else:
                start = that.end()
        if (
            lemma in NEEDS_THAT
            and not has_that
            and not masked[start:hi].lstrip(" ,").startswith(tuple(OPENERS))
        ):
            return None
        preps = ("to ", "for ", "with ", "by ", "of ")
        if lemma not in SPEECH:
            preps += ("about ", "on ", "in ", "at ")
        infinitive = masked[start:hi].lstrip().lower().startswith("to ") and lemma in INTENT
        if (
            masked[start:hi].lstrip().lower().startswith(preps)
            and lemma not in TAKES_PREPOSITION
            and not infinitive
        ):
            return None
        if masked[start:hi].split()[:1] and masked[start:hi].split()[0].lower() in _NOT_CONTENT:
            return None
        end = hi
        if infinitive:
            # "wants to build a wall": the content runs to the end of the clause
            clause = _CLAUSE_CLOSE.search(masked, start, hi) or re.compile(",").search(
                masked, start, hi
            )
            if clause:
                end = clause.start()
        elif lemma in STANCE and lemma not in SPEECH and not has_that:
            obj = _OBJECT_END.search(masked, start + 1, hi)
            if obj:
                end = obj.start()
        cut = _TRAILING_CUT.search(masked, start, hi)
        via: list[str] = []
        if cut:
            via = self.via_after(cut.start(), hi, None)
            end = cut.start()
        vm = self.trailing_reporter(start, end)
        if vm is not None:
            via = [vm[1]]
            end = vm[0]
        coord = _SECOND_PREDICATE.search(masked, start, end)
        if coord is not None:
            end = coord.start()  # "said X, and added ...": a second statement
        if _SUBORDINATE.match(masked, lo, cue_span.start):
            end = self.subordinate_end(start, end)
        s, e = self.trim(start, end)
        if e - s < 2:
            return None
        f = self.make(si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)
        if f is not None:
            f.via = via
        return f

    def speaker_then_quote(self, si: int, hi: int, cue_span: Span, start: int) -> _Found | None:
        """The speaker right after the cue (from ``start``), then the quote: ``Said Comey,
        “...”``, ``was asked by host Bill Maher, “...”``."""
        masked = self.masked
        mention = _np_right(masked, start, hi)
        if mention is None or mention.text.split()[0].lower() in _QUESTION_WORDS:
            return None  # "Asked why ..., Earnest responded, “...”": a question
        qs = self.quotes_in(mention.span.end, hi)
        if not qs or any(
            CUE_FORMS.get(c[2]) in SPEECH for c in self.cues_in(mention.span.end, qs[0][0])
        ):
            return None  # "Asked Tuesday about it, Feinstein said, “...”": Feinstein's
        s, e = self.trim(qs[0][0], hi)
        return self.make(si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)

    def subordinate_end(self, start: int, end: int) -> int:
        """Where the content of a cue in a subordinate clause ends: at the comma before the
        main clause's own attribution (``When Beck asked him who would win, D’Souza
        replied, “...”``)."""
        masked = self.masked
        for cs, _ce, low in self.cues_in(start, end):
            if CUE_FORMS.get(low) not in SPEECH:
                continue
            comma = masked.rfind(",", start, cs)
            if comma <= start:
                continue
            subject = _np_left(masked, comma + 1, cs)
            if subject is not None and not masked[comma + 1 : subject.span.start].strip():
                return comma
        return end

    def trailing(self, lo: int, hi: int, cue_span: Span) -> tuple[_Mention | None, int, int]:
        """Speaker and content range when the cue follows its content, else (None, 0, 0)."""
        masked = self.masked
        left = masked[lo : cue_span.start]
        # right after a quote: “...,” Smith, the former governor, said / “...,” said Smith
        qs = [q for q in self.quotes_in(lo, cue_span.start)]
        if qs:
            o, c = qs[-1]
            zone = masked[c + 1 : cue_span.start]
            if len(zone.split()) <= 20 and not _CLAUSE_END.search(_ABBREV_ANY.sub("", zone)):
                if zone.strip(" ,\u2014-") == "":
                    mention = _np_right(masked, cue_span.end, hi)
                else:
                    mention = _np_left(masked, c + 1, cue_span.start)
                if mention is not None:
                    first = len(qs) - 1
                    while first > 0:
                        gap = masked[qs[first - 1][1] + 1 : qs[first][0]]
                        if gap.strip(" ,\u2014-") not in ("", "and", "or"):
                            break
                        first -= 1
                    return mention, self.quote_lead(lo, qs[first][0]), c + 1
        # "..., SPEAKER said." / "..., said SPEAKER." at the end of a sentence
        last_comma = left.rfind(",")
        if last_comma < 0:
            return None, 0, 0
        right = masked[cue_span.end : hi]
        tail = re.match(r"[^,;:.!?]*", right).group()
        rest = right[len(tail) :].lstrip()
        zone = left[last_comma + 1 :]
        if len(zone.split()) > 9 or len(tail.split()) > 9 or rest and rest[0] not in ".!?,;":
            return None, 0, 0
        if any(
            CUE_FORMS.get(c[2]) in SPEECH for c in self.cues_in(lo + last_comma, cue_span.start)
        ):
            return None, 0, 0  # "..., said when he called on Boyle": the first cue attributes
        opening = masked[lo : lo + last_comma].strip()
        if MASK not in opening and len(_name_tokens(opening)) >= 2 and _NAME_RUN.fullmatch(opening):
            return None, 0, 0  # "Sam Lau, the director for the party said": a name, no content
        if (
            zone.strip()
            and rest.startswith(",")
            and (len(rest.split()) > 3 or MASK in rest)
            and not _VIA_TAIL.match(rest)
        ):
            return None, 0, 0  # "In the end, Smith said, voters ...": parenthetical
        if zone.strip():
            # after "..., Smith said" only circumstances may follow: "on Tuesday", "told CNN"
            tail_words = tail.split()
            if tail_words and not (
                _TIME_AFTER_CUE.fullmatch(tail)
                or tail_words[0].lower() in _RIGHT_STOP
                or CUE_FORMS.get(masked[cue_span.start : cue_span.end].lower()) in TAKES_OBJECT
                and len(tail_words) <= 5
                and tail_words[0].lower() not in ("it", "that", "there", "this")
            ):
                return None, 0, 0
            mention = _np_left(masked, lo + last_comma + 1, cue_span.start)
        else:
            mention = _np_right(masked, cue_span.end, hi)
            if mention is not None and not self.ends_clause(mention, cue_span.end + len(tail)):
                return None, 0, 0  # "X, an expert, says Libya is ...": X is the subject
        if mention is None:
            return None, 0, 0
        if _INTRO.fullmatch(masked, lo, lo + last_comma + 2) or _INTRO.fullmatch(
            masked[lo : lo + last_comma] + ", "
        ):
            return None, 0, 0  # "Earlier this week, the senator called for ...": no content
        return mention, lo, lo + last_comma

    def quote_lead(self, lo: int, o: int) -> int:
        """Where a statement ending in a quote starts: the quote's opening mark, or the start
        of the sentence when the words before the quote belong to the statement
        (``The summit accomplished “too little,” he added``: a mixed quote)."""
        lead = self.masked[lo:o]
        if (
            len(re.findall(r"\w+", lead)) < 2
            or _CLAUSE_END.search(_ABBREV_ANY.sub("", lead))
            or lead.rstrip().endswith(("\u2014", "-", "\u2013"))
            or self.cues_in(lo, o)
            or _LEAD_INTRO.fullmatch(lead)
        ):
            return o
        return lo

    def ends_clause(self, mention: _Mention, end: int) -> bool:
        """Whether only circumstances follow ``mention`` up to ``end`` ("said Smith on Monday").

        ``said he still thinks ...`` / ``says Libya is ...``: the words after the cue are a
        clause of their own, not the speaker of what precedes.
        """
        words = mention.text.split()
        if any(w in _VERBISH or w.endswith(("n't", "n\u2019t")) for w in words[1:]):
            return False  # "said Ivanka Trump's statement didn't clarify the matter"
        rest = self.masked[mention.span.end : end]
        if not rest.strip() or rest.lstrip()[:1] in ",(":
            return True
        tm = _TIME_AFTER_CUE.match(rest)
        if tm and tm.group().strip():
            return True
        return rest.split()[0].lower() in _RIGHT_STOP

    def after_possessive(self, lo: int, cue_start: int) -> bool:
        prev = self.masked[lo:cue_start].split()[-2:]
        if len(prev) == 2 and "-" in prev[1] and prev[1].islower():
            prev = prev[:1]  # "his early-morning tweets"
        prev = prev[-1:]
        if not prev:
            return False
        low = prev[0].lower()
        return low in POSSESSIVES or (
            low.endswith(("'s", "\u2019s")) and not _CONTRACTED_PRONOUN.fullmatch(low)
        )

    def verb_after_subject(self, lo: int, cue_start: int) -> bool:
        """Whether a noun-or-verb word ("polls show", "he wants") follows a plain subject."""
        toks = self.masked[lo:cue_start].split()
        if not toks:
            return False
        prev = toks[-1]
        low = prev.lower()
        if low in ("he", "she", "they", "we", "i", "who", "you"):
            return True
        if MASK in prev and prev.rstrip(",")[-1:] in ALL_MARKS | {"\u201d"}:
            return True  # "“...,” read the email": right after a quote and its comma
        if low in DETERMINERS or low in STOP_LEFT or not prev.isalpha():
            return False
        if _is_cap(prev) and len(toks) > 1:
            return True
        return low.endswith("s") and (low in SPEAKER_NOUNS or low.rstrip("s") in SPEAKER_NOUNS)

    def coordinated_subject(self, lo: int, cue_start: int) -> _Mention | None:
        """ "The spokesman refused ... but said ...": the subject of the sentence."""
        before = self.masked[lo:cue_start].split()
        while before and before[-1].lower() in AUX:
            before.pop()
        if not before or before[-1].lower() not in ("and", "but"):
            return None
        m = _SUBJECT_NP.match(self.masked, lo, cue_start)
        if m is None:
            return None
        return _Mention(Span(m.start(1), m.end(1)), m.group(1))

    def parenthetical(self, lo: int, hi: int, cue_span: Span, mention: _Mention) -> _Found | None:
        """ "In the end, Smith said, voters ..." : the content is both sides of the remark."""
        masked = self.masked
        left_comma = masked.rfind(",", lo, mention.span.start)
        if left_comma < 0 or masked[left_comma + 1 : mention.span.start].strip():
            return None
        after = _TIME_AFTER_CUE.match(masked, cue_span.end, hi)
        pos = after.end() if after and after.end() > cue_span.end else cue_span.end
        if not masked[pos:hi].lstrip().startswith(","):
            return None
        right_start = masked.index(",", pos) + 1
        if MASK in masked[right_start:hi]:
            return None  # "After ..., Hillary shot back, “...”": the quote is the content
        frags = []
        for s, e in ((lo, left_comma), (right_start, hi)):
            s, e = self.trim(s, e)
            if len(masked[s:e].split()) >= 3:
                frags.append(Span(s, e))
        if not frags or MASK in "".join(masked[f.start : f.end] for f in frags):
            return None
        cue = masked[cue_span.start : cue_span.end]
        return _Found("indirect", frags, mention, cue, cue_span)

    def has_attribution(self, lo: int, hi: int) -> bool:
        """Whether ``masked[lo:hi]`` holds a reporting cue with a subject of its own."""
        for cue_start, cue_end, low in self.cues_in(lo, hi):
            if low == "according to":
                return True
            if low in AMBIGUOUS or CUE_FORMS.get(low) not in SPEECH:
                continue
            if _np_left(self.masked, lo, cue_start) or _np_right(self.masked, cue_end, hi):
                return True
        return False

    def participle(self, si: int, lo: int, hi: int, cue_span: Span, lemma: str) -> _Found | None:
        """ ", saying ..." : the subject is the sentence's subject."""
        masked = self.masked
        left = masked[lo : cue_span.start].rstrip()
        if not left.endswith(",") and not _DOCUMENT_BEFORE.search(left):
            return None  # "..., saying" / "issued a statement saying"
        told = self.reporter_before(lo, cue_span.start)
        if told is not None:
            # "..., Spicer said, adding, “...”": the speaker of the cue just before
            lo = cue_span.start
        for pattern in (_INTRO, _LEAD_INTRO, _LATER_INTRO):
            # "On Thursday, after remaining neutral for months, Warren endorsed Clinton, saying"
            intro = pattern.match(masked, lo, cue_span.start)
            if intro:
                lo = intro.end()
        subject = _SUBJECT_NP.match(masked, lo, cue_span.start)
        if subject and any(w in _VERBISH or w == "not" for w in subject.group(1).split()[1:]):
            subject = None  # "Gowdy did not release further (details)"
        verb = self.main_verb(lo, cue_span.start) if subject is None else None
        if subject is not None:
            mention = _Mention(Span(subject.start(1), subject.end(1)), subject.group(1))
        elif verb is not None and _np_left(masked, lo, verb[0]) is not None:
            # "Democratic presidential candidate Bernie Sanders (I-Vt.) wrote ..., saying"
            mention = _np_left(masked, lo, verb[0])
        else:
            chunk = re.match(r"\s*[^,]*", masked[lo:hi]).group()
            if all(_is_cap(w) or w in ("of", "former", "the") for w in chunk.split()):
                end = lo + len(chunk)  # "former Secretary of State Hillary Clinton, drew"
            else:
                end = lo + len(re.match(r"\s*[^,]*?(?=\s+[a-z]+\b|,|$)", chunk).group())
            mention = _np_left(masked, lo, end)
        if told is not None:
            mention = told
        if mention is None:
            first = re.match(r"\s*(?:[A-Z][\w\u2019'.-]*\s*)+", masked[lo:hi])
            if not first:
                return None
            mention = _Mention(Span(lo + first.start(), lo + first.end()), first.group().strip())
            mention.span = Span(mention.span.start, mention.span.start + len(mention.text))
        start = cue_span.end
        if lemma in TAKES_OBJECT:
            om = re.match(r"\s*(?:[\w\u2019'.&-]+\s+){0,5}?(?=that\b)", masked[start:hi])
            if om:
                start += om.end()
        that = _THAT.match(masked, start, hi)
        if that:
            start = that.end()
        elif lemma in NEEDS_THAT:
            return None
        s, e = self.trim(start, hi)
        if e - s < 8:
            return None
        return self.make(si, s, e, mention, masked[cue_span.start : cue_span.end], cue_span)

    def reporter_before(self, lo: int, hi: int) -> _Mention | None:
        """The speaker of ``..., Spicer said,`` ending ``masked[lo:hi]`` (before a participle)."""
        masked = self.masked
        cues = [cu for cu in self.cues_in(lo, hi) if CUE_FORMS.get(cu[2]) in SPEECH]
        if not cues:
            return None
        cs, ce, _low = cues[-1]
        gap = masked[ce:hi]
        if MASK in gap or len(gap.split()) > 6 or not gap.rstrip().endswith(","):
            return None
        if gap.strip(" ,") and not _TIME_AFTER_CUE.fullmatch(gap.rstrip(" ,") + ","):
            if not masked[lo:cs].rstrip().endswith(","):
                return None
            first = _np_right(masked, ce, hi)  # "..., said Spicer, adding"
            if first is None or masked[first.span.end : hi].strip(" ,"):
                return None
            return first
        # the clause of the cue opens after a comma or a quote: "“...,” Lewandowski added,"
        comma = max(masked.rfind(m, lo, cs) for m in (",", "\u201d", "\u00bb", '"'))
        if comma < 0:
            return None
        return _np_left(masked, comma + 1, cs)

    def trailing_reporter(self, start: int, end: int) -> tuple[int, str] | None:
        """ "content, the RIA Novosti news agency reported" inside a clause."""
        seg = self.masked[start:end]
        comma = seg.rfind(",")
        if comma < 0:
            return None
        vm = _VIA_TAIL.match(seg[comma:])
        if vm is None:
            return None
        return start + comma, _clean_outlet(vm.group("outlet"))

    def via_after(self, lo: int, hi: int, f: _Found | None) -> list[str]:
        seg = self.masked[lo:hi]
        for pattern in (_VIA_TAIL, _VIA_ACCORDING):
            vm = pattern.match(seg)
            if vm:
                return [_clean_outlet(vm.group("outlet"))]
        return []

    def make(
        self, si: int, s: int, e: int, mention: _Mention | None, cue: str, cue_span: Span
    ) -> _Found | None:
        qs = self.quotes_in(s - 1, e + 1)
        if qs:
            inner = [Span(o + 1, c) for o, c in qs]
            outside = self.masked[s:e]
            for o, c in qs:
                outside = outside.replace(self.masked[o : c + 1], " ")
            if len(re.findall(r"\w+", outside)) <= 1 and any(self.utterance(sp) for sp in inner):
                return _Found("direct", inner, mention, cue, cue_span, sentence=si)
            return _Found("mixed", [Span(s, e)], mention, cue, cue_span, sentence=si)
        words = self.work[s:e].split()
        stance = CUE_FORMS.get(cue.lower()) in STANCE
        if len(words) < 2 and not (stance and words and (_is_cap(words[0]) or words[0] in _OBJ)):
            return None  # one word only as the object of a stance: "endorsed Trump"
        return _Found("indirect", [Span(s, e)], mention, cue, cue_span, sentence=si)

    def utterance(self, span: Span) -> bool:
        """A quote long enough, or ending like a sentence, to be a statement on its own."""
        inner = self.work[span.start : span.end].rstrip()
        return len(inner.split()) >= MIN_UNATTRIBUTED_WORDS or inner[-1:] in (",", ".", "?", "!")

    # -- the whole article

    def run(self) -> list[Suggestion]:
        found: list[_Found] = []
        for si, (lo, hi) in enumerate(self.sentences):
            here = self.analyse(si, lo, hi)
            if not here:
                lead = self.colon_lead(si, lo, hi)
                if lead is not None:
                    here = [lead]
            here = self.best_per_content(here)
            for f in self.topics(si, lo, hi):
                if not any(_overlaps(f.fragments, k.fragments) for k in here):
                    here.append(f)
            for f in list(here):
                if f.kind == "indirect":
                    for inner in self.analyse(si, f.fragments[0].start, f.fragments[0].end, True):
                        if inner.kind == "indirect" and inner.mention is not None:
                            found.append(inner)
            found += here
        found = self.attach_unattributed(found)
        return self.finish(found)

    @staticmethod
    def best_per_content(items: list[_Found]) -> list[_Found]:
        """Among overlapping readings of one sentence keep the one with the widest reach."""
        items.sort(key=lambda f: (f.fragments[0].start, -(f.fragments[-1].end)))
        kept: list[_Found] = []
        for f in items:
            clash = None
            for k in kept:
                if _overlaps(f.fragments, k.fragments) or _overlaps([f.cue_span], k.fragments):
                    clash = k
                    break
            if clash is None:
                kept.append(f)
            elif _inside([f.cue_span], clash.fragments) and not _inside(
                [clash.cue_span], f.fragments
            ):
                continue  # a cue inside another content: nested, found later
            elif _inside([clash.cue_span], f.fragments):
                kept.remove(clash)
                kept.append(f)
        return kept

    def attach_unattributed(self, found: list[_Found]) -> list[_Found]:
        covered = []
        for f in found:
            covered += f.fragments
        by_sentence: dict[int, list[_Found]] = {}
        for f in found:
            by_sentence.setdefault(f.sentence, []).append(f)
        sentence_of = {}
        for si, (lo, hi) in enumerate(self.sentences):
            for o, _ in self.quotes_in(lo, hi):
                sentence_of[o] = si
        extra: list[_Found] = []
        for o, c in self.quotes:
            span = Span(o + 1, c)
            if any(f.start - 1 <= span.start and span.end <= f.end + 1 for f in covered):
                continue
            if self.words(span) < MIN_UNATTRIBUTED_WORDS:
                continue
            si = sentence_of.get(o, -1)
            if si < 0:
                continue
            lo, hi = self.sentences[si]
            # the first quote of "“First,” he said, “second.”": same sentence
            same = [f for f in by_sentence.get(si, []) if f.kind == "direct"]
            if same:
                same[0].fragments.append(span)
                same[0].fragments.sort(key=lambda sp: sp.start)
                continue
            # "“First,” he said. “Second.”": the statement goes on
            prev = by_sentence.get(si - 1, [])
            alone = not self.masked[lo:hi].replace(self.masked[o : c + 1], "").strip(" .,")
            if (
                prev
                and prev[-1].kind == "direct"
                and self.same_paragraph(self.sentences[si - 1][1], lo)
                and alone
                and not prev[-1].nested
            ):
                prev[-1].fragments.append(span)
                by_sentence.setdefault(si, []).append(prev[-1])
                continue
            intro = self.introduced(o, c)
            if intro is not None:
                f = _Found("direct", [span], intro[0], intro[1], intro[2], sentence=si)
                extra.append(f)
                by_sentence.setdefault(si, []).append(f)
                continue
            own = self.own_clause(o, c, lo, hi)
            if own is not None:
                f = _Found("direct", [span], own[0], own[1], own[2], sentence=si)
                f.nested = True
                extra.append(f)
                by_sentence.setdefault(si, []).append(f)
                continue
            neighbour = self.neighbour(found + extra, o)
            if neighbour is None and self.title_like(span):
                continue
            if neighbour is None:
                neighbour = self.far_neighbour(found + extra, o)
            f = _Found(
                "direct",
                [span],
                neighbour.mention if neighbour else None,
                neighbour.cue if neighbour else "",
                neighbour.cue_span if neighbour else None,
                sentence=si,
            )
            f.nested = True  # borrowed speaker: never the start of a split quote
            extra.append(f)
            by_sentence.setdefault(si, []).append(f)
        return found + extra

    def introduced(self, o: int, c: int) -> tuple[_Mention, str, Span | None] | None:
        """The speaker of a quote that no cue of its sentence attributes, from its layout.

        - ``Cruz continued:`` / ``Trump issued the following statement:`` ending the
          paragraph before a paragraph that opens with the quote;
        - ``Philip Bump: “...”`` (a name and a colon right before the quote);
        - ``“...”`` followed by a paragraph ``- Sanders.`` / ``— Michelle Marks, Ohio.``;
        - ``Lau said in a statement. “...”`` (see :meth:`bare_attribution`).
        """
        masked, work = self.masked, self.work
        asm = _AS_PUT_IT_AFTER.match(masked, c + 1)
        if asm:
            cue_span = Span(asm.start("cue"), asm.end("cue"))
            mention = _Mention(Span(asm.start("np"), asm.end("np")), asm.group("np"))
            return mention, asm.group("cue"), cue_span
        para_start = work.rfind("\n", 0, o) + 1
        before = masked[para_start:o]
        # "Philip Bump: “...”" / "HEADLINE - Frank Newport: “...”"
        nm = _NAME_COLON.search(before)
        if nm and not _CLAUSE_END.search(_ABBREV_ANY.sub("", before[: nm.start()])[-2:]):
            name = nm.group("name")
            if _looks_like_name(name):
                start = para_start + nm.start("name")
                return _Mention(Span(start, start + len(name)), name), "", None
        if before.rstrip().endswith((":", ",")):
            # "Rubio fired back forcefully: “...”": the subject of the clause before
            k = bisect_left(self.sentence_ends, o)
            if k < len(self.sentences) and self.sentences[k][0] < o:
                lo = self.sentences[k][0]
                # "As The Post's Dana Milbank puts it, “...”"
                asm = _AS_PUT_IT.match(masked, lo, o)
                if asm and not masked[asm.end() : o].strip():
                    cue_span = Span(asm.start("cue"), asm.end("cue"))
                    mention = _Mention(Span(asm.start("np"), asm.end("np")), asm.group("np"))
                    return mention, asm.group("cue"), cue_span
                intro = _LEAD_INTRO.match(masked, lo, o)
                mark = masked.rfind(":" if before.rstrip().endswith(":") else ",", lo, o)
                found = self.colon_speaker(intro.end() if intro else lo, mark)
                if found is not None and found[0].text.lower() not in ("it", "this", "that"):
                    return found
        bare = self.bare_attribution(o)
        if bare is not None:
            return bare
        if before.strip():
            return None
        # "Cruz continued:" closing the paragraph before
        prev_end = para_start - 1
        while prev_end > 0 and work[prev_end - 1].isspace():
            prev_end -= 1
        if prev_end > 0 and masked[prev_end - 1] == ":":
            k = bisect_left(self.sentence_ends, prev_end) if self.sentences else 0
            if k < len(self.sentences):
                lo, hi = self.sentences[k]
                if lo < prev_end <= hi + 1:
                    found = self.clause_colon_speaker(lo, prev_end - 1)
                    if found is not None:
                        return found
        # "- Sanders." in the paragraph after
        nxt = work.find("\n", c)
        if nxt >= 0 and not masked[c + 1 : nxt].strip(" .,"):
            dm = _DASH_NAME.match(work, nxt)
            if dm and _looks_like_name(dm.group("name")):
                name = dm.group("name")
                return _Mention(Span(dm.start("name"), dm.end("name")), name), "", None
        return None

    def bare_attribution(self, o: int) -> tuple[_Mention, str, Span | None] | None:
        """``Lau said in a statement. “...”``: the sentence right before the quote (in its
        paragraph or closing the one before) is a speech cue with only circumstances after
        it; its subject is the speaker."""
        k = bisect_left(self.sentence_ends, o)
        if k == 0:
            return None
        lo, hi = self.sentences[k - 1]
        masked = self.masked
        if masked[hi:o].strip() or masked[hi:o].count("\n") > 2:
            return None
        body = masked[lo:hi].rstrip()
        if not body.endswith(".") or MASK in body:
            return None
        for cue_start, cue_end, low in reversed(self.cues_in(lo, hi)):
            if low not in SPEECH:
                continue
            tail = masked[cue_end : lo + len(body) - 1]
            if tail.strip() and not _TIME_AFTER_CUE.fullmatch(tail):
                return None
            intro = _LEAD_INTRO.match(masked, lo, cue_start)
            mention = _np_left(masked, intro.end() if intro else lo, cue_start)
            if mention is None or mention.text.lower() in ("it", "this", "that"):
                return None
            return mention, masked[cue_start:cue_end], Span(cue_start, cue_end)
        return None

    def own_clause(
        self, o: int, c: int, lo: int, hi: int
    ) -> tuple[_Mention, str, Span | None] | None:
        """The speaker of a quote from its own sentence when no cue attributes it.

        ``Moore thanked him for “...”`` / ``Pence, who ..., praised Cruz for “...”``: the
        subject of the clause that holds the quote (any verb); ``“...,” Toomey fumed.`` /
        ``“...,” opined the Plain Dealer.``: a short clause after a quote that ends with a
        comma, question or exclamation mark.
        """
        masked = self.masked
        if masked[lo:o].strip(" ,\u2014\u2013-"):
            # the clause nearest the quote first ("..., and the crowd chanted “...”")
            intro = _LEAD_INTRO.match(masked, lo, o)
            starts = [m.end() for m in _QUOTE_CLAUSE.finditer(masked, lo, o)][::-1]
            starts.append(intro.end() if intro else lo)
            for start in starts:
                verb = self.main_verb(start, o)
                if verb is None:
                    continue
                mention = _np_left(masked, start, verb[0])
                if mention is None or mention.text.lower() in ("it", "this", "that", "there"):
                    continue
                return _owner(mention), masked[verb[0] : verb[1]], Span(verb[0], verb[1])
            return None
        inner = self.work[o + 1 : c].rstrip().rstrip("\u2019'")
        tail = masked[c + 1 : hi]
        if not (inner.endswith((",", "?", "!", "\u2014")) or tail.lstrip().startswith(",")):
            return None
        tail = tail.rstrip(" .!?")
        words = tail.split()
        if not words or len(words) > 12 or MASK in tail:
            return None
        start = c + 1 + (len(tail) - len(tail.lstrip(" ,")))
        first = _WORD.match(masked, start)
        if first and first.group().islower() and first.group().endswith("ed"):
            mention = _np_right(masked, first.end(), hi)  # "opined Cleveland's Plain Dealer"
            if mention is not None:
                return mention, first.group(), Span(first.start(), first.end())
            return None
        verb = self.main_verb(start, c + 1 + len(tail) + 1)
        mention = _np_left(masked, start, verb[0]) if verb is not None else None
        if mention is not None:
            return mention, masked[verb[0] : verb[1]], Span(verb[0], verb[1])
        # "“...,” Trump shot back.": a name, then a few words of an unknown verb
        end = c + 1 + len(tail)
        first = _NAME_RUN.match(masked, start)
        rest = masked[first.end() : end].split() if first else []
        if first is None or not _looks_like_name(first.group()) or not 1 <= len(rest) <= 2:
            return None
        if not all(w.isalpha() and w.islower() for w in rest):
            return None
        return _Mention(Span(first.start(), first.end()), first.group()), "", None

    def main_verb(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The first verb-like word of ``masked[lo:hi]`` after a subject, outside appositions."""
        commas = 0
        seen = 0
        toks = _tokens(self.masked, lo, hi)
        for k, (s, e, w) in enumerate(toks):
            if w.endswith(".") and len(w) > 1 and w[:-1].isalpha():
                w, e = w[:-1], e - 1  # "the senator grumbled."
            if w == ",":
                commas += 1
                continue
            if MASK in w:
                return None
            seen += 1
            if seen == 1 or commas % 2 or not w.isalpha() or not w.islower():
                continue
            if toks[k - 1][2].lower() in DETERMINERS and w not in _VERBISH:
                continue  # "A footnote in the report makes": a noun after its determiner
            if w in _VERBISH or w in CUE_FORMS or len(w) > 3 and w.endswith("ed"):
                return s, e
            if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and w not in _NOT_VERBS:
                # "Trump says" / "lobbyists describe": a plural noun is followed by its verb
                nxt = toks[k + 1][2] if k + 1 < len(toks) else ""
                prev = toks[k - 1][2].lower()
                if (
                    nxt in _VERBISH
                    or nxt in CUE_FORMS
                    or nxt in (",", "and", "of", "who")
                    or nxt.endswith("ed")
                    or prev in DETERMINERS
                ):
                    continue
                return s, e
        return None

    def clause_colon_speaker(self, lo: int, hi: int) -> tuple[_Mention, str, Span | None] | None:
        """:meth:`colon_speaker` of the clause holding the colon first (``When Wallace died,
        President Clinton released the following statement:``), else of the sentence."""
        comma = self.masked.rfind(",", lo, hi)
        if comma > lo and len(self.masked[comma + 1 : hi].split()) >= 3:
            found = self.colon_speaker(comma + 1 + _lead_space(self.masked, comma + 1, hi), hi)
            if found is not None and found[0].text.lower() not in PRONOUNS | {"it", "this"}:
                return found
        return self.colon_speaker(lo, hi)

    def colon_speaker(self, lo: int, hi: int) -> tuple[_Mention, str, Span | None] | None:
        """The speaker of "X said:", "Continued Stone:", "X released this statement:"."""
        masked = self.masked
        cues = [cu for cu in self.cues_in(lo, hi) if CUE_FORMS.get(cu[2]) in SPEECH]
        for cs, ce, _low in reversed(cues):
            mention = _np_left(masked, lo, cs)
            who = masked.rfind(" who ", lo, cs)
            if mention is None and who > lo:
                # "a White House official who spoke anonymously to discuss it said"
                mention = _np_left(masked, lo, who)
            if mention is None:
                mention = _np_right(masked, ce, hi)
                if mention is not None and _TIME_AFTER_CUE.fullmatch(mention.text):
                    mention = None  # "said Wednesday, “...”": no speaker
            if mention is not None:
                return mention, masked[cs:ce], Span(cs, ce)
        m = _SUBJECT_NP.match(masked, lo, hi)
        if m is None:
            return None
        verb = re.match(r"\s*(?:\w+ly\s+)?(\w+)", masked[m.end(1) : hi])
        cue_span = Span(m.end(1) + verb.start(1), m.end(1) + verb.end(1)) if verb else None
        cue = masked[cue_span.start : cue_span.end] if cue_span else ""
        return _Mention(Span(m.start(1), m.end(1)), m.group(1)), cue, cue_span

    def same_paragraph(self, a: int, b: int) -> bool:
        return "\n" not in self.work[a:b]

    def neighbour(self, found: list[_Found], pos: int) -> _Found | None:
        """The attributed quote nearest before ``pos`` in its paragraph or the one before."""
        para_start = self.work.rfind("\n", 0, pos)
        prev_para = self.work.rfind("\n", 0, max(0, para_start - 1))
        nxt_nl = self.work.find("\n", pos)
        para_end = nxt_nl if nxt_nl >= 0 else len(self.work)
        best = None
        for f in found:
            if f.mention is None or f.cue_span is None:
                continue
            start = f.fragments[0].start
            if prev_para <= start < pos and (best is None or start > best.fragments[0].start):
                best = f
        if best is not None:
            return best
        for f in found:
            if f.mention is not None and pos < f.fragments[0].start <= para_end:
                return f
        return None

    @staticmethod
    def far_neighbour(found: list[_Found], pos: int) -> _Found | None:
        """The attributed statement nearest before ``pos`` anywhere, else the first after."""
        before = [f for f in found if f.mention is not None and f.fragments[0].start < pos]
        if before:
            return max(before, key=lambda f: f.fragments[0].start)
        after = [f for f in found if f.mention is not None and f.fragments[0].start > pos]
        return min(after, key=lambda f: f.fragments[0].start) if after else None

    def label(self, span: Span, cue: str) -> bool:
        """A quote of under four words that names rather than states: a title (``the show
        “The Apprentice,”``) or what something is called (``calling it “absurd.”``)."""
        if self.words(span) >= MIN_UNATTRIBUTED_WORDS:
            return False
        return (cue.lower().split() or [""])[0] in LABELLING or self.title_like(span)

    def title_like(self, span: Span) -> bool:
        words = self.work[span.start : span.end].split()
        caps = sum(1 for w in words if _is_cap(w))
        return caps >= 0.6 * len(words)

    def finish(self, found: list[_Found]) -> list[Suggestion]:
        out: list[Suggestion] = []
        seen: set[tuple[tuple[int, int], ...]] = set()
        found.sort(key=lambda f: f.fragments[0].start)
        # pronouns resolve to the person last named (as a speaker or a subject) before them
        antecedents = []
        speakers: list[Span] = []
        resolved: dict[int, str] = {}
        for f in found:
            if f.mention is not None and f.mention.text.lower() not in PRONOUNS:
                name = self.speaker_from_mention(f.mention.text, f.mention.span.start, [])
                resolved[id(f)] = name
                speakers.append(f.mention.span)
                inside = any(
                    g is not f and _inside([f.mention.span], g.fragments) and g.kind != "direct"
                    for g in found
                )
                if name and _plausible_antecedent(name) and not inside:
                    antecedents.append((f.mention.span.end, name, self.gender(f.mention)))
        for pos, name, gender in self.subject_mentions():
            if not any(sp.start <= pos < sp.end for sp in speakers):
                antecedents.append((pos, name, gender))
        antecedents.sort()
        for f in found:
            if f.mention is not None and id(f) not in resolved:
                resolved[id(f)] = self.speaker_from_mention(
                    f.mention.text, f.mention.span.start, antecedents
                )
        for f in found:
            frags = sorted(f.fragments, key=lambda sp: sp.start)
            if any(self.in_skip(sp) for sp in frags):
                continue
            if f.kind == "direct":
                frags = [sp for sp in frags if not self.label(sp, f.cue)]
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

    def speaker_from_mention(
        self, raw: str, pos: int, antecedents: Sequence[tuple[int, str, str]]
    ) -> str:
        low = raw.lower()
        if low not in PRONOUNS:
            return self.names.canonical(speaker_name_from_source(raw))
        want = {"he": "m", "she": "f"}.get(low)
        k = bisect_left(antecedents, (pos, "", ""))
        for _, name, gender in reversed(antecedents[:k]):
            if want and gender and gender != want:
                continue
            if want and name.split()[-1].lower() in _NOT_PERSON:
                continue  # "he" is a person, not "the campaign"
            if want and _MEDIA_NAME_WORDS.intersection(name.lower().split()):
                continue  # nor "The New York Times" or "Twitter"
            return name
        return ""

    def subject_mentions(self) -> list[tuple[int, str, str]]:
        """Subjects at the start of a sentence, as antecedents for pronouns.

        A name (``Kasich took a different tack``), also after an introductory phrase
        (``In virtually every realm, Trump vowed``), or a description whose head is a
        role (``The candidate also continued``, ``the front-runner did offer``).
        """
        out = []
        masked = self.masked
        for lo, hi in self.sentences:
            hi = min(hi, lo + 160)
            starts = [lo]
            intro = _LEAD_INTRO.match(masked, lo, hi)
            if intro:
                starts.append(intro.end())
                # "Speaking in Salem, New Hampshire, Trump went": the intro goes on
                more = re.match(r"[^,\ue000]{1,40},\s+", masked[intro.end() : hi])
                if more:
                    starts.append(intro.end() + more.end())
            # the subject after the introductory phrase first: "In an interview with
            # Trending Today USA, Ham made it clear"
            for n, start in enumerate(starts[1:] + starts[:1]):
                hit = self.subject_at(start, hi)
                if (
                    hit is not None
                    and n < len(starts) - 2
                    and _PLACE_IN_INTRO.match(masked, hit[0])
                    and re.search(r"\b[A-Z][\w.'-]*,\s+$", masked[lo:start])
                ):
                    continue  # a place in the intro: "in Salem, New Hampshire, Trump went"
                if hit is not None:
                    out.append(hit)
                    break
        return out

    def subject_at(self, lo: int, hi: int) -> tuple[int, str, str] | None:
        masked = self.masked
        m = _SUBJECT.match(masked, lo, min(hi, lo + 80))
        if m:
            tokens = _name_tokens(m.group("name"))
            if (
                tokens
                and tokens[0].lower() not in _NOT_NAMES
                and tokens[-1].lower() not in _NOT_NAMES
            ):
                name = self.names.canonical(" ".join(tokens))
                if len(name.split()) >= 2 or name.lower() in self.names.by_last:
                    span = Span(m.start("name"), m.end("name"))
                    return span.start, name, self.gender(_Mention(span, m.group("name")))
        d = _DESCRIPTION.match(masked, lo, hi)
        if d:
            return d.start(1), " ".join(d.group(1).split()), ""
        return None

    def gender(self, mention: _Mention) -> str:
        """ "m", "f" or "" from a title before the name or a well-known first name."""
        before = self.text[max(0, mention.span.start - 6) : mention.span.start + 5].lower()
        if re.search(r"\b(?:mrs|ms|miss)\b", before):
            return "f"
        if re.search(r"\bmr\b", before):
            return "m"
        full = self.names.canonical(speaker_name_from_source(mention.text))
        first = full.split()[0].lower() if full else ""
        return "f" if first in FEMALE_NAMES else "m" if first in MALE_NAMES else ""

    def in_skip(self, span: Span) -> bool:
        return any(span.start < e and s < span.end for s, e in self.skip)


_ROLE_HEAD_SET = frozenset(_ROLE_HEADS)
# verb-like words that mark the end of a sentence's subject (with -ed and -s forms)
_VERBISH = _words(
    "has had have is was are were will would did does do can could may might should must "
    "took made gave went spoke knew saw put kept left sent brought thought began ran won "
    "lost held stood became felt got came"
)
# where a clause holding a quote may start, after the sentence's own start
_QUOTE_CLAUSE = re.compile(
    r"(?:[;\u2014]|,\s+(?:and|but|while|as|with|where|when)\b|\b(?:when|where|while|with|"
    r"because|after)\b)\s*"
)
_NOT_VERBS = _words(
    "its his hers ours yours theirs this thus news always perhaps sometimes whereas "
    "was is has does us as various numerous serious previous obvious famous nervous "
    "united red bed need speed seed feed hundred led"
)


def _plausible_antecedent(name: str) -> bool:
    """A proper name, or a description headed by a role ("the former governor")."""
    words = name.split()
    if all(_is_cap(w) or w.lower() in {"de", "van", "von", "bin", "al", "la"} for w in words):
        return True
    head = _strip_possessive(words[-1].lower())
    if head in _ROLE_HEAD_SET or head.rstrip("s") in _ROLE_HEAD_SET:
        return True
    # "the retired neurosurgeon", "the Lincoln actor": a person described by the article
    return (
        len(words) >= 2
        and words[0].lower() == "the"
        and head.isalpha()
        and head.endswith(_PERSON_ENDINGS)
    )


_PERSON_ENDINGS = ("or", "er", "ist", "ian", "ant", "ent", "eon", "man", "woman", "wife")


_OWNER_PRONOUNS = {"his": "he", "her": "she", "their": "they"}


def _owner(mention: _Mention) -> _Mention:
    """``His standing improved``: what stands for the person is the possessive."""
    words = mention.text.split()
    pronoun = _OWNER_PRONOUNS.get(words[0].lower())
    if pronoun is None or len(words) != 2 or not words[1].islower():
        return mention
    if words[1] in SPEAKER_NOUNS or words[1].rstrip("s") in SPEAKER_NOUNS | {"office"}:
        return mention  # "his spokesman", "his office"
    start = mention.span.start
    return _Mention(Span(start, start + len(words[0])), pronoun)


def _overlaps(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return any(x.start < y.end and y.start < x.end for x in a for y in b)


def _inside(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return all(any(y.start <= x.start and x.end <= y.end for y in b) for x in a)


def _clean_outlet(name: str) -> str:
    name = " ".join(name.split()).strip(" ,.")
    name = re.sub(rf"\s+(?:{OUTLET_WORDS})$", "", name, flags=re.IGNORECASE)
    return re.sub(r"^[Tt]he\s+", "", name) if not name.startswith("The ") else name[4:]


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
    return _Suggester(text, skip, known_speakers).run()
