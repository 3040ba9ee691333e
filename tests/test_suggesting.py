"""The quote suggester on small articles written for each pattern, and on the seed article."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import call_command

from annotations.evaluation import weights_json
from annotations.suggesting import Span, Suggestion, speaker_name_from_source, suggest
from annotations.suggesting.acceptance import WEIGHTS_FILE, accept, probability
from annotations.suggesting.case import VOCABULARY_FILE, needs_restoring, restore_case
from annotations.text import inside_quotation_marks

ROOT = Path(__file__).resolve().parent.parent


def frag_texts(text: str, s: Suggestion) -> list[str]:
    return [text[f.start : f.end] for f in s.fragments]


def only(text: str, **kwargs) -> Suggestion:
    found = suggest(text, **kwargs)
    assert len(found) == 1, [(s.kind, frag_texts(text, s)) for s in found]
    return found[0]


@dataclass(frozen=True)
class Case:
    """A text and the statement the suggester should find in it."""

    text: str
    quote: str  # the text of its fragments, joined by " | "
    speaker: str
    kind: str = ""
    cue: str = ""
    via: list[str] | None = None
    mention: str = ""  # the words of the text naming the speaker
    alone: bool = True  # the only statement of the text
    known_speakers: dict[str, list[str]] | None = None
    role: str | None = None  # the speaker's role, when checked


def case(case_id: str, text: str, quote: str, speaker: str, **checks):
    return pytest.param(Case(text, quote, speaker, **checks), id=case_id)


CASES = [
    case(
        "direct-quote-after-its-attribution",
        "Finance minister Paul Okafor said: “The budget is balanced for the first time.”",
        "The budget is balanced for the first time.",
        "Paul Okafor",
        kind="direct",
        cue="said",
    ),
    case(
        "quote-split-by-its-attribution-is-one-suggestion-with-two-fragments",
        (
            "Rescue teams worked through the night.\n"
            "“We found four people alive,” Chief Tom Reyes said. “More teams arrive tomorrow.”"
        ),
        "We found four people alive, | More teams arrive tomorrow.",
        "Tom Reyes",
        kind="direct",
    ),
    case(
        "quote-split-inside-one-sentence",
        "“The plan is sound,” she said, “but the money is not there yet.”",
        "The plan is sound, | but the money is not there yet.",
        "",
    ),
    case(
        "according-to",
        "The factory will close in March, according to union leader Jan Novak.",
        "The factory will close in March",
        "Jan Novak",
        kind="indirect",
        cue="according to",
    ),
    case(
        "according-to-at-the-start-of-the-sentence",
        "According to the police report, the driver was not injured.",
        "the driver was not injured",
        "",
    ),
    case(
        "pronoun-resolves-to-the-person-last-named",
        (
            "Health Minister Olga Petrova visited the hospital on Friday.\n"
            "“The new wing will open in spring,” she said."
        ),
        "The new wing will open in spring,",
        "Olga Petrova",
        mention="she",
    ),
    case(
        "surname-expands-to-the-full-name-first-introduced",
        (
            "Pentagon spokesman Steven Warren briefed reporters.\n"
            "“We saw no such strikes in the area at all,” Warren said."
        ),
        "We saw no such strikes in the area at all,",
        "Steven Warren",
    ),
    case(
        "known-speakers-give-the-canonical-name",
        "“We hit the targets we had planned for today,” Konashenkov said.",
        "We hit the targets we had planned for today,",
        "Igor Konashenkov",
        known_speakers={"Igor Konashenkov": ["Konashenkov", "I. Konashenkov"]},
    ),
    case(
        "apostrophes-inside-quotes-are-not-quotation-marks",
        "“We don’t know the mayor’s plan and it's not our job,” Kim O'Neil said.",
        "We don’t know the mayor’s plan and it's not our job,",
        "Kim O'Neil",
    ),
    case(
        "indirect-speech-with-that",
        "Police chief Dana Cole said that the road would reopen on Sunday.",
        "the road would reopen on Sunday",
        "Dana Cole",
        kind="indirect",
    ),
    case(
        "indirect-speech-after-the-content",
        "The road will reopen on Sunday, police chief Dana Cole said.",
        "The road will reopen on Sunday",
        "Dana Cole",
        kind="indirect",
    ),
    case(
        "accused-of",
        "Opposition leader Vera Lind accused the government of hiding the report.",
        "the government of hiding the report",
        "Vera Lind",
        kind="indirect",
        cue="accused",
    ),
    case(
        "via-outlet-after-the-attribution",
        "“Two convoys crossed the border overnight,” Colonel Ivan Sorokin said, RIA Novosti reported.",
        "Two convoys crossed the border overnight,",
        "Ivan Sorokin",
        via=["RIA Novosti"],
    ),
    case(
        "via-news-agency-phrase",
        (
            "Minister Olga Petrova said that the talks had failed, "
            "the Interfax news agency reported Thursday."
        ),
        "the talks had failed",
        "Olga Petrova",
        via=["Interfax"],
    ),
    case(
        "name-before-its-apposition-is-the-speaker",
        (
            "“We will keep the plant open,” Anna Berg, president of the Harbor Workers Union, "
            "said on Monday."
        ),
        "We will keep the plant open,",
        "Anna Berg",
    ),
    case(
        "age-and-hometown-appositions-are-skipped",
        (
            "“I have never voted before,” Tom Reyes, 29, of Ames, Iowa, said. "
            "“This year is different for everyone.”"
        ),
        "I have never voted before, | This year is different for everyone.",
        "Tom Reyes",
    ),
    case(
        "relative-clause-before-the-cue-keeps-the-name",
        "“The polls are tightening fast,” Nate Silver, the analyst who founded the site tweeted.",
        "The polls are tightening fast,",
        "Nate Silver",
    ),
    case(
        "abbreviated-title-after-the-cue",
        "“The bill will pass this week,” said Rep. Jim Clyburn (D-S.C.), a party leader.",
        "The bill will pass this week,",
        "Jim Clyburn",
    ),
    case(
        "attribution-after-a-quote-ending-with-a-full-stop",
        "The crowd went quiet.\n\n“We will win this state and the next one.” Berg said.",
        "We will win this state and the next one.",
        "Berg",
        cue="said",
    ),
    case(
        "parenthetical-attribution-before-a-quote",
        "Instead, Axelrod said, “she started as the favorite and then came the humbling.”",
        "she started as the favorite and then came the humbling.",
        "Axelrod",
        kind="direct",
    ),
    case(
        "colon-at-the-end-of-the-previous-paragraph",
        (
            "Senator Ted Cruz continued:\n\n"
            "“You look at the questions and you see why people do not trust the media.”"
        ),
        "You look at the questions and you see why people do not trust the media.",
        "Ted Cruz",
        cue="continued",
    ),
    case(
        "name-and-colon-before-a-quote",
        "Election roundup - Philip Bump: “The strongest territory had been the South.”",
        "The strongest territory had been the South.",
        "Philip Bump",
    ),
    case(
        "dash-line-after-a-quote",
        "“The idea that I would dismantle health care is just not accurate.”\n\n- Sanders.",
        "The idea that I would dismantle health care is just not accurate.",
        "Sanders",
    ),
    case(
        "surname-of-an-organisation-is-the-person-named-before",
        (
            "Drew Heiserman teaches in Chicago. "
            "“We are not going to wait for the board,” said Heiserman of the CORE Teachers."
        ),
        "We are not going to wait for the board,",
        "Drew Heiserman",
        alone=False,
    ),
    case(
        "hours-later-opens-an-introductory-phrase",
        (
            "Hours later, Trump returned the compliment to Adelson, telling Reuters, "
            "“Sheldon and I have been friends for a long time.”"
        ),
        "Sheldon and I have been friends for a long time.",
        "Trump",
        via=["Reuters"],
    ),
    case(
        "object-of-a-preposition-is-no-subject",
        (
            "Glenn Beck spoke on Sunday.\n\nBeck, who has in the past described Trump as "
            "“a pathological narcissistic sociopath,” clearly intended the comparison."
        ),
        "Trump as “a pathological narcissistic sociopath,” clearly intended the comparison",
        "Glenn Beck",
        alone=False,
    ),
    case(
        "dash-and-name-ending-the-quote-paragraph",
        (
            "Readers wrote to us after the debate.\n\n"
            "“He has said hateful things time and again about our communities.” ― Carlos Raúl\n"
            "“Maybe we can build a wall around the whole campaign.” ― Steve Quinlan.\n"
        ),
        "Maybe we can build a wall around the whole campaign.",
        "Steve Quinlan",
        alone=False,
    ),
    case(
        "participle-after-an-introductory-phrase",
        (
            "Instead, the Vermont senator is sticking to his message, "
            "saying that the campaign will win in Nashua."
        ),
        "the campaign will win in Nashua",
        "the Vermont senator",
    ),
    case(
        "impression-without-a-source",
        "Mr. Trump leads in Florida; the race appears closer in Ohio and in Missouri.",
        "the race appears closer in Ohio and in Missouri",
        "",
        kind="indirect",
        cue="appears",
    ),
    case(
        "declined-to-comment",
        "The campaign of the senator declined to comment on the report.",
        "to comment on the report",
        "The campaign of the senator",
        kind="indirect",
        cue="declined",
    ),
    case(
        "headline-with-a-colon",
        "Poll: Trump and Clinton hold narrow leads in Pennsylvania.\n\nMore text follows here.",
        "Trump and Clinton hold narrow leads in Pennsylvania",
        "Poll",
        kind="indirect",
    ),
    case(
        "object-of-a-preposition-is-the-content",
        "Earlier this week, the senator called for a full investigation of the deal.",
        "a full investigation of the deal",
        "the senator",
        kind="indirect",
        cue="called for",
    ),
    case(
        "noun-with-a-that-clause",
        "The senator repeated his claim that the election was rigged against him.",
        "the election was rigged against him",
        "The senator repeated his",
        cue="claim that",
    ),
    case(
        "intention-with-an-infinitive",
        "Governor Anna Berg plans to return to Iowa next week.",
        "to return to Iowa next week",
        "Anna Berg",
    ),
    case(
        "stance-with-a-one-word-object",
        "Senator Pat Toomey has not endorsed Trump.",
        "Trump",
        "Pat Toomey",
        cue="endorsed",
    ),
    case(
        "a-share-of-voters-as-the-source",
        "Two in three said they are less likely to vote for the party in November.",
        "they are less likely to vote for the party in November",
        "Two in three",
    ),
    case(
        "description-after-the-cue-keeps-its-modifiers",
        "“It was not a convincing argument,” said one Democrat familiar with the talks.",
        "It was not a convincing argument,",
        "one Democrat familiar with the talks",
    ),
    case(
        "description-stops-before-the-circumstances",
        "“We will not back down,” said a spokesman for the campaign in a statement.",
        "We will not back down,",
        "",
    ),
    case(
        "addressee-before-a-quote-is-skipped",
        "Canova wrote to his 20,000 Twitter followers, “It is time to end her career for good.”",
        "It is time to end her career for good.",
        "Canova",
        kind="direct",
        cue="wrote",
    ),
    case(
        "clause-subject-before-a-colon-speaks-the-quote",
        "Rubio fired back forcefully: “If they sue us in a court in Miami, they will lose.”",
        "If they sue us in a court in Miami, they will lose.",
        "Rubio",
        kind="direct",
    ),
    case(
        "asked-whether-is-a-reported-question-1",
        "Asked whether he would run again, Smith said he had not decided yet.",
        "whether he would run again",
        "",
        cue="asked",
        alone=False,
    ),
    case(
        "asked-whether-is-a-reported-question-2",
        "Asked whether he would run again, Smith said he had not decided yet.",
        "he had not decided yet",
        "Smith",
        alone=False,
    ),
    case(
        "subject-of-the-quotes-own-clause-speaks-it",
        (
            "Former Arkansas Gov. Mike Huckabee, for his part, is labeling the actions "
            "“a blatant, belligerent abuse of power.”"
        ),
        "a blatant, belligerent abuse of power.",
        "Mike Huckabee",
        kind="direct",
    ),
    case(
        "short-clause-after-a-quote-with-an-unknown-verb-1",
        (
            "The vote failed on Monday.\n\n“If they were serious about this, they would have gone "
            "to the bipartisan bill,” the senator grumbled."
        ),
        "If they were serious about this, they would have gone to the bipartisan bill,",
        "the senator",
        cue="grumbled",
    ),
    case(
        "short-clause-after-a-quote-with-an-unknown-verb-2",
        "“Gun owners should leave their weapons at home,” sniffed the Plain Dealer.",
        "Gun owners should leave their weapons at home,",
        "Plain Dealer",
    ),
    case(
        "cue-opening-the-sentence-before-its-speaker",
        "Roof should have been stopped. Said Comey, “We are all sick that this happened.”",
        "We are all sick that this happened.",
        "Comey",
        kind="direct",
        cue="Said",
    ),
    case(
        "subject-with-apposition-is-not-a-trailing-speaker",
        (
            "Michael O'Hanlon, a foreign policy expert at the Brookings Institution, says Libya is "
            "the biggest trouble spot for Clinton."
        ),
        "Libya is the biggest trouble spot for Clinton",
        "Michael O'Hanlon",
    ),
    case(
        "first-name-of-a-chain-of-appositions-wins",
        (
            "Alixandria Lapp, executive director of the House Majority PAC, a Democratic super PAC, "
            "said the Republicans are in trouble."
        ),
        "the Republicans are in trouble",
        "Alixandria Lapp",
    ),
    case(
        "description-after-the-cue-and-possessive-speakers-1",
        (
            "“There never was a stand-down order,” said the base chief known as Bob, speaking "
            "publicly for the first time."
        ),
        "There never was a stand-down order,",
        "the base chief",
    ),
    case(
        "description-after-the-cue-and-possessive-speakers-2",
        "“He did write her an email memo about his account,” Powell’s office said.",
        "He did write her an email memo about his account,",
        "Powell’s office",
    ),
    case(
        "participle-after-an-introductory-phrase-and-after-a-cue-1",
        (
            "Later on Sunday, Carson shared a syllabus on his Facebook page, writing “Allow me also "
            "to do the research for the reporter.”"
        ),
        "Allow me also to do the research for the reporter.",
        "Carson",
    ),
    case(
        "participle-after-an-introductory-phrase-and-after-a-cue-2",
        (
            "Ryan and Trump will meet next week, Spicer said, adding, “They need to sit down and "
            "have a good talk.”"
        ),
        "They need to sit down and have a good talk.",
        "Spicer",
        alone=False,
    ),
    case(
        "pronoun-resolves-to-a-describing-speaker",
        (
            "The retired neurosurgeon acknowledged that his past would be examined.\n\n"
            "“I have no problem with being vetted at all,” he said."
        ),
        "I have no problem with being vetted at all,",
        "The retired neurosurgeon",
        alone=False,
    ),
    case(
        "more-reporting-verbs-1",
        "“I will not be the one who breaks this party apart,” Silverman interjected.",
        "I will not be the one who breaks this party apart,",
        "Silverman",
    ),
    case(
        "more-reporting-verbs-2",
        "“Our revolution has already forced her to change her mind,” read the email.",
        "Our revolution has already forced her to change her mind,",
        "",
    ),
    case(
        "more-reporting-verbs-3",
        "“Better watch out for illegal conduct by Grimes,” tweeted another.",
        "Better watch out for illegal conduct by Grimes,",
        "another",
    ),
    case(
        "bare-quote-far-from-any-attribution-borrows-the-last-speaker",
        (
            "Mayor Anna Berg spoke at the opening on Monday.\n\n“We built this bridge for all of "
            "you,” Berg said.\n\nThe crowd cheered.\n\nThe bridge cost $4 million.\n\n“It is the "
            "best bridge we have ever had in this town.”"
        ),
        "It is the best bridge we have ever had in this town.",
        "Anna Berg",
        alone=False,
    ),
    case(
        "participle-keeps-the-sentence-subject-after-a-stance-cue-1",
        (
            "Kasich bemoaned America's reputation around the world, saying that foreigners "
            "“look at these debates and they laugh at us.”"
        ),
        "look at these debates and they laugh at us.",
        "Kasich",
        alone=False,
    ),
    case(
        "participle-keeps-the-sentence-subject-after-a-stance-cue-2",
        (
            "Gowdy did not release further details about the interviews, saying only that "
            "“we will talk to many more people.”"
        ),
        "only that “we will talk to many more people.”",
        "Gowdy",
    ),
    case(
        "description-with-a-relative-clause-after-the-cue-runs-to-its-end-1",
        (
            "“That is exactly the man we need,” said the man who built his political career on his "
            "blue collar credentials."
        ),
        "That is exactly the man we need,",
        "the man who built his political career on his blue collar credentials",
    ),
    case(
        "description-with-a-relative-clause-after-the-cue-runs-to-its-end-2",
        "“We are heartbroken by this loss,” his family said.",
        "We are heartbroken by this loss,",
        "his family",
    ),
    case(
        "unknown-verbs-around-a-quote-still-give-its-speaker-1",
        (
            "A footnote in the report makes that clear: “These assessments do not apply to the "
            "system used by the principals.”"
        ),
        "These assessments do not apply to the system used by the principals.",
        "",
    ),
    case(
        "unknown-verbs-around-a-quote-still-give-its-speaker-2",
        "“Jeb wants to be a tough guy tonight,” Trump shot back.",
        "Jeb wants to be a tough guy tonight,",
        "Trump",
    ),
    case(
        "unknown-verbs-around-a-quote-still-give-its-speaker-3",
        (
            "“She said that ‘I know the difference between having the House and not,’” "
            "Rep. Jim McDermott said."
        ),
        "She said that ‘I know the difference between having the House and not,’",
        "Jim McDermott",
    ),
    case(
        "a-statement-announced-at-the-end-of-the-paragraph-before-after-a-clause",
        (
            "When Wallace died in 1998, President Clinton released the following statement:\n\n"
            "“Hillary and I offer our condolences to the family and friends of George Wallace.”"
        ),
        "Hillary and I offer our condolences to the family and friends of George Wallace.",
        "Clinton",
    ),
    case(
        "another-commenter-or-person-is-a-speaker-1",
        "Another commenter said, “We all know how she feels about the police.”",
        "We all know how she feels about the police.",
        "Another commenter",
    ),
    case(
        "another-commenter-or-person-is-a-speaker-2",
        "Another person tweeted: “EPIC Troll at Hillary town hall, still from the CNN clip.”",
        "EPIC Troll at Hillary town hall, still from the CNN clip.",
        "Another person",
    ),
    case(
        "a-web-address-in-an-apposition-does-not-end-the-attribution",
        (
            "“Clinton needs a strategy for targeting these voters,” Nate Silver, the polling guru "
            "who founded fivethirtyeight.com tweeted on Wednesday."
        ),
        "Clinton needs a strategy for targeting these voters,",
        "Nate Silver",
        alone=False,
    ),
    case(
        "he-or-she-never-stands-for-a-newspaper-or-a-network",
        (
            "Ruth Bader Ginsburg spoke again on Monday.\n\n"
            "In an interview with The New York Times, she joked about moving to New Zealand. "
            "“He has no consistency about him at all,” she said."
        ),
        "He has no consistency about him at all,",
        "Ruth Bader Ginsburg",
        alone=False,
    ),
    case(
        "a-signature-line-after-a-quote-ends-at-its-paragraph",
        (
            "Not every claim could be checked.\n\n"
            "“Almost all new income and wealth is going to the top 1 percent.”\n\n"
            "- Bernie Sanders.\n\n"
            "The senator is relying on an outdated statistic."
        ),
        "Almost all new income and wealth is going to the top 1 percent.",
        "Bernie Sanders",
        mention="Bernie Sanders",
        alone=False,
    ),
    case(
        "apposition-without-its-closing-comma-keeps-the-name-as-speaker-1",
        (
            "Anthony Anton, president and CEO of the Washington Restaurant Association stated, "
            "“It’s not a political problem; it’s a math problem.”"
        ),
        "It’s not a political problem; it’s a math problem.",
        "Anthony Anton",
    ),
    case(
        "apposition-without-its-closing-comma-keeps-the-name-as-speaker-2",
        (
            "Sam Lau, the communications director for the Iowa Democratic Party said in a "
            "statement. “There are no paper ballots to recount. The caucuses were unique.”"
        ),
        "There are no paper ballots to recount. The caucuses were unique.",
        "Sam Lau",
        kind="direct",
    ),
    case(
        "a-describing-speaker-ends-where-its-relative-clause-is-joined-by-a-verb",
        (
            "“He was handled so lightly there is not a whole lot you can do,” said a former "
            "official who oversaw counterintelligence investigations and described the email "
            "controversy as “a lesser set of concerns.”"
        ),
        "He was handled so lightly there is not a whole lot you can do, | a lesser set of concerns.",
        "",
    ),
    case(
        "a-contracted-pronoun-is-resolved",
        (
            "Donald Trump spoke in Pennsylvania on Friday.\n\n"
            "He’s claiming that voting fraud is “a big, big problem in this country.”"
        ),
        "a big, big problem in this country.",
        "Donald Trump",
        mention="He",
    ),
    case(
        "delegate-is-a-title",
        "“This is a waste of time,” said Del. Stacey Plaskett of the Virgin Islands.",
        "This is a waste of time,",
        "Stacey Plaskett",
    ),
    case(
        "any-verb-of-saying-after-a-question-keeps-the-attribution-in-its-sentence",
        "“Why isn’t this proof that the bank is too big to manage?” Vitter demanded.",
        "Why isn’t this proof that the bank is too big to manage?",
        "Vitter",
        cue="demanded",
    ),
    case(
        "a-singer-is-a-speaker",
        (
            "In a clip for Mary J. Blige’s upcoming Apple Music show The 411, Blige sings "
            "Bruce Springsteen’s “American Skin” to Hillary Clinton.\n\n"
            "“Promise mama you’ll keep your hands in sight,” Blige sings to Clinton before "
            "asking her, “Where do we go from here?”"
        ),
        "Promise mama you’ll keep your hands in sight, | Where do we go from here?",
        "Mary J. Blige",
        cue="sings",
        alone=False,
    ),
    case(
        "a-date-written-with-a-slash-stays-in-the-description",
        "“They are 100 percent wrong,” said 9/11 widow Terry Strada.",
        "They are 100 percent wrong,",
        "Terry Strada",
    ),
    case(
        "a-cue-needing-a-quote-may-take-it-after-a-comma",
        (
            "“They are wrong,” said Terry Strada.\n\n"
            "She continued, “For us, all we are asking for is an opportunity to go to court.”"
        ),
        "For us, all we are asking for is an opportunity to go to court.",
        "Terry Strada",
        cue="continued",
        alone=False,
    ),
    case(
        "a-clause-after-said-is-no-trailing-speaker-1",
        (
            "Aparna Mathur, who studies tax policy at the American Enterprise Institute, said "
            "Ivanka Trump's statement didn't clarify the matter.\n\n"
            '"I don\'t see details about who is left out, who is eligible," she said.'
        ),
        "Ivanka Trump's statement didn't clarify the matter",
        "Aparna Mathur",
        alone=False,
    ),
    case(
        "a-clause-after-said-is-no-trailing-speaker-2",
        (
            "Aparna Mathur, who studies tax policy at the American Enterprise Institute, said "
            "Ivanka Trump's statement didn't clarify the matter.\n\n"
            '"I don\'t see details about who is left out, who is eligible," she said.'
        ),
        "I don't see details about who is left out, who is eligible,",
        "Aparna Mathur",
        alone=False,
    ),
    case(
        "a-pronoun-looks-past-an-introductory-phrase-for-the-subject",
        (
            "In an interview with Trending Today USA, Norman Ham made it clear he had "
            "misgivings.\n\n"
            "“Now that I don’t have to be politically correct anymore,” he told the host, "
            "“it was demoralizing to work for Obama.”"
        ),
        "Now that I don’t have to be politically correct anymore, | it was demoralizing to work for Obama.",
        "Norman Ham",
        alone=False,  # "made it clear he had misgivings" is a statement too
    ),
    case(
        "a-plural-subject-is-kept-whole-before-a-participle",
        (
            "In a column, two Democratic speechwriters implored her to bring it back, arguing "
            "that it agitated Trump."
        ),
        "it agitated Trump",
        "two Democratic speechwriters",
        alone=False,
    ),
    case(
        "a-straight-opening-mark-may-be-closed-by-a-curly-one",
        (
            '"Oz has a huge bully pulpit,” said David Gorski, a professor of surgery. '
            "“He can’t simply dispense with facts he doesn’t find convenient.”"
        ),
        "Oz has a huge bully pulpit, | He can’t simply dispense with facts he doesn’t find convenient.",
        "David Gorski",
    ),
    case(
        "a-plural-noun-followed-by-of-is-part-of-the-subject",
        (
            "Small groups of protesters marched through the streets around the stadium while "
            'chanting, "Hands up, don\'t shoot."'
        ),
        "Hands up, don't shoot.",
        "Small groups of protesters",
    ),
    case(
        "as-a-source-put-it-after-a-quote-names-the-speaker",
        (
            "The requirement for the program is a “lawful source of investment income,” as a "
            "Homeland Security memo put it."
        ),
        "lawful source of investment income,",
        "Homeland Security",
        cue="put",
        alone=False,
    ),
    case(
        "a-participle-in-an-introductory-phrase-is-no-cue",
        (
            "In a Facebook message posted Friday, Cruz said he has had “areas of significant "
            "disagreement” with Trump."
        ),
        "he has had “areas of significant disagreement” with Trump",
        "Cruz",
        cue="said",
    ),
    case(
        "who-issued-a-statement-speaks-through-it",
        (
            "After a meeting, the Security Council issued a statement calling the test “a clear "
            "violation and in flagrant disregard” of its resolutions."
        ),
        "the test “a clear violation and in flagrant disregard” of its resolutions",
        "Security Council",
    ),
    case(
        "a-described-speaker-with-a-relative-clause-before-said-and-a-comma",
        (
            "Although there is no such overlap, a White House official who spoke anonymously "
            'to discuss internal strategy said Wednesday, "Certainly there are discussions '
            'between the White House and the campaign."'
        ),
        "Certainly there are discussions between the White House and the campaign.",
        "White House",
    ),
    case(
        "went-on-continues-a-quote",
        (
            "“You know, it happens, right?” Trump went on, as if he didn’t hear her. “But you "
            "gotta get over it.”"
        ),
        "You know, it happens, right? | But you gotta get over it.",
        "Trump",
        cue="went on",
    ),
    case(
        "as-a-speaker-with-an-apposition-put-it-before-a-colon",
        (
            "As John Cornyn, the No. 2 in the GOP leadership, put it: “This person will not be "
            "confirmed. So there's no reason to go through the motions.”"
        ),
        "This person will not be confirmed. So there's no reason to go through the motions.",
        "John Cornyn",
    ),
    case(
        "a-noun-in-an-introductory-phrase-is-no-cue",
        "In a Facebook post after the speech, Beck wrote: “I couldn’t disagree with her more.”",
        "I couldn’t disagree with her more.",
        "Beck",
    ),
    case(
        "a-surname-expands-to-the-full-name-of-the-body-not-the-headline",
        (
            "Understated Perez raises political profile.\n\n"
            "Labor Secretary Thomas Perez packed up his papers.\n\n"
            "“I just do my day job,” Perez said."
        ),
        "I just do my day job,",
        "Thomas Perez",
    ),
    case(
        "a-cue-in-a-subordinate-clause-leaves-the-main-clause-its-own-quote-1",
        (
            "When BlazeTV’s Glenn Beck asked the conservative who he thought would win, "
            "Dinesh D’Souza replied, “If I had to bet now, I would bet on Hillary.”"
        ),
        "If I had to bet now, I would bet on Hillary.",
        "Dinesh D’Souza",
        cue="replied",
        alone=False,
    ),
    case(
        "a-cue-in-a-subordinate-clause-leaves-the-main-clause-its-own-quote-2",
        (
            "When BlazeTV’s Glenn Beck asked the conservative who he thought would win, "
            "Dinesh D’Souza replied, “If I had to bet now, I would bet on Hillary.”"
        ),
        "the conservative who he thought would win",
        "Glenn Beck",
        alone=False,
    ),
    case(
        "a-possessive-subject-stands-for-its-owner",
        (
            "Donald Trump won the primaries.\n\n"
            "His standing improved after the shootings, and his call for “a total and complete "
            "ban on Muslims entering the country” drew crowds."
        ),
        "a total and complete ban on Muslims entering the country",
        "Donald Trump",
        mention="His",
    ),
    case(
        "a-no-break-space-after-a-quote-changes-nothing",
        (
            "Trey Gowdy spoke on Tuesday.\n\n"
            "“If anyone wonders why the investigation is not yet complete, look at the "
            "emails,”\u00a0added Gowdy."
        ),
        "If anyone wonders why the investigation is not yet complete, look at the emails,",
        "Trey Gowdy",
    ),
    case(
        "shot-back-is-a-cue",
        (
            "After Jerry Brown criticized Bill Clinton during a debate, Hillary shot back, "
            "“I suppose I could have chosen to bake cookies and have teas.”"
        ),
        "I suppose I could have chosen to bake cookies and have teas.",
        "Hillary",
        cue="shot back",
        alone=False,
    ),
    case(
        "a-titled-name-after-an-introductory-phrase-is-the-participle-subject",
        (
            "But the other candidate on the stage, former Secretary of State Hillary Clinton, "
            "drew a contrast, saying that concerns about job losses were not to be dismissed."
        ),
        "concerns about job losses were not to be dismissed",
        "Hillary Clinton",
    ),
    case(
        "a-participle-after-a-document-needs-no-comma",
        (
            "Trump unleashed a series of tweets early Friday saying that rival Hillary Clinton "
            "had shown bad judgment in using Alicia Machado “as a paragon of virtue.”"
        ),
        "rival Hillary Clinton had shown bad judgment in using Alicia Machado “as a paragon of virtue.”",
        "Trump",
        cue="saying",
    ),
    case(
        "a-place-after-of-belongs-to-the-speaker-before-it",
        (
            "Stacy Baker of Columbia, South Carolina says she thinks Cruz can win if he keeps "
            "“doing what he’s doing.”"
        ),
        "she thinks Cruz can win if he keeps “doing what he’s doing.”",
        "Stacy Baker",
    ),
    case(
        "states-after-a-number-is-a-noun",
        (
            "The Florida senator is telling reporters that he will have “a lot of delegates” "
            "after balloting in 11 states holding Republican contests."
        ),
        "a lot of delegates",
        "The Florida senator",
    ),
    case(
        "a-cue-after-an-attribution-is-not-a-second-trailing-attribution",
        (
            "“Very good reporter, very good reporter this guy,” Billionaire Donald Trump, the "
            "frontrunner in South Carolina by a wide margin, said when he called on Boyle."
        ),
        "Very good reporter, very good reporter this guy,",
        "Donald Trump",
        cue="said",
        alone=False,
    ),
    case(
        "what-someone-said-is-not-a-speaker",
        'Nothing the president said "will assuage people\'s fears," the Florida senator said.',
        "will assuage people's fears,",
        "the Florida senator",
    ),
    case(
        "shortly-after-opens-an-introductory-phrase",
        (
            "Shortly after Murphy’s conference call ended, Rubio’s campaign sent out a press "
            "release saying Murphy owes “Florida an explanation for voting against the funding.”"
        ),
        "Murphy owes “Florida an explanation for voting against the funding.”",
        "Rubio’s campaign",
    ),
    case(
        "a-spokesman-speaks-for-the-organisation-named-before-the-role",
        "A Nordfrakt spokesman said the ship would sail on Monday.",
        "the ship would sail on Monday",
        "Nordfrakt",
        role="spokesman",
    ),
    case(
        "a-spokesman-after-a-quote-speaks-for-the-organisation",
        "“We will sail on Monday,” a Nordfrakt spokesman said.",
        "We will sail on Monday,",
        "Nordfrakt",
        kind="direct",
        role="spokesman",
    ),
    case(
        "a-spokesman-of-no-one-named-is-no-speaker",
        "A spokesman said the ship would sail on Monday.",
        "the ship would sail on Monday",
        "",
        role="spokesman",
    ),
    case(
        "an-official-described-by-a-nationality-is-no-speaker",
        "An Israeli official said the talks would resume on Monday.",
        "the talks would resume on Monday",
        "",
        role="official",
    ),
    case(
        "a-share-of-people-is-one-speaker",
        "Six in ten residents said the new bridge was a waste of money.",
        "the new bridge was a waste of money",
        "Six in ten residents",
    ),
    case(
        "a-share-in-figures-is-one-speaker",
        "Nearly 4 in 10 voters said they had not decided.",
        "they had not decided",
        "4 in 10 voters",
    ),
    case(
        "a-share-out-of-a-whole-is-one-speaker",
        "Four out of five doctors said the drug was safe.",
        "the drug was safe",
        "Four out of five doctors",
    ),
    case(
        "a-statement-published-is-no-speaker",
        "A statement published on Monday said the ship would sail.",
        "the ship would sail",
        "",
        role="statement",
    ),
    case(
        "documents-are-attributed-to-their-issuer",
        "Exxon's lobbying disclosures show the company spent $2 million on the bill.",
        "the company spent $2 million on the bill",
        "Exxon",
        role="disclosures",
    ),
    case(
        "according-to-a-memo-from-its-issuer",
        "According to a memo from the Justice Department, the inquiry was closed.",
        "the inquiry was closed",
        "Justice Department",
        role="memo",
    ),
    case(
        "a-campaign-official-speaks-for-the-campaign",
        "A Clinton campaign official said the rally would go ahead.",
        "the rally would go ahead",
        "Clinton campaign",
        role="official",
    ),
    case(
        "a-title-before-a-name-is-no-role",
        "Pentagon spokesman Steven Warren said the strikes had ended.",
        "the strikes had ended",
        "Steven Warren",
        role="",
    ),
    case(
        "told-an-outlet-adds-it-to-the-via-chain",
        "Senator Ann Lee told Reuters that the bill would pass.",
        "the bill would pass",
        "Ann Lee",
        via=["Reuters"],
    ),
    case(
        "told-an-outlet-after-a-quote-adds-it-to-the-via-chain",
        "“The bill will pass,” Senator Ann Lee told Reuters.",
        "The bill will pass,",
        "Ann Lee",
        kind="direct",
        via=["Reuters"],
    ),
    case(
        "told-a-person-is-no-relay",
        "Senator Ann Lee told Tom Reyes that the bill would pass.",
        "the bill would pass",
        "Ann Lee",
        via=[],
    ),
    case(
        "a-quote-in-double-apostrophes-before-said-and-its-speaker",
        "''It's bad for the party and bad for the country,'' said Stuart Stevens, a strategist.",
        "''It's bad for the party and bad for the country,''",
        "Stuart Stevens",
        kind="indirect",
    ),
    case(
        "a-quote-in-double-apostrophes-goes-on-after-its-attribution",
        (
            "The ferry was late again.\n''We waited for three hours,'' Mr. Halvorsen, a "
            "commuter from Tromso, said on the pier. ''Nobody told us anything. It is the "
            "third time this month.''\nThe company apologised."
        ),
        "''We waited for three hours,'' | ''Nobody told us anything. It is the third time "
        "this month.''",
        "Halvorsen",
        kind="indirect",
        alone=False,
    ),
    case(
        "a-quote-in-double-apostrophes-goes-on-in-its-sentence",
        "''The dam will hold,'' the engineer said, ''but the road will not.''",
        "''The dam will hold,'' | ''but the road will not.''",
        "the engineer",
        kind="indirect",
    ),
    case(
        "a-quote-in-double-apostrophes-with-anything-after-its-attribution",
        "''We will rebuild,'' Ms. Aune said in her office overlooking the harbour.",
        "''We will rebuild,''",
        "Aune",
        kind="indirect",
    ),
    case(
        "a-name-and-its-apposition-before-said-are-the-subject",
        "Mr. Osei, a former official at the port authority, said Ms. Lind handled the "
        "contracts well.",
        "Ms. Lind handled the contracts well",
        "Osei",
        kind="indirect",
    ),
    case(
        "a-participle-after-a-trailing-attribution-is-no-parenthetical",
        "The bridge will reopen next month, Mayor Tove Berg said on Friday, adding that "
        "repairs cost less than planned.",
        "The bridge will reopen next month",
        "Tove Berg",
        kind="indirect",
        alone=False,
    ),
    case(
        "and-said-after-a-subject-with-an-apposition",
        "Nadia Perez, a spokeswoman for the union, criticised the plan and said the "
        "workers had not been consulted.",
        "the workers had not been consulted",
        "Nadia Perez",
        kind="indirect",
        alone=False,
    ),
    case(
        "a-stance-in-a-relative-clause-has-the-antecedent-as-speaker",
        "The fishing cooperative, which strongly opposes the new quota, met on Monday.",
        "the new quota",
        "The fishing cooperative",
        kind="indirect",
    ),
    case(
        "a-statement-in-a-relative-clause-ends-at-its-comma",
        "Ingrid Dahl, who said the school would close, left the meeting early.",
        "the school would close",
        "Ingrid Dahl",
        kind="indirect",
    ),
    case(
        "a-cue-inside-a-quote-in-double-apostrophes-is-part-of-it",
        "''As we said in March, the harbour needs a new wall,'' Mr. Berg said.",
        "''As we said in March, the harbour needs a new wall,''",
        "Berg",
        kind="indirect",
        alone=False,
    ),
    case(
        "a-stance-object-runs-on-past-its-prepositions",
        "The senator blasted the governor for closing two rural hospitals in the north.",
        "the governor for closing two rural hospitals in the north",
        "The senator",
        kind="indirect",
    ),
    case(
        "a-quote-in-double-apostrophes-that-opened-sentences-before-its-attribution",
        "The vote went late.\n''Was it fair? No, not at all,'' Ms. Moe said.",
        "''Was it fair? No, not at all,''",
        "Moe",
        kind="indirect",
    ),
    case(
        "words-before-a-quote-in-double-apostrophes-belong-to-the-statement",
        "Fares may rise next year ''because the fuel costs more,'' Mr. Dale said.",
        "Fares may rise next year ''because the fuel costs more,''",
        "Dale",
        kind="indirect",
        alone=False,
    ),
    case(
        "a-cue-in-a-title-case-headline",
        "Harbour Board Says New Ferry Will Sail By Spring\nThe board met on Monday.",
        "New Ferry Will Sail By Spring",
        "Harbour Board",
        kind="indirect",
    ),
    case(
        "records-show-after-the-statement",
        "The firm paid no tax in three of the last five years, court records show.",
        "The firm paid no tax in three of the last five years",
        "",
        kind="indirect",
    ),
    case(
        "a-stance-cue-with-a-doubled-consonant",
        "The union slammed the decision to close the depot.",
        "the decision to close the depot",
        "The union",
        kind="indirect",
    ),
    case(
        "echoed-reports-what-someone-said-before",
        "Governor Lena Ruud echoed the view of the council.",
        "the view of the council",
        "Lena Ruud",
        kind="indirect",
    ),
    case(
        "a-statement-as-the-rest-of-a-relative-clause",
        "Fares rose again, which commuters say could push more people into cars.",
        "could push more people into cars",
        "commuters",
        kind="indirect",
    ),
    case(
        "what-someone-said-was",
        "The council approved what planners said was the cheapest route.",
        "was the cheapest route",
        "planners",
        kind="indirect",
    ),
    case(
        "a-relative-clause-before-a-trailing-cue-is-no-content",
        "Mayor Tove Berg of Bergen, a Liberal who has refused to back the plan, said the "
        "budget was too small.",
        "the budget was too small",
        "Tove Berg",
        kind="indirect",
        alone=False,
    ),
    case(
        "a-headline-source-before-a-colon-and-single-quotes",
        "Harbour Board: ‘No More Ferries After Ten’\nThe board met on Monday.",
        "‘No More Ferries After Ten’",
        "Harbour Board",
        kind="indirect",
    ),
    case(
        "a-yes-is-a-statement",
        "Asked whether the ferry should run at night, most residents said yes.",
        "yes",
        "most residents",
        kind="indirect",
        alone=False,
    ),
    case(
        "a-comparison-after-the-statement-is-the-writers",
        "Most residents said the ferry was late, compared with a third last year.",
        "the ferry was late",
        "Most residents",
        kind="indirect",
    ),
    case(
        "a-second-statement-after-and-that",
        "The mayor said fares would rise and warned that routes could close.",
        "fares would rise",
        "The mayor",
        kind="indirect",
        alone=False,
    ),
    case(
        "made-it-clear-that",
        "The mayor made it clear that the ferry will not run at night.",
        "the ferry will not run at night",
        "The mayor",
        kind="indirect",
    ),
    case(
        "in-favor-of-gives-the-object-and-the-subject-before-the-verb",
        "The mayor spoke in favor of a new bridge.",
        "a new bridge",
        "The mayor",
        kind="indirect",
    ),
    case(
        "said-with-several-circumstances-before-that",
        "The mayor said in a radio interview on Monday night that the ferry will stop.",
        "the ferry will stop",
        "The mayor",
        kind="indirect",
    ),
    case(
        "it-was-reported-that-has-no-speaker",
        "It was reported that the ferry will stop in June.",
        "the ferry will stop in June",
        "",
        kind="indirect",
    ),
    case(
        "a-view-is-that",
        "The mayor's view is that the ferry must stop.",
        "the ferry must stop",
        "The mayor",
        kind="indirect",
    ),
    case(
        "a-stance-object-ends-at-a-dash",
        "The union backed the plan - the first time it has taken sides in a vote.",
        "the plan",
        "The union",
        kind="indirect",
    ),
    case(
        "agreed-with-and-a-speaker-at-an-outlet",
        "Dan Lee at the Harbour Herald agreed with the mayor about the ferry.",
        "the mayor about the ferry",
        "Dan Lee",
        kind="indirect",
    ),
    case(
        "spoke-out-against",
        "The bishop spoke out against the new curfew.",
        "the new curfew",
        "The bishop",
        kind="indirect",
    ),
    case(
        "a-question-a-few-words-after-asked",
        "Asked on Monday whether the ferry would run, the mayor shook her head.",
        "whether the ferry would run",
        "",
        kind="indirect",
    ),
    case(
        "a-plural-subject-of-people-before-say",
        "Local traders say the new tax will close half of the market stalls.",
        "the new tax will close half of the market stalls",
        "Local traders",
        kind="indirect",
    ),
    case(
        "a-subordinate-content-ends-at-the-dash-before-the-main-attribution",
        (
            "When the auditor noted that the port had not paid its levy ― as was true for "
            "three years running ― Director Jan Holt retorted, “That makes us efficient.”"
        ),
        "That makes us efficient.",
        "Jan Holt",
        kind="direct",
        cue="retorted",
        alone=False,
    ),
    case(
        "footage-of-a-person-saying",
        (
            "The advert ends with footage of Mayor Ruth Adler saying during the hearing, "
            "“We will not close a single library.”"
        ),
        "We will not close a single library.",
        "Ruth Adler",
        cue="saying",
    ),
    case(
        "a-clip-of-a-person-asking",
        "The advert opens with a clip of Tomas Lind asking, “Where did the ferry money go?”",
        "Where did the ferry money go?",
        "Tomas Lind",
        kind="direct",
        cue="asking",
    ),
    case(
        "a-later-quote-of-a-paragraph-ending-with-a-dash-and-a-name",
        (
            "Readers wrote to us after the debate.\n\n"
            "“The bridge is a disgrace to the whole valley.” ― Ana Ruiz\n"
            "“Nobody asked the farmers what they need.” And that is all the council has "
            "“for every single village in the county.” ― Lena Park.\n"
        ),
        "for every single village in the county.",
        "Lena Park",
        alone=False,
    ),
    case(
        "a-time-ago-opens-the-sentence-before-its-speaker",
        "Several weeks ago, Mayor Ines Vogel stated that the ferry would run again in spring.",
        "the ferry would run again in spring",
        "Ines Vogel",
        cue="stated",
    ),
    case(
        "a-subject-before-an-aside-between-dashes",
        (
            "The levy has become the issue of the race, with Karin Moe — who has called for "
            "lower fares on the islands — attacking the council’s budget plan."
        ),
        "the council’s budget plan",
        "Karin Moe",
        cue="attacking",
        alone=False,
    ),
    case(
        "first-person-in-a-transcripts-turn-is-the-labelled-speaker",
        (
            "The minister was interviewed on Sunday.\n\n"
            "HOLT: Minister, what about the ferry?\n\n"
            "DAHL: I think the levy is fair to everyone on the islands."
        ),
        "the levy is fair to everyone on the islands",
        "Dahl",
        mention="I",
        alone=False,
    ),
    case(
        "a-contracted-first-person-is-a-pronoun-not-a-name",
        "HOLT: I’ve said that the levy hurts the islands and the farmers.",
        "the levy hurts the islands and the farmers",
        "Holt",
        mention="I",
    ),
    case(
        "a-party-tag-marks-the-person-before-a-stray-comma",
        (
            "After winning Ohio in the primary, Gov. John Kasich (R-OH), said, “We are going "
            "all the way to Cleveland.”"
        ),
        "We are going all the way to Cleveland.",
        "John Kasich",
        kind="direct",
    ),
    case(
        "a-colon-after-a-dash-takes-the-speaker-of-its-own-clause",
        (
            "That is, when the moderators turned to snark — and how tempting that can be — "
            "Mayor Ruth Adler called them on it:\n\n"
            "“These questions show why nobody trusts the debate any more.”"
        ),
        "These questions show why nobody trusts the debate any more.",
        "Ruth Adler",
        kind="direct",
        alone=False,
    ),
    case(
        "a-cue-word-after-a-possessive-and-a-noun-is-a-noun",
        (
            "During their phone call Tuesday, the two mayors “agreed to keep the ferry "
            "running all winter,” the council said."
        ),
        "agreed to keep the ferry running all winter,",
        "the council",
        cue="said",
    ),
    case(
        "a-stance-object-ends-at-a-colon",
        (
            "Even those who backed the plan sounded unsure: Mayor Ruth Adler called it “the "
            "least bad option under the circumstances.”"
        ),
        "the least bad option under the circumstances.",
        "Ruth Adler",
        cue="called",
        alone=False,
    ),
    case(
        "a-person-of-an-organisation-whose-name-holds-for",
        (
            "“A staged weapon is a hard problem for any country,” Jeffrey Lewis of the James "
            "Martin Center for Nonproliferation Studies wrote in December."
        ),
        "A staged weapon is a hard problem for any country,",
        "Jeffrey Lewis",
        kind="direct",
    ),
    case(
        "said-that-after-a-long-introduction-is-no-trailing-attribution",
        (
            "In an interview with Harbour Radio hosts Per Dahl and Ana Ruiz on Monday, Mayor "
            "Ruth Adler stated that the levy is fair."
        ),
        "the levy is fair",
        "Ruth Adler",
        cue="stated",
        alone=False,
    ),
    case(
        "the-subject-of-a-first-predicate-with-an-irregular-verb-says-the-second",
        (
            "Mayor Ruth Adler met families of the 12 people hurt on Thursday and said the "
            "ferry must run again."
        ),
        "the ferry must run again",
        "Ruth Adler",
        cue="said",
        mention="Mayor Ruth Adler",
    ),
    case(
        "a-quote-after-a-sentence-about-a-named-person",
        (
            "Mayor Ruth Adler said the vote was fair.\n\n"
            "On “Morning Report,” Sen. Per Dahl, who lost the vote, named the closures "
            "as the reason for his anger. “The islands are paying for the city again, and "
            "nobody asked them.”"
        ),
        "The islands are paying for the city again, and nobody asked them.",
        "Per Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "a-cue-word-after-a-possessive-and-an-adjective-is-a-noun",
        (
            "Mayor Ruth Adler, speaking on the quay, said of the council's latest request: "
            "“We will answer it in writing.”"
        ),
        "We will answer it in writing.",
        "Ruth Adler",
        kind="direct",
        cue="said",
    ),
    case(
        "another-speakers-clause-after-but-ends-the-content",
        (
            "His aide had warned him not to be harsh, to sound “calm,” but Mayor Per Dahl "
            "said he answered: “A harbour is not built by calm men.”"
        ),
        "he answered: “A harbour is not built by calm men.”",
        "Per Dahl",
        cue="said",
        alone=False,
    ),
    case(
        "a-quote-then-and-a-named-subject-is-no-trailing-attribution",
        (
            "Ruth Adler accuses the board of “sleeping at the wheel” and Per Dahl says it is "
            "“losing the harbour,” part of a long quarrel."
        ),
        "it is “losing the harbour,” part of a long quarrel",
        "Per Dahl",
        kind="mixed",
        cue="says",
        alone=False,
    ),
    case(
        "a-subordinate-content-ends-at-the-comma-closing-its-quote",
        (
            "After Adler said that small ports might do better with “fewer ferries,” Dahl "
            "said: “I do not like what she said.”"
        ),
        "I do not like what she said.",
        "Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "while-and-a-named-subject-start-a-second-statement",
        (
            "Adler suggested that a port without ferries cannot grow, while Dahl said that "
            "the “board is asleep at the wheel.”"
        ),
        "board is asleep at the wheel.",
        "Dahl",
        alone=False,
    ),
    case(
        "to-which-and-a-name-start-a-reply",
        (
            "Adler said that the levy was fair and modest, to which Dahl interjected: "
            "“It is neither fair nor modest.”"
        ),
        "It is neither fair nor modest.",
        "Dahl",
        kind="direct",
        cue="interjected",
        alone=False,
    ),
    case(
        "what-was-tweeted-after-the-cue-is-no-speaker",
        (
            "On the other side, Sen. Per Dahl (L-Bergen), a candidate who has made the port "
            "his cause, tweeted a warning. “Remember in May who closed the ferry.”"
        ),
        "Remember in May who closed the ferry.",
        "Per Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "a-name-with-a-party-tag-before-a-colon",
        "The hearing went on.\n\nRep. Per Dahl (L-Bergen):“Who told you that figure?”",
        "Who told you that figure?",
        "Per Dahl",
        kind="direct",
    ),
    case(
        "a-role-and-a-name-before-a-colon",
        (
            "The hearing went on.\n\nRep. Per Dahl:“Who told you that figure?”\n\n"
            "Former secretary of state Ruth Adler:“The port authority did.”"
        ),
        "The port authority did.",
        "Ruth Adler",
        kind="direct",
        alone=False,
    ),
    case(
        "he-after-a-subject-named-with-an-affiliation-and-a-role",
        (
            "Mayor Ruth Adler spoke first.\n\n"
            "Labour consultant Per Dahl, the party's longest-serving pollster, picked up the "
            "thread. “The ferries decide this election,” he said."
        ),
        "The ferries decide this election,",
        "Per Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "he-after-a-subject-behind-an-introduction-of-several-commas",
        (
            "Mayor Ruth Adler spoke first.\n\n"
            "At a rally in Bergen, Norway, on Thursday afternoon, Per Dahl toured the ports "
            "that had lost their ferries. “We are letting the islands go,” he said."
        ),
        "We are letting the islands go,",
        "Per Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "but-said-takes-the-subject-of-the-sentences-first-cue",
        (
            "The harbour board said the ferries will still run in summer and that fares will "
            "rise, but said, “We can no longer promise a winter service.”"
        ),
        "We can no longer promise a winter service.",
        "The harbour board",
        kind="direct",
        alone=False,
    ),
    case(
        "a-subject-speaking-to-an-outlet-is-the-speaker",
        (
            "The ministry declined to comment. Another port official speaking to Harbour "
            "Radio said, “The ferries were never safe.”"
        ),
        "The ferries were never safe.",
        "",
        kind="direct",
        role="official",
        alone=False,
    ),
    case(
        "a-document-obtained-by-an-outlet-is-its-issuers",
        (
            "A May 1 letter from the Harbour Union obtained by Bergen Radio warns that "
            "“the ferries will stop in June.”"
        ),
        "the ferries will stop in June.",
        "Harbour Union",
        cue="warns",
    ),
    case(
        "and-a-named-subject-without-a-comma-starts-a-statement",
        "At one point, a sailor asked for a photo and Ruth Adler said, “Only one, please.”",
        "Only one, please.",
        "Ruth Adler",
        kind="direct",
        cue="said",
        alone=False,
    ),
    case(
        "a-dash-a-name-and-a-colon-inside-a-sentence",
        (
            "But the polls did predict the harbour vote - PortWatch: “Although the polls "
            "missed the ferry result, they got the rest right.”"
        ),
        "Although the polls missed the ferry result, they got the rest right.",
        "PortWatch",
        kind="direct",
        alone=False,
    ),
    case(
        "more-from-names-and-a-colon",
        (
            "Signs of the swing were there all along -More from Ruth Adler and Per Dahl: "
            "“The islands voted late and they voted together.”"
        ),
        "The islands voted late and they voted together.",
        "Per Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "heres-a-name-and-a-colon",
        (
            "Mayor Ruth Adler spoke first.\n\n"
            "Here’s Per Dahl in December 1992: “We are going to build the bridge.”"
        ),
        "We are going to build the bridge.",
        "Per Dahl",
        kind="direct",
        alone=False,
    ),
    case(
        "a-titled-surname-as-the-subject-is-an-antecedent",
        (
            "Mayor Ruud toured the harbour on Monday with the port engineers.\n\n"
            "“The ferries must come back before the winter,” she said."
        ),
        "The ferries must come back before the winter,",
        "Ruud",
        kind="direct",
    ),
    case(
        "who-said-after-a-trailing-attribution-is-a-statement-of-its-own",
        (
            "“We were never asked,” said Per Dahl, 54, from Bergen, who said the ferry plan "
            "is the best of the three."
        ),
        "the ferry plan is the best of the three",
        "Per Dahl",
        kind="indirect",
        alone=False,
    ),
    case(
        "who-after-a-described-speaker-is-that-speaker",
        (
            "Mayor Ruth Adler spoke first.\n\n"
            "“I was never asked,” said one retired harbour pilot, who said he left on good "
            "terms."
        ),
        "he left on good terms",
        "one retired harbour pilot",
        kind="indirect",
        alone=False,
    ),
    case(
        "but-for-someone-else-is-the-writers-contrast",
        (
            "Mayor Ruth Adler says the emails were private and about ferries, but for the "
            "council, they are proof of a deal."
        ),
        "the emails were private and about ferries",
        "Ruth Adler",
        kind="indirect",
    ),
    case(
        "a-party-tag-and-a-stray-comma-before-said-that",
        "Sen. Per Dahl (D-Bergen), said on Tuesday that the ferry must stay.",
        "the ferry must stay",
        "Per Dahl",
        kind="indirect",
    ),
    case(
        "said-after-a-circumstance-that",
        "Mayor Ruth Adler said after a meeting on Monday that the ferry must stay.",
        "the ferry must stay",
        "Ruth Adler",
        kind="indirect",
    ),
    case(
        "saying-after-the-comma-that-closes-a-quote",
        (
            "The islanders had sued after the council cut what it called the “summer "
            "service,” saying that the cut left them without a ferry."
        ),
        "the cut left them without a ferry",
        "The islanders",
        cue="saying",
        alone=False,
    ),
    case(
        "while-saying-takes-the-subject-of-the-sentence",
        (
            "Mayor Ruth Adler had a dim view of the harbour plan, while saying that the new "
            "ferries reassured her."
        ),
        "the new ferries reassured her",
        "Ruth Adler",
        cue="saying",
        alone=False,
    ),
    case(
        "though-he-added-that-after-a-trailing-attribution",
        (
            "“The delay hurts us a little,” said harbour chief Per Dahl, though he added that "
            "he expected the ferries to return soon."
        ),
        "he expected the ferries to return soon",
        "Per Dahl",
        kind="indirect",
        cue="added",
        alone=False,
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_statement(case: Case):
    found = suggest(case.text, known_speakers=case.known_speakers)
    if case.alone:
        assert len(found) == 1, [(s.kind, frag_texts(case.text, s)) for s in found]
    statements = by_text(case.text, found)
    assert case.quote in statements, list(statements)
    s = statements[case.quote]
    assert s.speaker_name == case.speaker
    if case.kind:
        assert s.kind == case.kind
    if case.cue:
        assert s.cue == case.cue
    if case.via is not None:
        assert s.via == case.via
    if case.role is not None:
        assert s.speaker_role == case.role
    if case.mention:
        assert case.text[s.speaker_mention.start : s.speaker_mention.end] == case.mention


@pytest.mark.parametrize(
    "text",
    [
        "Pence said on CNN’s “State of the Union” that the tax plan was fair.",
        "On Tuesday’s episode of “The Harbour Morning Show,” the mayor said the ferry would run.",
        "Dahl was once host of “The Nightly Ferry with Per Dahl.”",
        "The two mayors are also taking part in “Ferry Day for the Islands,” a day of events.",
    ],
)
def test_a_programme_or_event_title_is_no_quote(text):
    quoted = text[text.index("“") + 1 : text.index("”")].rstrip(",.")
    for s in suggest(text):
        assert all(quoted not in text[f.start : f.end] for f in s.fragments), frag_texts(text, s)


def test_a_cue_in_a_relative_clause_with_its_own_subject_takes_no_content_before_it():
    text = (
        "Both mayors want a new ferry levy for the islands, an idea which Mayor Ruth Adler "
        "championed. “It is about time the islands were heard,” Per Dahl said."
    )
    found = suggest(text)
    assert [s.cue for s in found if s.speaker_name == "Ruth Adler"] == []
    assert (["It is about time the islands were heard,"], "Per Dahl") in [
        (frag_texts(text, s), s.speaker_name) for s in found
    ]


def test_cue_words_read_as_adjectives_and_nouns_are_no_cues():
    text = (
        "The vote comes ahead of the expected release of a congressional report.\n\n"
        "“The islands will not be forgotten, not this winter and not the next one.”"
    )
    found = suggest(text)
    assert [(s.cue, s.speaker_name) for s in found] == [("", "")]


def test_direct_quote_before_its_attribution():
    text = "“We will rebuild the bridge before winter,” Mayor Anna Berg said on Monday."
    s = only(text)
    assert s.kind == "direct"
    assert frag_texts(text, s) == ["We will rebuild the bridge before winter,"]
    assert s.speaker_name == "Anna Berg"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "Mayor Anna Berg"
    assert s.cue == "said"
    assert text[s.cue_span.start : s.cue_span.end] == "said"


def test_inverted_attribution_names_the_speaker_after_the_cue():
    text = "“Nobody expected the river to rise so fast,” said Maria Lopez, a local farmer."
    s = only(text)
    assert s.speaker_name == "Maria Lopez"
    assert text[s.speaker_mention.start : s.speaker_mention.end].startswith("Maria Lopez")


def test_statement_inside_a_statement_gives_two_nested_suggestions():
    text = (
        "Senator Ruth Adler said that Governor Mark Hale alleged that the audit had been falsified."
    )
    outer, inner = suggest(text)
    assert outer.speaker_name == "Ruth Adler" and outer.cue == "said"
    assert inner.speaker_name == "Mark Hale" and inner.cue == "alleged"
    assert frag_texts(text, inner) == ["the audit had been falsified"]
    assert outer.fragments[0].start <= inner.fragments[0].start
    assert inner.fragments[-1].end <= outer.fragments[-1].end


MARK_STYLES = pytest.mark.parametrize(
    ("opening", "closing"),
    [
        ('"', '"'),
        ("\u201c", "\u201d"),
        ("\u00ab", "\u00bb"),
        ("\u00bb", "\u00ab"),
        ("\u201e", "\u201c"),
        ("\u201e", "\u201d"),
        ("\u300c", "\u300d"),
        ("\u300e", "\u300f"),
    ],
    ids=[
        "straight",
        "curly",
        "guillemets",
        "reversed-guillemets",
        "low-high",
        "low-high-right",
        "corner-brackets",
        "white-corner-brackets",
    ],
)


@MARK_STYLES
def test_quotation_mark_styles(opening, closing):
    body = "The harvest was the best in twenty years,"
    text = f"{opening}{body}{closing} farmer Lena Vogt said."
    s = only(text)
    assert s.kind == "direct"
    assert frag_texts(text, s) == [body]
    assert s.speaker_name == "Lena Vogt"


@MARK_STYLES
def test_the_editors_guess_agrees_with_the_suggester(opening, closing):
    """A direct quote the suggester finds is one the editor's direct/indirect guess calls
    direct, whatever its quotation marks."""
    text = f"Mayor Anna Berg said: {opening}We will rebuild the bridge before winter.{closing}"
    s = only(text)
    assert s.kind == "direct"
    (fragment,) = s.fragments
    assert text[fragment.start : fragment.end] == "We will rebuild the bridge before winter."
    assert inside_quotation_marks(text, fragment.start, fragment.end)


def test_unbalanced_quotation_mark_does_not_swallow_the_article():
    text = (
        "“This sentence opens a quote that never closes, the mayor said.\n"
        "The council met on Tuesday.\n"
        "“The vote will happen next week,” council leader Ian Moss said.\n"
        "Residents left the meeting early."
    )
    found = suggest(text)
    for s in found:
        for f in s.fragments:
            assert "\n" not in text[f.start : f.end]
    direct = [s for s in found if s.kind == "direct"]
    assert [frag_texts(text, s) for s in direct] == [["The vote will happen next week,"]]
    assert direct[0].speaker_name == "Ian Moss"


def test_unbalanced_straight_mark_at_the_end_does_not_crash():
    assert isinstance(suggest('He said "this never ends'), list)
    assert suggest("") == []
    assert isinstance(suggest('"'), list)


def test_mixed_paraphrase_with_quoted_words():
    text = "Economist Raj Patel said the new tax was “a gift to the very richest families.”"
    s = only(text)
    assert s.kind == "mixed"
    assert frag_texts(text, s)[0].startswith("the new tax was")
    assert s.speaker_name == "Raj Patel"


def test_short_scare_quotes_are_not_proposed():
    text = "The so-called “reform” was announced with a “bold” slogan on Monday."
    assert suggest(text) == []


def test_nothing_is_proposed_inside_skipped_ranges():
    story = "“The bridge is safe for traffic again,” engineer Omar Haddad said.\n"
    appeal = "Dear readers, “support independent journalism today,” our editors said.\n"
    text = story + appeal
    found = suggest(text, skip=[(len(story), len(text))])
    assert len(found) == 1
    assert found[0].speaker_name == "Omar Haddad"


def test_results_are_sorted_by_first_fragment():
    text = (
        "“The first statement is right here,” Ann Lee said.\n"
        "Bob Day said that the second statement came later.\n"
    )
    starts = [s.fragments[0].start for s in suggest(text)]
    assert starts == sorted(starts) and len(starts) == 2


def test_offsets_are_code_points_with_emoji_and_accents():
    text = "🇺🇦 Café owner Zoë Ünal said: “Prices 😀 went up by a third this year.”"
    s = only(text)
    assert s.fragments == [Span(text.index("Prices"), len(text) - 1)]
    assert (
        text[s.fragments[0].start : s.fragments[0].end] == "Prices 😀 went up by a third this year."
    )
    assert s.speaker_name == "Zoë Ünal"


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("Pentagon spokesman Steven Warren", "Steven Warren"),
        ("Russian Defense Ministry spokesman Igor Konashenkov", "Igor Konashenkov"),
        ("Clinton's campaign manager, Robby Mook", "Robby Mook"),
        ("Robby Mook, Clinton's campaign manager", "Robby Mook"),
        ("Sen. Ted Cruz (R-Texas), who is running for president", "Ted Cruz"),
        ("Former Secretary of State Hillary Clinton", "Hillary Clinton"),
        ("Joel Pollak of Breitbart California", "Joel Pollak"),
        (
            "Stu Rothenberg of the non-partisan Rothenberg-Gonzales Political Report",
            "Stu Rothenberg",
        ),
        ("Phil Musser of digital consulting firm IMGE", "Phil Musser"),
        ("Mr. Morgan of the Sierra Club", "Morgan"),
        ("Secretary of State John Kerry", "John Kerry"),
        ("the former secretary of state", "the former secretary of state"),
        ("a lawyer based in Oslo", "a lawyer based in Oslo"),
        ("the president of France", "the president of France"),
        (
            "two officials at the Pentagon, who asked not to be named",
            "two officials at the Pentagon",
        ),
        ("the Pentagon's Steven Warren", "Steven Warren"),
        ("he", "he"),
        ("  Mr.  Donald J. Trump ", "Donald J. Trump"),
    ],
)
def test_speaker_name_from_source(source, name):
    assert speaker_name_from_source(source) == name


SEEDS = ROOT / "seeds"


def load_seed() -> tuple[str, dict]:
    """The sample article and its annotations, in the project's seed format."""
    doc = json.loads((SEEDS / "moscow-times-syria-strikes.json").read_text(encoding="utf-8"))
    text = (SEEDS / doc["article"]["body_file"]).read_text(encoding="utf-8")
    return text, doc


def test_seed_article_finds_the_gold_quotes_and_nothing_in_the_appeal():
    text, doc = load_seed()
    skip = [(b["start"], b["end"]) for b in doc["article"]["boilerplate"]]
    assert skip == [(1412, 2446)]
    found = suggest(text, skip=skip)
    for s in found:
        for f in s.fragments:
            assert f.end <= 1412, text[f.start : f.end]
    hits = 0
    for q in doc["quotes"]:
        (start, end), *_ = q["fragments"]
        for s in found:
            overlaps = any(f.start < end and start < f.end for f in s.fragments)
            if (
                overlaps
                and s.kind == q["kind"]
                and s.speaker_name == q["speaker"]
                and s.cue == q["cue"]
            ):
                hits += 1
                break
    assert len(doc["quotes"]) == 9
    assert hits >= 8


def test_seed_article_speaker_mentions_and_via():
    text, _ = load_seed()
    found = suggest(text, skip=[(1412, 2446)])
    by_start = {s.fragments[0].start: s for s in found}
    assert by_start[335].via == ["RIA Novosti"]
    assert by_start[682].via == ["Meduza"]
    assert by_start[1166].speaker_mention == Span(1249, 1251)  # "he"
    assert by_start[956].speaker_name == "Steven Warren"


# --------------------------------------------------------------------------- added patterns


def _inside_any(s: Suggestion, pos: int) -> bool:
    return any(f.start <= pos < f.end for f in s.fragments)


def by_text(text: str, found: list[Suggestion]) -> dict[str, Suggestion]:
    return {" | ".join(frag_texts(text, s)): s for s in found}


def test_pronoun_prefers_the_speaker_named_in_the_source():
    text = (
        "White House spokesman Josh Earnest said Obama was not targeting just Trump.\n\n"
        "“It is not uncommon to see a congressman talking about it,” he said."
    )
    direct = [s for s in suggest(text) if s.kind == "direct"]
    assert [s.speaker_name for s in direct] == ["Josh Earnest"]


def test_double_apostrophe_quotes_start_a_sentence():
    text = "Some thought he might nominate Mr. Obama. ''Wow, what a great idea,'' she said in Iowa."
    s = [x for x in suggest(text) if x.cue == "said"][0]
    assert frag_texts(text, s) == ["''Wow, what a great idea,''"]


def test_pronoun_resolves_to_a_subject_after_an_introductory_phrase():
    text = (
        "In virtually every policy realm, Donald Trump vowed a break with the past.\n\n"
        "“Americanism, not globalism, will be our credo,” he said."
    )
    direct = [s for s in suggest(text) if s.kind == "direct"]
    assert [s.speaker_name for s in direct] == ["Donald Trump"]


def test_pronoun_resolves_to_a_role_description():
    text = (
        "The candidate also continued to refute a story about his scholarship.\n\n"
        "“Those are the words that they would use,” he said."
    )
    direct = [s for s in suggest(text) if s.kind == "direct"]
    assert [s.speaker_name for s in direct] == ["The candidate"]


def test_speaker_name_of_a_description_keeps_its_relative_clause():
    source = "a Mexican official who was not authorized to speak publicly"
    assert speaker_name_from_source(source) == source
    assert speaker_name_from_source("Sen. Ted Cruz (R-Texas), who spoke") == "Ted Cruz"


def test_title_with_of_before_the_name():
    assert speaker_name_from_source("RNC Chief of Staff Katie Walsh") == "Katie Walsh"
    assert speaker_name_from_source("The retired neurosurgeon has") == "The retired neurosurgeon"


# --------------------------------------------------------------------- speakers of quotes


def test_a_short_label_or_title_in_quotes_is_not_a_direct_statement():
    text = 'The senator blasted the plan on Wednesday, calling it "absurd."'
    assert not [s for s in suggest(text) if s.kind == "direct"]
    text = 'Comedians are performing a popular play called "Sons of Trump," in Mexico City.'
    assert not [s for s in suggest(text) if s.kind == "direct"]
    text = '"Nobody was hurt," said Maria Zakharova.'
    assert only(text).speaker_name == "Maria Zakharova"


def test_he_or_she_never_stands_for_a_place():
    text = (
        "“We are trying to show some mercy to the bully,” said Dan Tripp. "
        "South Carolina, he said, was “where we have a chance to go mano a mano with Trump.”"
    )
    assert [s.speaker_name for s in suggest(text)] == ["Dan Tripp", "Dan Tripp"]


def test_a_sentence_subject_after_a_long_intro_or_with_a_party_tag_is_an_antecedent():
    text = (
        "“He is the best we have,” said Barack Obama. "
        "Speaking at a town hall event in Salem, New Hampshire, Donald Trump went after Bush. "
        "“He is a total stiff,” he said."
    )
    assert [s.speaker_name for s in suggest(text)][-1] == "Donald Trump"
    text = (
        "“He is the best we have,” said Barack Obama. "
        "Rep. Sean Duffy (R-Wisc.) also addressed the controversy on Thursday. "
        "“He was the most valuable player of the team,” he said."
    )
    assert [s.speaker_name for s in suggest(text)][-1] == "Sean Duffy"
    text = (
        "“He is the best we have,” said Barack Obama. Asked about fraud in the primaries, "
        "Michael Briggs, Sanders's spokesman, went on television. "
        "“Most state parties tried to do a good job,” he said."
    )
    assert [s.speaker_name for s in suggest(text)][-1] == "Michael Briggs"


def test_as_x_puts_it_gives_the_speaker_of_the_quote_after_it():
    text = (
        "As The Post's Dana Milbank puts it, \"Senate Republicans are unmoved, and liberal "
        'activists are uninspired."'
    )
    assert only(text).speaker_name.endswith("Dana Milbank")


@pytest.mark.parametrize("gap", [" ", "\n\n"])
def test_a_bare_attribution_before_a_quote_names_its_speaker(gap):
    text = (
        "The party disagreed.\n\n"
        f"Sam Lau, a spokesman, said in a statement on Tuesday.{gap}"
        "“There are no paper ballots to recount. The caucuses were a unique event.”"
    )
    s = by_text(text, suggest(text))[
        "There are no paper ballots to recount. The caucuses were a unique event."
    ]
    assert s.speaker_name == "Sam Lau" and s.cue == "said"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "Sam Lau"


def test_words_before_a_quote_that_ends_in_its_attribution_make_it_mixed():
    text = "The summit accomplished “too little,” he added on Twitter."
    s = only(text)
    assert s.kind == "mixed"
    assert text[s.fragments[0].start : s.fragments[0].end] == (
        "The summit accomplished “too little,”"
    )


def test_nouns_that_look_like_cues_take_no_speaker_away():
    text = (
        "“It was a sad moment for Europe,” said Donald Tusk, summing up talks on migration "
        "and a host of other challenges. “People are concerned about a loss of control.”"
    )
    assert {s.speaker_name for s in suggest(text)} == {"Donald Tusk"}
    text = (
        "The Republican nominee also outlined his cybersecurity plan and vowed to punish "
        "“those who violate classification rules.”"
    )
    assert only(text).speaker_name == "The Republican nominee"
    text = (
        "“They are wrong,” said Terry Strada. Many victims say the president’s claims are "
        "unfounded.\n\n“All we are asking for is an opportunity to go to court,” she said."
    )
    found = by_text(text, suggest(text))
    assert found["All we are asking for is an opportunity to go to court,"].speaker_name == (
        "Terry Strada"
    )


def test_a_possessive_before_an_adjective_makes_the_cue_a_noun():
    text = (
        "Donald Trump’s campaign is defending his early-morning tweets shaming Alicia "
        "Machado. It says the critics are wrong."
    )
    assert "his early-morning" not in {s.speaker_name for s in suggest(text)}


def test_the_one_who_asks_a_passive_question_speaks():
    text = (
        "Sanders was asked by host Bill Maher, who supports him, “Now, you famously said "
        "you were sick of hearing about the emails?”"
    )
    s = [s for s in suggest(text) if s.kind == "direct"]
    assert len(s) == 1 and s[0].speaker_name == "Bill Maher" and s[0].cue == "asked"


def test_an_attribution_after_a_quoted_phrase_starts_a_new_sentence():
    text = (
        "Early in his campaign, Trump attacked Romney, calling him “a failed candidate.” "
        "Romney fired back in March, attacking Trump for “the greed, the showing off, the "
        "absurd third grade theatrics” of his campaign."
    )
    theatrics = text.index("the greed")
    (s,) = [s for s in suggest(text) if _inside_any(s, theatrics)]
    assert s.speaker_name == "Romney" and s.cue == "fired back"


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "Asked why the administration didn’t follow Congress’s demand, Josh Earnest "
            "responded, “I think you have highlighted yet another example of dysfunction.”",
            "Josh Earnest",
        ),
        (
            "Asked Tuesday about Sullivan, Dianne Feinstein said \"I don't know anything about "
            'Jake Sullivan and the emails," she said.',
            "Dianne Feinstein",
        ),
    ],
)
def test_a_question_asked_before_the_answer_is_not_its_speaker(text, speaker):
    quote = text.index("I ")
    (s,) = [s for s in suggest(text) if _inside_any(s, quote)]
    assert s.speaker_name == speaker


def test_a_participle_after_a_quote_and_its_attribution_takes_that_speaker():
    text = (
        "Comey cannot say that “from his perspective,” Corey Lewandowski added, saying it "
        "should be “up to the prosecutor to move forward or not.”"
    )
    (s,) = [s for s in suggest(text) if _inside_any(s, text.index("up to the"))]
    assert s.speaker_name == "Corey Lewandowski" and s.cue == "saying"


def test_a_participle_subject_after_two_introductory_phrases():
    text = (
        "On Thursday, after remaining neutral throughout the primary process, Warren "
        "appeared with Rachel Maddow and endorsed Clinton, saying, “I think having a fighter "
        "in the lead is exactly what we need.”"
    )
    (s,) = [s for s in suggest(text) if _inside_any(s, text.index("I think"))]
    assert s.speaker_name == "Warren"


# --------------------------------------------------------------------------- case


def _quotes(text: str) -> list[tuple[str, list[tuple[int, int]], str]]:
    return [
        (s.kind, [(f.start, f.end) for f in s.fragments], s.speaker_name.casefold())
        for s in suggest(text)
    ]


@pytest.mark.parametrize("change", [str.upper, str.title], ids=["upper-case", "title-case"])
def test_seed_article_in_capitals_gives_the_same_quotes(change):
    text = (ROOT / "seeds" / "moscow-times-syria-strikes.txt").read_text(encoding="utf-8")
    changed = change(text)
    assert len(changed) == len(text)
    assert _quotes(changed) == _quotes(text)


def test_case_is_restored_only_for_texts_mostly_in_capitals():
    assert not needs_restoring("Igor Konashenkov said that the strikes went on. " * 5)
    assert needs_restoring("IGOR KONASHENKOV SAID THAT THE STRIKES WENT ON.")
    restored = restore_case("IGOR KONASHENKOV SAID THAT THE STRIKES WENT ON.")
    assert restored == "Igor Konashenkov said that the strikes went on."


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """What ``manage.py train_suggester`` builds from PolNeAR's train split, once."""
    out = tmp_path_factory.mktemp("trained")
    call_command(
        "train_suggester", "--output-dir", str(out), stdout=io.StringIO(), stderr=io.StringIO()
    )
    return out


@pytest.mark.corpus
def test_shipped_vocabulary_is_what_train_suggester_builds(trained):
    assert (trained / VOCABULARY_FILE.name).read_bytes() == VOCABULARY_FILE.read_bytes()


@pytest.mark.corpus
def test_shipped_acceptance_weights_are_what_train_suggester_builds(trained):
    pytest.importorskip("sklearn", reason="training the acceptance filter needs scikit-learn")
    assert (trained / WEIGHTS_FILE.name).read_bytes() == WEIGHTS_FILE.read_bytes()


def _weights(tmp_path, weights, threshold=0.5):
    path = tmp_path / f"weights-{len(list(tmp_path.iterdir()))}.json"  # read once per path
    path.write_text(json.dumps({"direct": {"threshold": threshold, "weights": weights}}))
    return path


def _direct(text, found):
    return [[text[f.start : f.end] for f in s.fragments] for s in found if s.kind == "direct"]


def test_acceptance_filter_drops_the_direct_quotes_it_scores_under_the_threshold(tmp_path):
    text = (
        '"We will build a new bridge over the river," the mayor said, and later added: '
        '"It will not come cheap." The mayor said that the council would pay for it.'
    )
    found = suggest(text, filtered=False)
    assert _direct(text, found) == [
        ["We will build a new bridge over the river,", "It will not come cheap."]
    ]
    # a statement's later fragments score low, everything else high
    path = _weights(tmp_path, {"bias": 5.0, "later_fragment": -10.0})
    kept = accept(text, suggest(text, filtered=False), path)
    assert _direct(text, kept) == [["We will build a new bridge over the river,"]]
    # a statement that loses every fragment goes; the others stay
    kept = accept(text, suggest(text, filtered=False), _weights(tmp_path, {"bias": -5.0}))
    assert _direct(text, kept) == []
    assert [s.kind for s in kept] == [s.kind for s in found if s.kind != "direct"]


def test_acceptance_filter_keeps_everything_without_weights(tmp_path):
    text = 'Lau said: "The harbour will reopen on Monday morning."'
    found = suggest(text, filtered=False)
    assert accept(text, list(found), tmp_path / "missing.json") == found


def test_acceptance_filter_is_a_dot_product_and_a_sigmoid():
    assert probability({"bias": 1.0, "log_words": 2.0}, {"bias": 0.5, "log_words": -0.25}) == 0.5
    assert probability({"bias": 1.0}, {"bias": 1000.0}) > 0.99
    assert probability({"other": 1.0}, {"bias": 3.0}) == 0.5


def test_shipped_acceptance_weights_are_readable_and_stable():
    model = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["direct"]
    assert 0 < model["threshold"] < 1
    assert set(model["weights"]) >= {"bias", "log_words", "many_paragraphs", "title_like"}
    assert WEIGHTS_FILE.read_text(encoding="utf-8") == weights_json(
        json.loads(WEIGHTS_FILE.read_text())
    )


def test_nouns_and_adverbs_that_look_like_stance_cues_are_no_cues():
    text = (
        "After the harbour attacks, the mayor beat back a challenge from the council. "
        "Her comments drew praise, and she now has 300 pledged delegates."
    )
    assert not [s.cue for s in suggest(text)]


def test_inside_a_statement_only_speech_is_a_statement_of_its_own():
    text = (
        "The mayor said that residents want a new bridge, that the council read the plan "
        "and that the council said it agreed."
    )
    nested = [s.cue for s in suggest(text) if s.cue != "said" or s.speaker_name != "The mayor"]
    assert "want" not in nested
    assert "read" not in nested
    assert "said" in nested


def test_state_maintain_and_attack_on_as_nouns_or_without_a_clause_are_no_cues():
    text = (
        "Voters in New York state turned out early. She maintained her lead in the polls. "
        "The attack on the depot was investigated."
    )
    assert not [s.cue for s in suggest(text)]


def test_a_capitalised_cue_in_a_name_is_no_headline_cue():
    assert not suggest("The Islamic State Says Nothing\nThe group was quiet.")


def test_only_a_verb_of_saying_takes_its_speaker_after_it():
    text = (
        "Tom Berg, the older and far more cautious brother of the famous mountain guide "
        "Ola Berg, endorsed the harbour plan in November."
    )
    found = suggest(text)
    assert [frag_texts(text, s) for s in found] == [["the harbour plan in November"]]


def test_a_named_description_after_said_is_its_speaker():
    text = "Fares will rise in May, said lobbyist and harbour strategist Ann Lie, a former aide."
    found = suggest(text)
    assert [frag_texts(text, s) for s in found] == [["Fares will rise in May"]]


def test_cues_inside_a_sentence_quoted_in_two_apostrophes_are_part_of_the_quote():
    text = "Mr. Lund spoke. ''That does not seem fair if we want a vote.'' The party disagreed."
    assert not suggest(text)


def test_a_relative_clause_before_a_colon_names_no_speaker():
    text = (
        "And how about this new headline from the Harbour Herald, which hits islanders "
        "where they live: “Ferry promises are now the measure of truth.”"
    )
    assert only(text).speaker_name == ""
