"""Regular expressions for the shapes of sentences the rules recognise: introductory
phrases, subjects, circumstances after a cue, relays, colons and dashes."""

from __future__ import annotations

import re

from annotations.text import DOUBLE_MARKS, DOUBLE_QUOTATION_MARKS

from .lexicon import DOCUMENTS, OUTLET_WORDS, ROLE_HEADS

# where the object of a stance or a topic ends: the clause goes on after a comma or a
# conjunction, not after a preposition ("blasted Clinton for promoting fracking abroad")
OBJECT_END = re.compile(
    r",|;|:\s|\s[-\u2013\u2014]\s|\u2014|\s(?:when|while|because|since|but|amid|despite|until)\s"
)
UPPER = "".join(ch for ch in map(chr, range(0x41, 0x530)) if ch.isupper() and ch not in "[]\\^-")
ABBREV_TITLE = (
    r"(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Gens|Lt|Col|Sgt|Adm|Capt|Prof|Rev|St|Jr|Sr"
    r"|Ft|Mt|Pres|Atty|Supt|Cmdr|Cpl|Pvt|Del|Amb|Insp)\."
)
# A capitalised word; a full stop belongs to it only in initials and known abbreviations.
CAP_WORD = (
    rf"(?:{ABBREV_TITLE}|(?:[{UPPER}]\.)+(?![\w\u2019'])"
    rf"|[{UPPER}][\w\u2019'&-]*(?:\.[{UPPER}][\w\u2019'&-]*)*)"
)
# the role words between an affiliation and a name: "Obama consultant Cornell Belcher"
ROLE_WORDS = "|".join(
    map(re.escape, ROLE_HEADS + ["campaign", "senior", "pollster", "consultant", "operative"])
)
SUBJECT = re.compile(
    r"(?:(?:But|And|Still|Yet|So|Then|Now|Meanwhile|However|Also|In\s+\w+|On\s+\w+|"
    r"Earlier|Later|Last\s+\w+|At\s+\w+),?\s+)?(?:[a-z][\w-]*\s+){0,3}?"
    rf"(?:(?:{CAP_WORD}\s+){{1,3}}(?:(?:{ROLE_WORDS})\s+){{1,3}})?"
    rf"(?P<name>{CAP_WORD}(?:\s+{CAP_WORD}){{0,4}})"
    r"(?=(?:\s+\([A-Z][\w.-]{0,12}\))?\s+[a-z]|,|\u2019s|'s)"
)
PLACE_IN_INTRO = re.compile(r"(?:[A-Z][\w.'-]*\s+){0,3}[A-Z][\w.'-]*,\s+[A-Z]")
# "as X puts it": X and the cue
PUT_IT = (
    r"(?P<np>(?:[\w\u2019'.&-]+\s+){0,5}?[\w\u2019'.&-]+)(?:,[^,\ue000]{1,60},)?\s+"
    r"(?P<cue>puts|put|says|said|noted|notes|wrote|writes|explained|explains)\s+it\b"
)
AS_PUT_IT = re.compile(rf"\s*As\s+{PUT_IT}[^,:\ue000]{{0,40}}[,:]")
DOCUMENT_BEFORE = re.compile(
    rf"\b(?:{'|'.join(sorted(DOCUMENTS))})s?(?:\s+(?:early|late|on|last|this)?\s*"
    r"(?:[A-Z][a-z]+day|morning|night|evening|afternoon|week))?$"
)
SUBORDINATE = re.compile(
    r"\s*(?:When|As|After|Before|While|If|Although|Though|Because|Since|Once)\b"
)
# an introductory phrase that opens with a preposition of place or medium
PLACE_INTRO = re.compile(
    r"\s*(?:In|On|At|Under|Through)\s+(?:a|an|the|his|her|their|its)\b[^,\ue000]{0,80},\s+"
)
# "“...,” as a Homeland Security memo put it."
AS_PUT_IT_AFTER = re.compile(rf"[\s,]*as\s+{PUT_IT}")
SUBJECT_NP = re.compile(
    r"\s*(?:(?:But|And|Still|Yet|So|Then|Now|Meanwhile|However|Also),?\s+)?"
    r"((?:(?:The|A|An|His|Her|Their|Its|the|a|an|his|her|their|its)\s+)?"
    r"(?:[\w\u2019'.&-]+\s+){0,4}?"
    r"(?:[A-Z][\w\u2019'.&-]*|he|she|they|we|I|[a-z]+(?:man|woman|person|or|er|ist|ent|s)))"
    r"(?=\s+(?:\w+ly\s+)?(?:has|had|is|was|were|are|will|would|[a-z]+ed|"
    # "groups of protesters marched", "speechwriters implored": a plural noun, not a verb
    r"[a-z]+s\b(?!\s+(?:of|and|or|from|in|at|for|[a-z]+ed)\b)))"
)
NAME_RUN = re.compile(
    rf"{CAP_WORD}(?:\s+(?:(?:de|da|del|van|von|bin|al|la|le|di|du)\s+)?{CAP_WORD})*"
)
# a participle inside the subject, before the cue: "Another source speaking to Fox News
# said", "A letter from the Legion obtained by The Associated Press warns"
SUBJECT_PARTICIPLE = re.compile(
    r"\b(?:(?:speaking|talking)\s+(?:to|with)|(?:obtained|published|released|reviewed|seen)"
    r"\s+by)\s+$"
)
# "footage of Hillary Clinton asking": who is shown speaking
SHOWN_SPEAKING = re.compile(
    r"\b(?:footage|video|videos|clip|clips|tape|recording|audio|images|photos|pictures)"
    rf"\s+(?:of|showing)\s+(?P<who>{NAME_RUN.pattern})\s*$"
)
# "Mr. Prasad, a former official at the fund": a name and its description, no content
NAME_APPOSITION = re.compile(
    rf"{CAP_WORD}(?:\s+{CAP_WORD}){{0,4}}(?:\s+of\s+{CAP_WORD}(?:\s+{CAP_WORD}){{0,2}})?,"
    r"\s+(?:a|an|the|one|another)\s+[^,;:]{1,120}"
)
# "said the Khan family deserved better": a verb after the subject of a clause
CLAUSE_VERB = re.compile(
    r"\b(?!(?:named|called|known|dubbed|based|involved|familiar|close|briefed|quoted|"
    r"affiliated|associated|allied|tied|connected|aligned|elected|retired|registered|"
    r"authorized|interviewed|surveyed|polled|asked|concerned|related|charged|tasked|"
    r"identified)\b)[a-z]+ed\s+(?!(?:in|on|at|with|to|by|as|for|from|of|about|under|"
    r"over|into|who|and)\b)[\w\u2019'$-]"
)
# ", adding ..." / ", drawing applause": the speaker goes on, no parenthetical remark
PARTICIPLE_AFTER = re.compile(r",\s+[a-z]+ing\b")
TRAILING_CUT = re.compile(
    r",?\s+(?:according\s+to\b|as\s+(?:reported|quoted)\s+by\b|a\s+(?:claim|charge|view|"
    r"position|statement|suggestion|notion|sentiment|point|reference|move|comment)\b|"
    r"an\s+(?:allegation|assertion|accusation|argument|idea|apparent)\b)"
)
TIME_AFTER_CUE = re.compile(
    r"\s*(?:,\s*)?(?:(?:on|last|this|early|late|earlier|later)\s+)?"
    r"(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|year|"
    r"today|yesterday|tonight|night|morning|afternoon|evening)\b(?:\s+(?:night|morning|"
    r"afternoon|evening))?|in\s+(?:a|an|his|her|their|the)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:statement|interview|speech|email|e-mail|letter|tweet|post|release|op-ed|"
    r"column|memo|press\s+conference|news\s+conference|conference\s+call|call|video|"
    r"message|remarks|debate|appearance|rally|town\s+hall)(?:\s+(?:with|on|to)\s+"
    r"(?:the\s+)?(?:[A-Z][\w.&'\u2019-]*\s*)+)?|on\s+(?:(?:Twitter|Facebook|CNN|Fox|MSNBC|"
    r"NBC|CBS|ABC)(?![\u2019']s\b)|[A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+)*'?s\s+\"?\w+)|"
    r"(?:also|again|later|repeatedly|then|previously|recently|publicly|privately|"
    r"once|often|flatly|simply|firmly|emphatically|openly|bluntly)\b)\s*,?"
)
THAT = re.compile(r"\s*(?:,\s*)?(?:that\b|:)\s*")
OUTLET_WORDS_END = re.compile(rf"\s(?:{OUTLET_WORDS})$", re.IGNORECASE)
# "told Reuters", "told The New York Times": who was told, when it is an outlet
TOLD_WHOM = re.compile(
    rf"\s+(?P<whom>(?:[Tt]he\s+)?{CAP_WORD}(?:\s+{CAP_WORD}){{0,4}}"
    rf"(?:\s+(?:{OUTLET_WORDS}))?)(?=[\s,.;:!?]|$)"
)
VIA_TAIL = re.compile(
    rf"^[\s,;]*(?:the\s+)?(?P<outlet>{CAP_WORD}(?:\s+{CAP_WORD})*)"
    rf"(?:\s+(?:{OUTLET_WORDS}))?\s+(?:reported|reports|said|says|wrote|writes|quoted)"
    r"(?:\s+(?:on\s+)?\w+)?\s*[.!?]?\s*$"
)
VIA_ACCORDING = re.compile(
    r"^[\s,;]*according\s+to\s+(?:the\s+)?(?P<outlet>(?:[A-Z][\w.&'\u2019-]*\s*)+?)"
    rf"(?:\s*(?:{OUTLET_WORDS}))?\s*[.!?]?\s*$"
)
CONTRACTED_PRONOUN = re.compile(
    r"(?i)(?:(he|she|it|they)['\u2019](?:s|re)|(I|we|they|he|she)['\u2019](?:ve|m|d|ll))"
)
# a transcript's turn: "WALLACE: But, Governor Pence, I’ve got to ask you"
TURN_LABEL = re.compile(
    rf"^[{re.escape(''.join(sorted(DOUBLE_QUOTATION_MARKS)))}]?\s*"
    r"(?P<name>[A-Z][A-Z'\u2019.-]+(?:\s+[A-Z][A-Z'\u2019.-]+){0,2}):\s",
    re.MULTILINE,
)
CLAUSE_END = re.compile(r"[;:!?]|\.(?!\w)")  # not the dot of "fivethirtyeight.com"
# abbreviations whose full stop ends no sentence: "Sen.", "N.C.", "Calif."
ABBREV_ANY = re.compile(rf"{ABBREV_TITLE}|(?:[A-Z]\.)+|\b[A-Z][a-z]{{1,4}}\.(?=,)")
# a name, or two joined by "and", before a colon
COLON_NAMES = (
    r"(?P<name>(?:[A-Z][\w.\u2019'-]*\s+)*[A-Z][\w\u2019'-]*"
    r"(?:\s+and\s+(?:[A-Z][\w.\u2019'-]*\s+)*[A-Z][\w\u2019'-]*)?)"
)
NAME_COLON = re.compile(
    rf"(?:^|\s[-\u2014\u2013]+\s)\s*{COLON_NAMES}"
    # a party tag: "Rep. Trey Gowdy (R-S.C.):"
    r"(?:\s*\([A-Z][\w.-]{0,12}\))?:\s*$"
)
# "Here’s Clinton in December 1992:", "-More from Blumenthal and Cohen:"
LEAD_NAME_COLON = re.compile(
    r"(?:^|[.!?]\s+|\s[-\u2014\u2013]+\s*|^[-\u2014\u2013]+\s*)"
    r"(?:Here(?:\u2019s|'s|\s+is|\s+are)\s+|(?:More\s+)?[Ff]rom\s+)"
    rf"{COLON_NAMES}(?:\s+[^:\n\ue000]{{0,50}})?:\s*$"
)
# a role before the name: "Former secretary of state Hillary Rodham Clinton:"
ROLE_NAME_COLON = re.compile(
    r"^\s*(?P<role>(?:[A-Za-z][a-z.-]*\s+){1,5}?)(?P<name>(?:[A-Z][\w.\u2019'-]*\s+)+"
    r"[A-Z][\w\u2019'-]*):\s*$"
)
DASH_NAME = re.compile(
    r"\s*[-\u2014\u2013\u2015]+\s*"
    r"(?P<name>(?:[A-Z][\w.\u2019'-]*[ \t\u00a0]+){0,3}[A-Z][\w\u2019'-]*)[\s.,]"
)
CLAUSE_OPEN = re.compile(
    r"(?:[;:\u2014]|,\s+(?:but|and|while|although|though|as)\b"
    r"|\b(?:but|although|though|while|because|since)\b)\s*"
)
CLAUSE_CLOSE = re.compile(r"[;\u2014]|,\s+(?:but|and|while|although|though|which|as)\b")
COLON_LEAD = re.compile(
    r"(?P<who>[A-Z][\w\u2019'.&-]*(?:\s+[\w\u2019'.&-]+){0,3}):\s+(?=[A-Z\u2018'])"
)
# anything but spaces and a full stop: the sentence goes on
WORD_AFTER = re.compile(r"[^\s.!?]")
# a second clause after a quote: "“…” and Donald Trump says", "“…,” but Cruz said"
COORDINATED = re.compile(
    r"[\s,]*(?:and|but|while|whereas)\s+(?:(?:[A-Z][\w\u2019'.-]*\s+){1,4}|(?:he|she|they|we|I)\s+)"
    r"(?:also\s+|later\s+|then\s+)?$"
)
# what lies between a speaker and the "who" that stands for them: "said Nicky Driscoll, 24,
# from Manchester, who"
RELATIVE_GAP = re.compile(r"(?:\s*,[^,;:.!?\ue000]{0,40})*\s*,\s*")
# "Instead, ..." / "In New Hampshire, ...": a circumstance before the subject
# "Several weeks ago", "Two years ago", "Months ago": a time before the statement
AGO = (
    r"(?:(?:A|An|Several|A\s+few|Some|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|\d+)\s+)?"
    r"(?:[Mm]oments?|[Mm]inutes?|[Hh]ours?|[Dd]ays?|[Ww]eeks?|[Mm]onths?|[Yy]ears?|[Dd]ecades?)"
    r"\s+ago\b"
)
INTRO = re.compile(
    r"\s*(?:(?:Instead|Later|Earlier|Meanwhile|However|Still|Also|Then|Now|Yet|Indeed|Again|"
    r"Separately|Today|Yesterday)(?:\s+(?:this|last|that)\s+\w+)?"
    r"|(?:Moments|Minutes|Hours|Days|Weeks|Months|Years)\s+(?:later|earlier)"
    rf"|{AGO}"
    r"|(?:In|On|At|After|Before|"
    r"During|Amid|Since|Speaking|With|Last|This)\s+[^,]{1,40}?),\s+"
)
LEAD_INTRO = re.compile(
    r"\s*(?:(?:In|On|At|After|Before|During|Amid|Since|While|When|As|With|Without|Though|"
    r"Although|If|Asked|Speaking|Despite|Unlike|Like|Following|Under|For|But|And|Still|Yet|"
    r"Instead|Later|Earlier|Meanwhile|However|Indeed|Here|There|Alongside|Shortly)\b"
    r"|(?:Moments|Minutes|Hours|Days|Weeks|Months|Years)\s+(?:later|earlier|after|before)\b"
    rf"|{AGO}"
    r"|[A-Z][a-z]+ing\b)[^,\ue000]{0,80},\s+"
)
# a second introductory phrase, after a first: "On Thursday, after remaining neutral, ..."
LATER_INTRO = re.compile(
    r"\s*(?:after|before|while|when|despite|amid|following|since|in|on|at)\b[^,\ue000]{0,80},\s+"
)
DESCRIPTION = re.compile(
    r"((?:The|the)\s+(?:[\w\u2019'-]+\s+){0,3}?(?:"
    + "|".join(map(re.escape, ROLE_HEADS))
    + r"))(?=\s+(?:\w+ly\s+)?(?:also\s+)?(?:has|had|is|was|would|will|did|does|can|could|"
    r"[a-z]+ed|[a-z]+s|said|told|wrote|took|made|gave|went|spoke|knew|saw)\b)"
)
# cues whose content is the object of a preposition: "talked about", "called for"
TOPIC_CUE = re.compile(
    r"\b(?:(?:talk|talks|talked|talking|spoke|speak|speaks|speaking|asked|ask|asks|asking|"
    r"questions?|worried|worries|worry|concerns?|joked|jokes|bragged|brags|complained|"
    r"complains|wrote|writes|cares?|doubts?|boasted|lied|warned|warns)\s+about|"
    r"(?:call|calls|called|calling|vote|votes|voted|voting|push|pushes|pushed|pushing|"
    r"apologized|apologizes|support|argued|argues|advocated|advocates|asked|asking)\s+for|"
    r"(?:critical|criticism|critique|proud|wary|supportive|skeptical|dismissive|spoke|speaks|"
    r"boasted|accusations?|allegations?|endorsement|sick|tired)\s+of|"
    r"(?:focus|focused|focuses|focusing|commented|comments|commenting|remarks|weighed\s+in|"
    r"insisted|insists|agreed|agrees|disagreed|disagrees|called|calls|calling|attacks|"
    r"touched|split|divided|pushed\s+back|reflecting|views)\s+on|"
    r"(?:railed|rails|railing|protested|protests|fought|fights|campaigned|campaigns|"
    r"voted|votes|warned|warns)\s+against|"
    r"(?:referring|referred|refers|responded|responding|respond|response|reacted|reacting|"
    r"objected|objects|pointed|points|pointing|alluded|alluding|opposition|reference)\s+to|"
    r"(?:claims?|assertion|argument|view|belief|idea|notion|allegations?|suggestion|promise|"
    r"pledge|warning|fears?|hopes?|concerns?|charge|insistence|statement|message|reports?|"
    r"evidence|sense|impression|perception|admission|conclusion|contention|assurance|"
    r"prediction|accusations?|assessment|theory|argument|complaint|criticism)\s+that|"
    # nouns of a stance with their object: "in favor of", "her supporters of", "praise for"
    r"in\s+favou?r\s+of|supporters?\s+of|advocat(?:e|es|ed|ing)\s+for|mentions?\s+of|"
    r"(?:paid|pay|pays|paying)\s+(?:little\s+|no\s+|more\s+|close\s+)?attention\s+to|"
    r"positions?\s+on|praise\s+for|opinions?\s+(?:on|of|about)|remarks\s+about|"
    r"criticism\s+(?:for|over)|"
    # "it was reported that ...": a statement without a source
    r"[Ii]t\s+(?:is|was|has\s+been|had\s+been)\s+(?:widely\s+|previously\s+)?(?:reported|"
    r"said|believed|claimed|alleged|rumou?red|thought|known)\s+that|"
    # "the mayor's view is that ..."
    r"(?:view|position|argument|belief|contention|message|point|hope|fear|concern|claim)\s+"
    r"(?:is|was|has\s+been)\s+that|"
    # "spoke out against ...", "sided with ...", "agreed with ..."
    r"(?:spoke|speaks|speaking|spoken|speak)\s+(?:out|up)\s+(?:against|about|for|on)|"
    r"(?:sided|sides|siding|agreed|agrees|agree|disagreed|disagrees|disagree)\s+with|"
    # "made it clear that ...", "has made clear his opposition"
    r"(?:made|make|makes|making)\s+(?:it\s+)?(?:very\s+|abundantly\s+)?clear(?:\s+that)?)\b"
)
# where a statement ends and the speaker goes on: "..., though he added", "and questioned"
# another speaker's statement after "and", "but", "while", "to which": "warned him not to ...,
# but Trump said he responded:"
NEW_SPEAKER = (
    r"(?:and|but|while|whereas|to\s+which)\s+(?:[A-Z][\w\u2019'.-]*\s+){1,3}"
    r"(?:interjected|said|says|told|tells|added|adds|"
    r"responded|replied|countered|insisted|argued|noted)\b"
)
SECOND_PREDICATE = re.compile(
    r";|,?\s+(?:"
    r"(?:and|but)\s+(?:also\s+|later\s+|then\s+)?(?:said|says|added|adds|told|noted|"
    r"questioned|argued|insisted|warned|called|urged|acknowledged|suggested|recalled)\b|"
    # "said prices would rise and predicted that ...": a second statement of the speaker
    r"and\s+(?:also\s+|later\s+|then\s+)?(?:[a-z]+ly\s+)?[a-z]+ed\s+(?:[a-z]+ly\s+)?that\b|"
    # "said yes, compared with 23 percent who ...": the writer's comparison
    r"compared\s+(?:with|to)\b|"
    rf"{NEW_SPEAKER}|"
    # "did predict the caucus - HuffPollster: “…”", "-More from Blumenthal and Cohen: “…”"
    r"[-\u2014\u2013]+\s*(?:More\s+from\s+)?(?:[A-Z][\w\u2019'.-]*\s+(?:and\s+)?){0,3}"
    r"[A-Z][\w\u2019'-]*:\s)|"
    # the same after the comma inside a quote: "to act “presidential,” but Trump said"
    rf"[\u201d\"]\s+{NEW_SPEAKER}|"
    # "says the emails were personal, but for Republicans, it is ...": the writer's contrast
    r",\s+but\s+(?:for|to|in|on|among)\s|"
    r",\s+(?:though|although|adding|saying|noting|arguing|insisting|warning|according|"
    r"meaning)\b"
)
CIRCUMSTANCE = re.compile(
    r"(?:in|on|at|during)\s+(?:a|an|the|his|her|their|its)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:statement|interview|email|e-mail|speech|letter|call|conference|tweet|post|release|"
    r"briefing|appearance|rally|debate|program|show|reporters|Monday|Tuesday|Wednesday|"
    r"Thursday|Friday|Saturday|Sunday)\b",
    re.IGNORECASE,
)
OPENING_MARKS = re.escape("".join(sorted(DOUBLE_QUOTATION_MARKS)))
ALL_MARKS_CLASS = re.escape("".join(sorted(DOUBLE_MARKS)))
ADDRESSEE = re.compile(
    rf"\s*(?:to|on|in|at|during|before|after)\s+"
    # a programme's title may be part of it: "said on CNN’s “State of the Union” that"
    rf"(?:[^,:;\ue000{OPENING_MARKS}]|[{OPENING_MARKS}]\ue000+[{ALL_MARKS_CLASS}]){{1,60}}?"
    rf"(?=\s*[,:]\s*[{OPENING_MARKS}]|\s+that\b)"
)
# "Asked whether ...", "when asked by host John Dickerson on Sunday whether ...": the
# question may come a few words after the cue
ASKED = re.compile(
    r"\b[Aa]sked(?:\s+(?!about\b|whether\b|if\b|what\b|why\b|how\b|who\b|when\b|which\b)"
    r"[\w.'\u2019-]+){0,7}?\s+(?:about\s+(?P<q>\S)|(?P<w>(?:whether|if|what|why|how|who|"
    r"when|which)\b))"
)
ABBREV_WORD = re.compile(ABBREV_TITLE)
STATE_LIKE = re.compile(r"(?:[DRI]-[A-Z]|[A-Z][a-z]{1,4}\.$|[A-Z]\.[A-Z]\.$|\d)")
# where a clause holding a quote may start, after the sentence's own start
QUOTE_CLAUSE = re.compile(
    r"(?:[;\u2014]|,\s+(?:and|but|while|as|with|where|when)\b|\b(?:when|where|while|with|"
    r"because|after)\b)\s*"
)
# "which Democrats say could be ...", "what analysts said was ...": the pronoun, the speaker
RELATIVE_SUBJECT = re.compile(
    r"\b(?P<rel>which|that|what|who|whom)\s+(?P<np>(?:[\w\u2019'.&%-]+\s+){1,8}?)$"
)
# a verb right after the cue: the statement's own predicate
PREDICATE_NEXT = re.compile(
    r"\s+(?:is|was|are|were|will|would|could|can|should|might|may|must|had|has|have|did|does|"
    r"do|remains?|remained|poses?|posed|amounts?|amounted|represents?|represented|includes?|"
    r"included|helped|helps|led|leads|lacks?|lacked|made|makes|came|comes)\b"
)
RELATIVE_END = re.compile(r"[,;:()\u2014]|\s[-\u2013]\s")
# "stated that Trump’s comments ...": a content after the cue, not "said that day"
THAT_CONTENT = re.compile(
    r"\s+that\s+(?!(?:day|week|month|year|night|morning|afternoon|evening|time)\b)\S"
)
# "..., which Mr. Obama championed": a relative clause whose pronoun is the cue's object
OBJECT_RELATIVE = re.compile(r"\b(?:which|whom|that)\s+\S")
# what names a programme, a film or a show just before its title: "CNN’s", "episode of"
PROGRAMME_BEFORE = re.compile(
    r"(?:\b[A-Z]{2,6}(?:-TV)?[\u2019']s|\b(?:episode|edition|broadcast|segment)s?\s+of|"
    r"\b(?:movie|film|show|program|programme|series|sitcom|documentary))\s*$"
)
TITLE_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
