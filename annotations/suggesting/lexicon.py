"""Word lists: reporting cues (verbs of saying, thinking, stance), titles, names, and the
words that stop or shape a phrase; and the index of the cues in an article."""

from __future__ import annotations

import re

from annotations.text import SUBJECT_PRONOUNS


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


PRONOUNS = SUBJECT_PRONOUNS


def verb_forms(spec: str) -> dict[str, str]:
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
SPEECH = verb_forms(
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
    "read:reads:reading sing:sings:sang:singing:sung "
    # cues of reported statements in annotated news (only the forms that are seldom nouns)
    "echo:echoes:echoed:echoing voiced:voiced emailed:emailed imply:implies:implied "
    "disclose repeating:repeating forecast:forecasts:forecasting"
)
# Verbs of thinking, finding and wanting: reported content without quotation marks.
COGNITION = verb_forms(
    "think:thinks:thought:thinking believe know:knows:knew:knowing:known feel:feels:felt "
    "hope expect fear worry doubt show:shows:showed:showing:shown "
    "find:finds:found:finding see:sees:saw:seeing:seen consider want wish "
    "understand:understands:understood:understanding assume suspect recognize realize "
    "imagine decide:decides:decided:deciding intend aim remember learn:learns:learned:learning"
)
# Verbs of stance towards something: the content is their object ("endorsed Kasich").
STANCE = verb_forms(
    "endorse criticize defend praise support oppose cite reject condemn applaud attack "
    "slam blast dismiss welcome embrace decry denounce challenge mock ridicule highlight "
    "refuse decline seek:seeks:sought:seeking plan:plans:planned:planning push favor "
    "call:calls:called:calling refer:refers:referred:referring back target tout lambaste "
    "question acknowledge recommend request demand express discuss mention "
    # from the cues of annotated news, with only the forms that are seldom nouns
    "portray slam:slams:slammed:slamming assail liken invoke deem encourage "
    "listed:listed documented:documented referenced:referenced ordered:ordered "
    "offered:offered championed:championed prefer:prefers:preferred:preferring"
)
# "New York state", "the Rust Belt states": in news these forms are the noun
for _noun in ("state", "states"):
    del SPEECH[_noun]
CUE_FORMS: dict[str, str] = {**STANCE, **COGNITION, **SPEECH}
# Cues that name or label something: a short quote after them is a label, not a statement.
LABELLING = frozenset(
    verb_forms(
        "call:calls:called:calling refer:refers:referred:referring describe dub label "
        "name:names:named:naming term show:shows:showed:shown:showing"
    )
)
# Cues whose content may start with a preposition ("accused of", "declined to comment").
TAKES_PREPOSITION = word_set("accuse decline refuse warn urge ask tell charge blame")
# Cues that make a statement of their own inside another one ("X said that Y alleged that
# ..."); other cues there are mostly the writer's words or an action.
NESTED_SPEECH = word_set(
    "say tell allege claim insist acknowledge argue write add note warn admit deny report "
    "suggest predict"
)
# Cues of intention: "wants to build a wall", "plans to return" (the infinitive is the content).
INTENT = word_set(
    "want plan hope expect seek vow pledge promise threaten decide wish intend refuse decline "
    "agree aim"
)
# Forms too often nouns or adjectives to count on their own.
AMBIGUOUS = word_set(
    "report state claim note charge promise estimate comment question post counter fear "
    "hope wish find begin concern doubt point blame demand pledge vow joke signal see "
    "known seen mention continue remark advise remind "
    "inform tout agree consider chant answer rave read reading challenge challenges plan plans "
    "states "
    # nouns and adverbs in annotated news far more often than cues: "the Paris attacks",
    # "beat back", "his comments", "pledged delegates"
    "attack attacks back comments remarks pledged"
)
# Cues that need "that" or a quote right after them (too loose otherwise).
NEEDS_THAT = word_set("continue begin point agree indicate signal maintain")
# Cues whose direct object comes before the content ("told reporters that ...").
TAKES_OBJECT = word_set("tell ask warn remind assure inform urge advise counsel")
PARTICLES = {"point": "(?:out|to)", "go": "on", "shoot": "back", "fire": "back"}
AUX = word_set(
    "also has have had would will could may might did does do then later again recently "
    "repeatedly once previously further simply just reportedly already still even only "
    "publicly privately explicitly specifically frequently similarly quickly flatly long "
    "often never not n't has't been is was are were be being has_also first last "
    "ultimately initially separately earlier himself herself itself themselves"
)
PASSIVE = word_set("was were been be being is are get got")
TIME_WORDS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday today yesterday tonight "
    "morning evening afternoon night week month year earlier later recently"
)
# what is said, not who says it: "tweeted a warning", "posted a message"
MESSAGE_NOUNS = word_set(
    "warning message note reminder reply response plea threat apology rebuke tweet post "
    "question answer challenge retort"
)
SPEAKER_NOUNS = word_set(
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
    "camp host anchor author writer reporter "
    # plural heads of the sources of reported statements in annotated news (plural only:
    # a singular description would stand for "he" or "she" in the place of a name)
    "allies rivals politicians insiders delegates superdelegates conservatives liberals "
    "progressives donors unions protesters operatives backers workers fans traders "
    "students parents veterans investors participants candidates lobbyists consultants "
    "pollsters diplomats attendees employees companies organizations outlets records "
    "filings figures numbers estimates results tallies"
)
DETERMINERS = word_set(
    "the a an his her their its our my your this that these those some many most several "
    "other few both all one two three four five six seven eight nine ten each every any "
    "no neither either such"
)
POSSESSIVES = word_set("his her their its our my your")
STOP_LEFT = word_set(
    "that which when while because as if after before since where whether and but or so "
    "than though although unless until whom what why how in on at for with by from to "
    "into about against of over under between among during without within like is was are "
    "were be been being has have had do does did not"
)
# titles that make a single name a person's: "President Obama", "Sen. Warren", "Mrs. Clinton"
PERSON_TITLES = word_set(
    "mr mrs ms dr sen senator rep gov governor president pres secretary mayor judge justice "
    "gen general col prof professor rev"
)
TITLES = word_set(
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
NAME_SUFFIXES = word_set("jr jr. sr sr. ii iii iv")
OUTLET_WORDS = (
    "news agency|news service|wire service|newspaper|daily|magazine|television|"
    "broadcaster|channel|network|website|agency|tv"
)
ABBREVIATIONS = word_set(
    "mr mrs ms dr sen rep gov gen lt col sgt adm capt prof rev st jr sr inc co corp ltd "
    "no vs etc jan feb mar apr aug sept sep oct nov dec ft mt u.s a.m p.m d.c u.k u.n e.g "
    "i.e pres supt lt.gov del amb insp"
)
# "unleashed a series of tweets early Friday saying", "issued a statement Monday saying"
# what a speaker issues, posts or sends: it speaks for them
DOCUMENTS = word_set("statement letter memo report release tweet video message note email post ad")
# relative pronouns whose clause may hold a cue: "Trump, who has insulted ..."
RELATIVES = word_set("who which that")
WHAT_WORDS = word_set("nothing everything anything something what whatever")
QUESTION_WORDS = word_set("why what whether if how when where who which about")
# Who speaks for someone else: "a Nordfrakt spokesman" is Nordfrakt speaking, in that role.
SPOKES_ROLES = word_set(
    "spokesman spokeswoman spokesperson spokesmen spokeswomen spokespeople representative "
    "representatives official officials aide aides source sources"
)
# What a statement is published in: its issuer speaks ("Exxon's lobbying disclosures show").
DOCUMENT_WORDS = DOCUMENTS | word_set(
    "statements letters memos releases tweets emails posts disclosure disclosures filing "
    "filings records document documents"
)
ISSUER_LINKS = word_set("from of for by at with")
ORGANISATION_NOUNS = word_set(
    "campaign administration government ministry department company team office committee "
    "party firm agency embassy"
)
ISSUED = word_set("issued released sent published posted put distributed")
NOT_CONTENT = word_set(
    "is was are were has have had will would can could should may might must do does did "
    "be been being nothing so"
)
NOT_NAMES = word_set(
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
FEMALE_NAMES = word_set(
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
MALE_NAMES = word_set(
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
LETTERS = re.compile(r"[A-Za-z]+")


def cue_index(masked: str) -> list[tuple[int, int, str]]:
    """Every reporting cue of the (masked) text: (start, end, lower-case form)."""
    cues = []
    n = len(masked)
    for m in LETTERS.finditer(masked):
        low = m.group().lower()
        if low not in CUE_FORMS and low not in IMPRESSION and low != "according":
            continue
        s, e = m.span()
        if masked[s].isupper() and low != "according":
            before = masked[max(0, s - 3) : s]
            inverted = low in INVERTED and (not before.strip() or before.rstrip()[-1:] in ".!?\n")
            if not inverted and not (low in HEADLINE_CUES and headline_case(masked, s, e)):
                continue  # "Islamic State", "United States"
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


def headline_case(masked: str, s: int, e: int) -> bool:
    """Whether the cue at ``masked[s:e]`` stands in a line written in Title Case between
    two capitalised words (``Christie Says He Would Issue A Quarantine``)."""
    # the line around the cue, at most 200 characters either side
    line_start = masked.rfind("\n", max(0, s - 200), s) + 1 or max(0, s - 200)
    line_end = masked.find("\n", e, e + 200)
    words = LETTERS.findall(masked, line_start, line_end if line_end >= 0 else e + 200)
    if len(words) < 4 or any(w.isupper() and len(w) > 3 for w in words):
        return False  # too short to tell, or in capitals
    before = LETTERS.findall(masked, max(line_start, s - 40), s)
    after = LETTERS.match(masked, e + 1) if e + 1 < len(masked) else None
    long_words = [w for w in words if len(w) > 3]
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return (
        bool(before)
        and before[-1][0].isupper()
        and after is not None
        and after.group()[0].isupper()
        and capitalised >= 0.8 * len(long_words)
    )


# cues that stand in Title Case headlines: "New Poll Shows ...", "Ryan Says ..."
HEADLINE_CUES = word_set(
    "says said tells claims warns urges vows admits slams blasts endorses announces reveals "
    "praises calls wants thinks believes insists denies accuses predicts suggests shows "
    "show rips"
)
# cues that may open a sentence before their speaker: "Said Comey, “...”"
INVERTED = word_set("said says added asked wrote")
TRAILING_AUX = word_set(
    "has have had is was are were will would could can may might did does do also then later "
    "further"
)
# heads of descriptions that cannot be "he" or "she"
NOT_PERSON = word_set(
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
MEDIA_NAME_WORDS = word_set(
    "times post news journal press tribune herald gazette globe magazine radio tv network "
    "channel reuters cnn fox msnbc nbc abc cbs npr politico breitbart twitter facebook "
    "instagram youtube"
)
# "seems", "appears", "is expected": an impression without a source
IMPRESSION = word_set("seem seems seemed appear appears appeared expected")
NOT_LEADS = word_set(
    "update updated related photo photos video watch read note editor editor's correction "
    "source sources q a warning disclaimer credit"
)
ROLE_HEADS = sorted(
    {w for w in SPEAKER_NOUNS | TITLES if w.isalpha() and w not in DETERMINERS}
    | {"front-runner", "frontrunner", "billionaire", "mogul", "businessman", "congressman"},
    key=len,
    reverse=True,
)
OBJ = word_set("him her them it us me")
QUANTITY = word_set(
    "percent half third thirds quarter quarters majority majorities minority most many some "
    "few two three four five six seven eight nine ten dozens hundreds thousands millions "
    "others all both none"
)
# a description after the cue runs on through its modifiers, up to a comma
DESCRIPTION_START = word_set("a an the one another two three several some many most")
DESCRIPTION_GOES_ON = word_set("with to for in of who which that from about by into involved")
DANGLING = DESCRIPTION_GOES_ON | word_set("of the a an")
APPOSITIVE_WORDS = word_set("who which whose whom where when a an the of")
LY_NOUNS = word_set("family ally rally assembly supply reply anomaly")
RIGHT_STOP = word_set(
    "on in at during after before when while who which whose to as about that and but for "
    "with from by because since if than into"
)
ROLE_HEAD_SET = frozenset(ROLE_HEADS)
# verb-like words that mark the end of a sentence's subject (with -ed and -s forms)
VERBISH = word_set(
    "has had have is was are were will would did does do can could may might should must "
    "took made gave went spoke knew saw put kept left sent brought thought began ran won "
    "lost held stood became felt got came met paid sat spent sold built fought drove "
    "wore heard meant"
)
NOT_VERBS = word_set(
    "its his hers ours yours theirs this thus news always perhaps sometimes whereas "
    "was is has does us as various numerous serious previous obvious famous nervous "
    "united red bed need speed seed feed hundred led"
)
PERSON_ENDINGS = ("or", "er", "ist", "ian", "ant", "ent", "eon", "man", "woman", "wife")
OWNER_PRONOUNS = {"his": "he", "her": "she", "their": "they"}
