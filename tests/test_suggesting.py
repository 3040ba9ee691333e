"""The quote suggester on small articles written for each pattern, and on the seed article."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotations.suggesting import Span, Suggestion, speaker_name_from_source, suggest

ROOT = Path(__file__).resolve().parent.parent


def frag_texts(text: str, s: Suggestion) -> list[str]:
    return [text[f.start : f.end] for f in s.fragments]


def only(text: str, **kwargs) -> Suggestion:
    found = suggest(text, **kwargs)
    assert len(found) == 1, [(s.kind, frag_texts(text, s)) for s in found]
    return found[0]


def test_direct_quote_before_its_attribution():
    text = "“We will rebuild the bridge before winter,” Mayor Anna Berg said on Monday."
    s = only(text)
    assert s.kind == "direct"
    assert frag_texts(text, s) == ["We will rebuild the bridge before winter,"]
    assert s.speaker_name == "Anna Berg"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "Mayor Anna Berg"
    assert s.cue == "said"
    assert text[s.cue_span.start : s.cue_span.end] == "said"


def test_direct_quote_after_its_attribution():
    text = "Finance minister Paul Okafor said: “The budget is balanced for the first time.”"
    s = only(text)
    assert s.kind == "direct"
    assert frag_texts(text, s) == ["The budget is balanced for the first time."]
    assert s.speaker_name == "Paul Okafor"
    assert s.cue == "said"


def test_inverted_attribution_names_the_speaker_after_the_cue():
    text = "“Nobody expected the river to rise so fast,” said Maria Lopez, a local farmer."
    s = only(text)
    assert s.speaker_name == "Maria Lopez"
    assert text[s.speaker_mention.start : s.speaker_mention.end].startswith("Maria Lopez")


def test_quote_split_by_its_attribution_is_one_suggestion_with_two_fragments():
    text = (
        "Rescue teams worked through the night.\n"
        "“We found four people alive,” Chief Tom Reyes said. “More teams arrive tomorrow.”"
    )
    s = only(text)
    assert s.kind == "direct"
    assert frag_texts(text, s) == ["We found four people alive,", "More teams arrive tomorrow."]
    assert s.speaker_name == "Tom Reyes"


def test_quote_split_inside_one_sentence():
    text = "“The plan is sound,” she said, “but the money is not there yet.”"
    s = only(text, known_speakers=None)
    assert frag_texts(text, s) == ["The plan is sound,", "but the money is not there yet."]


def test_according_to():
    text = "The factory will close in March, according to union leader Jan Novak."
    s = only(text)
    assert s.kind == "indirect"
    assert frag_texts(text, s) == ["The factory will close in March"]
    assert s.cue == "according to"
    assert s.speaker_name == "Jan Novak"


def test_according_to_at_the_start_of_the_sentence():
    text = "According to the police report, the driver was not injured."
    s = only(text)
    assert frag_texts(text, s) == ["the driver was not injured"]
    assert s.speaker_name == "the police report"


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


def test_pronoun_resolves_to_the_person_last_named():
    text = (
        "Health Minister Olga Petrova visited the hospital on Friday.\n"
        "“The new wing will open in spring,” she said."
    )
    s = only(text)
    assert s.speaker_name == "Olga Petrova"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "she"


def test_surname_expands_to_the_full_name_first_introduced():
    text = (
        "Pentagon spokesman Steven Warren briefed reporters.\n"
        "“We saw no such strikes in the area at all,” Warren said."
    )
    s = only(text)
    assert s.speaker_name == "Steven Warren"


def test_known_speakers_give_the_canonical_name():
    text = "“We hit the targets we had planned for today,” Konashenkov said."
    s = only(text, known_speakers={"Igor Konashenkov": ["Konashenkov", "I. Konashenkov"]})
    assert s.speaker_name == "Igor Konashenkov"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [('"', '"'), ("\u201c", "\u201d"), ("\u00ab", "\u00bb"), ("\u201e", "\u201c")],
    ids=["straight", "curly", "guillemets", "low-high"],
)
def test_quotation_mark_styles(opening, closing):
    body = "The harvest was the best in twenty years,"
    text = f"{opening}{body}{closing} farmer Lena Vogt said."
    s = only(text)
    assert s.kind == "direct"
    assert frag_texts(text, s) == [body]
    assert s.speaker_name == "Lena Vogt"


def test_apostrophes_inside_quotes_are_not_quotation_marks():
    text = "“We don’t know the mayor’s plan and it's not our job,” Kim O'Neil said."
    s = only(text)
    assert frag_texts(text, s) == ["We don’t know the mayor’s plan and it's not our job,"]
    assert s.speaker_name == "Kim O'Neil"


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


def test_indirect_speech_with_that():
    text = "Police chief Dana Cole said that the road would reopen on Sunday."
    s = only(text)
    assert s.kind == "indirect"
    assert frag_texts(text, s) == ["the road would reopen on Sunday"]
    assert s.speaker_name == "Dana Cole"


def test_indirect_speech_after_the_content():
    text = "The road will reopen on Sunday, police chief Dana Cole said."
    s = only(text)
    assert s.kind == "indirect"
    assert frag_texts(text, s) == ["The road will reopen on Sunday"]
    assert s.speaker_name == "Dana Cole"


def test_accused_of():
    text = "Opposition leader Vera Lind accused the government of hiding the report."
    s = only(text)
    assert s.kind == "indirect"
    assert s.cue == "accused"
    assert frag_texts(text, s) == ["the government of hiding the report"]


def test_mixed_paraphrase_with_quoted_words():
    text = "Economist Raj Patel said the new tax was “a gift to the very richest families.”"
    s = only(text)
    assert s.kind == "mixed"
    assert frag_texts(text, s)[0].startswith("the new tax was")
    assert s.speaker_name == "Raj Patel"


def test_via_outlet_after_the_attribution():
    text = "“Two convoys crossed the border overnight,” Colonel Ivan Sorokin said, RIA Novosti reported."
    s = only(text)
    assert s.speaker_name == "Ivan Sorokin"
    assert s.via == ["RIA Novosti"]


def test_via_news_agency_phrase():
    text = (
        "Minister Olga Petrova said that the talks had failed, "
        "the Interfax news agency reported Thursday."
    )
    s = only(text)
    assert frag_texts(text, s) == ["the talks had failed"]
    assert s.via == ["Interfax"]


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
        ("the former secretary of state", "the former secretary of state"),
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


def test_name_before_its_apposition_is_the_speaker():
    text = (
        "“We will keep the plant open,” Anna Berg, president of the Harbor Workers Union, "
        "said on Monday."
    )
    assert only(text).speaker_name == "Anna Berg"


def test_age_and_hometown_appositions_are_skipped():
    text = (
        "“I have never voted before,” Tom Reyes, 29, of Ames, Iowa, said. "
        "“This year is different for everyone.”"
    )
    s = only(text)
    assert s.speaker_name == "Tom Reyes"
    assert len(s.fragments) == 2


def test_relative_clause_before_the_cue_keeps_the_name():
    text = "“The polls are tightening fast,” Nate Silver, the analyst who founded the site tweeted."
    assert only(text).speaker_name == "Nate Silver"


def test_abbreviated_title_after_the_cue():
    text = "“The bill will pass this week,” said Rep. Jim Clyburn (D-S.C.), a party leader."
    assert only(text).speaker_name == "Jim Clyburn"


def test_attribution_after_a_quote_ending_with_a_full_stop():
    text = "The crowd went quiet.\n\n“We will win this state and the next one.” Berg said."
    s = only(text)
    assert s.speaker_name == "Berg"
    assert s.cue == "said"


def test_parenthetical_attribution_before_a_quote():
    text = "Instead, Axelrod said, “she started as the favorite and then came the humbling.”"
    s = only(text)
    assert s.kind == "direct"
    assert s.speaker_name == "Axelrod"


def test_colon_at_the_end_of_the_previous_paragraph():
    text = (
        "Senator Ted Cruz continued:\n\n"
        "“You look at the questions and you see why people do not trust the media.”"
    )
    s = only(text)
    assert s.speaker_name == "Ted Cruz"
    assert s.cue == "continued"


def test_name_and_colon_before_a_quote():
    text = "Election roundup - Philip Bump: “The strongest territory had been the South.”"
    assert only(text).speaker_name == "Philip Bump"


def test_dash_line_after_a_quote():
    text = "“The idea that I would dismantle health care is just not accurate.”\n\n- Sanders."
    assert only(text).speaker_name == "Sanders"


def test_pronoun_prefers_the_speaker_named_in_the_source():
    text = (
        "White House spokesman Josh Earnest said Obama was not targeting just Trump.\n\n"
        "“It is not uncommon to see a congressman talking about it,” he said."
    )
    direct = [s for s in suggest(text) if s.kind == "direct"]
    assert [s.speaker_name for s in direct] == ["Josh Earnest"]


def test_participle_after_an_introductory_phrase():
    text = (
        "Instead, the Vermont senator is sticking to his message, "
        "saying that the campaign will win in Nashua."
    )
    s = only(text)
    assert s.speaker_name == "the Vermont senator"


def test_impression_without_a_source():
    text = "Mr. Trump leads in Florida; the race appears closer in Ohio and in Missouri."
    s = only(text)
    assert s.kind == "indirect"
    assert frag_texts(text, s) == ["the race appears closer in Ohio and in Missouri"]
    assert s.speaker_name == ""
    assert s.cue == "appears"


def test_declined_to_comment():
    text = "The campaign of the senator declined to comment on the report."
    s = only(text)
    assert s.kind == "indirect"
    assert s.cue == "declined"


def test_headline_with_a_colon():
    text = "Poll: Trump and Clinton hold narrow leads in Pennsylvania.\n\nMore text follows here."
    s = only(text)
    assert s.kind == "indirect"
    assert s.speaker_name == "Poll"
    assert frag_texts(text, s) == ["Trump and Clinton hold narrow leads in Pennsylvania"]


def test_object_of_a_preposition_is_the_content():
    text = "Earlier this week, the senator called for a full investigation of the deal."
    s = only(text)
    assert s.kind == "indirect"
    assert frag_texts(text, s) == ["a full investigation of the deal"]
    assert s.cue == "called for"
    assert s.speaker_name == "the senator"


def test_noun_with_a_that_clause():
    text = "The senator repeated his claim that the election was rigged against him."
    s = only(text)
    assert frag_texts(text, s) == ["the election was rigged against him"]
    assert s.cue == "claim that"


def test_intention_with_an_infinitive():
    text = "Governor Anna Berg plans to return to Iowa next week."
    s = only(text)
    assert frag_texts(text, s) == ["to return to Iowa next week"]
    assert s.speaker_name == "Anna Berg"


def test_stance_with_a_one_word_object():
    text = "Senator Pat Toomey has not endorsed Trump."
    s = only(text)
    assert frag_texts(text, s) == ["Trump"]
    assert s.cue == "endorsed"


def test_a_share_of_voters_as_the_source():
    text = "Two in three said they are less likely to vote for the party in November."
    s = only(text)
    assert frag_texts(text, s) == ["they are less likely to vote for the party in November"]
    assert s.speaker_name == "three"


def test_description_after_the_cue_keeps_its_modifiers():
    text = "“It was not a convincing argument,” said one Democrat familiar with the talks."
    s = only(text)
    assert s.speaker_name == "one Democrat familiar with the talks"


def test_description_stops_before_the_circumstances():
    text = "“We will not back down,” said a spokesman for the campaign in a statement."
    s = only(text)
    assert s.speaker_name == "a spokesman for the campaign"


def test_double_apostrophe_quotes_start_a_sentence():
    text = "Some thought he might nominate Mr. Obama. ''Wow, what a great idea,'' she said in Iowa."
    s = [x for x in suggest(text) if x.cue == "said"][0]
    assert frag_texts(text, s) == ["''Wow, what a great idea"]


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


def test_addressee_before_a_quote_is_skipped():
    text = "Canova wrote to his 20,000 Twitter followers, “It is time to end her career for good.”"
    s = only(text)
    assert s.kind == "direct"
    assert s.speaker_name == "Canova"
    assert s.cue == "wrote"


def test_clause_subject_before_a_colon_speaks_the_quote():
    text = "Rubio fired back forcefully: “If they sue us in a court in Miami, they will lose.”"
    s = only(text)
    assert s.kind == "direct"
    assert s.speaker_name == "Rubio"


def test_asked_whether_is_a_reported_question():
    text = "Asked whether he would run again, Smith said he had not decided yet."
    found = by_text(text, suggest(text))
    assert found["whether he would run again"].cue == "asked"
    assert found["he had not decided yet"].speaker_name == "Smith"


def test_title_with_of_before_the_name():
    assert speaker_name_from_source("RNC Chief of Staff Katie Walsh") == "Katie Walsh"
    assert speaker_name_from_source("The retired neurosurgeon has") == "The retired neurosurgeon"


# --------------------------------------------------------------------- speakers of quotes


def test_subject_of_the_quotes_own_clause_speaks_it():
    # no reporting cue: the subject of the clause holding the quote is its speaker
    text = (
        "Former Arkansas Gov. Mike Huckabee, for his part, is labeling the actions "
        "“a blatant, belligerent abuse of power.”"
    )
    s = only(text)
    assert s.kind == "direct"
    assert s.speaker_name == "Mike Huckabee"


def test_short_clause_after_a_quote_with_an_unknown_verb():
    text = (
        "The vote failed on Monday.\n\n“If they were serious about this, they would have gone "
        "to the bipartisan bill,” the senator grumbled."
    )
    s = only(text)
    assert s.speaker_name == "the senator"
    assert s.cue == "grumbled"
    text = "“Gun owners should leave their weapons at home,” sniffed the Plain Dealer."
    assert only(text).speaker_name == "Plain Dealer"


def test_cue_opening_the_sentence_before_its_speaker():
    text = "Roof should have been stopped. Said Comey, “We are all sick that this happened.”"
    s = only(text)
    assert s.kind == "direct"
    assert s.speaker_name == "Comey"
    assert s.cue == "Said"


def test_subject_with_apposition_is_not_a_trailing_speaker():
    # "X, an expert, says Libya is ...": Libya is no speaker of "X, an expert"
    text = (
        "Michael O'Hanlon, a foreign policy expert at the Brookings Institution, says Libya is "
        "the biggest trouble spot for Clinton."
    )
    s = only(text)
    assert s.speaker_name == "Michael O'Hanlon"
    assert frag_texts(text, s) == ["Libya is the biggest trouble spot for Clinton"]


def test_first_name_of_a_chain_of_appositions_wins():
    text = (
        "Alixandria Lapp, executive director of the House Majority PAC, a Democratic super PAC, "
        "said the Republicans are in trouble."
    )
    s = only(text)
    assert s.speaker_name == "Alixandria Lapp"


def test_description_after_the_cue_and_possessive_speakers():
    text = (
        "“There never was a stand-down order,” said the base chief known as Bob, speaking "
        "publicly for the first time."
    )
    assert only(text).speaker_name == "the base chief"
    text = "“He did write her an email memo about his account,” Powell’s office said."
    assert only(text).speaker_name == "Powell’s office"


def test_participle_after_an_introductory_phrase_and_after_a_cue():
    text = (
        "Later on Sunday, Carson shared a syllabus on his Facebook page, writing “Allow me also "
        "to do the research for the reporter.”"
    )
    assert only(text).speaker_name == "Carson"
    text = (
        "Ryan and Trump will meet next week, Spicer said, adding, “They need to sit down and "
        "have a good talk.”"
    )
    found = by_text(text, suggest(text))
    assert found["They need to sit down and have a good talk."].speaker_name == "Spicer"


def test_pronoun_resolves_to_a_describing_speaker():
    text = (
        "The retired neurosurgeon acknowledged that his past would be examined.\n\n"
        "“I have no problem with being vetted at all,” he said."
    )
    found = by_text(text, suggest(text))
    assert found["I have no problem with being vetted at all,"].speaker_name == (
        "The retired neurosurgeon"
    )


def test_more_reporting_verbs():
    text = "“I will not be the one who breaks this party apart,” Silverman interjected."
    assert only(text).speaker_name == "Silverman"
    text = "“Our revolution has already forced her to change her mind,” read the email."
    assert only(text).speaker_name == "the email"
    text = "“Better watch out for illegal conduct by Grimes,” tweeted another."
    assert only(text).speaker_name == "another"


def test_bare_quote_far_from_any_attribution_borrows_the_last_speaker():
    text = (
        "Mayor Anna Berg spoke at the opening on Monday.\n\n“We built this bridge for all of "
        "you,” Berg said.\n\nThe crowd cheered.\n\nThe bridge cost $4 million.\n\n“It is the "
        "best bridge we have ever had in this town.”"
    )
    found = by_text(text, suggest(text))
    assert found["It is the best bridge we have ever had in this town."].speaker_name == (
        "Anna Berg"
    )


def test_participle_keeps_the_sentence_subject_after_a_stance_cue():
    text = (
        "Kasich bemoaned America's reputation around the world, saying that foreigners "
        "“look at these debates and they laugh at us.”"
    )
    found = by_text(text, suggest(text))
    assert found["look at these debates and they laugh at us."].speaker_name == "Kasich"
    text = (
        "Gowdy did not release further details about the interviews, saying only that "
        "“we will talk to many more people.”"
    )
    assert only(text).speaker_name == "Gowdy"


def test_description_with_a_relative_clause_after_the_cue_runs_to_its_end():
    text = (
        "“That is exactly the man we need,” said the man who built his political career on his "
        "blue collar credentials."
    )
    assert only(text).speaker_name == (
        "the man who built his political career on his blue collar credentials"
    )
    text = "“We are heartbroken by this loss,” his family said."
    assert only(text).speaker_name == "his family"


def test_unknown_verbs_around_a_quote_still_give_its_speaker():
    text = (
        "A footnote in the report makes that clear: “These assessments do not apply to the "
        "system used by the principals.”"
    )
    assert only(text).speaker_name == "the report"
    text = "“Jeb wants to be a tough guy tonight,” Trump shot back."
    assert only(text).speaker_name == "Trump"
    text = (
        "“She said that ‘I know the difference between having the House and not,’” "
        "Rep. Jim McDermott said."
    )
    assert only(text).speaker_name == "Jim McDermott"


def test_a_short_label_or_title_in_quotes_is_not_a_direct_statement():
    text = 'The senator blasted the plan on Wednesday, calling it "absurd."'
    assert not [s for s in suggest(text) if s.kind == "direct"]
    text = 'Comedians are performing a popular play called "Sons of Trump," in Mexico City.'
    assert not [s for s in suggest(text) if s.kind == "direct"]
    text = '"Nobody was hurt," said Maria Zakharova.'
    assert only(text).speaker_name == "Maria Zakharova"


def test_a_statement_announced_at_the_end_of_the_paragraph_before_after_a_clause():
    text = (
        "When Wallace died in 1998, President Clinton released the following statement:\n\n"
        "“Hillary and I offer our condolences to the family and friends of George Wallace.”"
    )
    assert only(text).speaker_name == "Clinton"


def test_another_commenter_or_person_is_a_speaker():
    text = "Another commenter said, “We all know how she feels about the police.”"
    assert only(text).speaker_name == "Another commenter"
    text = "Another person tweeted: “EPIC Troll at Hillary town hall, still from the CNN clip.”"
    assert only(text).speaker_name == "Another person"


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


def test_a_web_address_in_an_apposition_does_not_end_the_attribution():
    text = (
        "“Clinton needs a strategy for targeting these voters,” Nate Silver, the polling guru "
        "who founded fivethirtyeight.com tweeted on Wednesday."
    )
    found = by_text(text, suggest(text))
    assert found["Clinton needs a strategy for targeting these voters,"].speaker_name == (
        "Nate Silver"
    )


def test_he_or_she_never_stands_for_a_newspaper_or_a_network():
    text = (
        "Ruth Bader Ginsburg spoke again on Monday.\n\n"
        "In an interview with The New York Times, she joked about moving to New Zealand. "
        "“He has no consistency about him at all,” she said."
    )
    found = by_text(text, suggest(text))
    assert found["He has no consistency about him at all,"].speaker_name == "Ruth Bader Ginsburg"


def test_a_signature_line_after_a_quote_ends_at_its_paragraph():
    text = (
        "Not every claim could be checked.\n\n"
        "“Almost all new income and wealth is going to the top 1 percent.”\n\n"
        "- Bernie Sanders.\n\n"
        "The senator is relying on an outdated statistic."
    )
    found = by_text(text, suggest(text))
    s = found["Almost all new income and wealth is going to the top 1 percent."]
    assert s.speaker_name == "Bernie Sanders"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "Bernie Sanders"


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


def test_apposition_without_its_closing_comma_keeps_the_name_as_speaker():
    text = (
        "Anthony Anton, president and CEO of the Washington Restaurant Association stated, "
        "“It’s not a political problem; it’s a math problem.”"
    )
    assert only(text).speaker_name == "Anthony Anton"
    text = (
        "Sam Lau, the communications director for the Iowa Democratic Party said in a "
        "statement. “There are no paper ballots to recount. The caucuses were unique.”"
    )
    s = only(text)  # and no statement whose content is the name "Sam Lau"
    assert s.speaker_name == "Sam Lau" and s.kind == "direct"


def test_a_describing_speaker_ends_where_its_relative_clause_is_joined_by_a_verb():
    text = (
        "“He was handled so lightly there is not a whole lot you can do,” said a former "
        "official who oversaw counterintelligence investigations and described the email "
        "controversy as “a lesser set of concerns.”"
    )
    assert only(text).speaker_name == (
        "a former official who oversaw counterintelligence investigations"
    )


def test_words_before_a_quote_that_ends_in_its_attribution_make_it_mixed():
    text = "The summit accomplished “too little,” he added on Twitter."
    s = only(text)
    assert s.kind == "mixed"
    assert text[s.fragments[0].start : s.fragments[0].end] == (
        "The summit accomplished “too little,”"
    )


def test_a_contracted_pronoun_is_resolved():
    text = (
        "Donald Trump spoke in Pennsylvania on Friday.\n\n"
        "He’s claiming that voting fraud is “a big, big problem in this country.”"
    )
    s = only(text)
    assert s.speaker_name == "Donald Trump"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "He"


def test_delegate_is_a_title():
    text = "“This is a waste of time,” said Del. Stacey Plaskett of the Virgin Islands."
    assert only(text).speaker_name == "Stacey Plaskett"


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


def test_any_verb_of_saying_after_a_question_keeps_the_attribution_in_its_sentence():
    text = "“Why isn’t this proof that the bank is too big to manage?” Vitter demanded."
    s = only(text)
    assert s.speaker_name == "Vitter" and s.cue == "demanded"


def test_a_singer_is_a_speaker():
    text = (
        "In a clip for Mary J. Blige’s upcoming Apple Music show The 411, Blige sings "
        "Bruce Springsteen’s “American Skin” to Hillary Clinton.\n\n"
        "“Promise mama you’ll keep your hands in sight,” Blige sings to Clinton before "
        "asking her, “Where do we go from here?”"
    )
    found = by_text(text, suggest(text))
    s = found["Promise mama you’ll keep your hands in sight, | Where do we go from here?"]
    assert s.speaker_name == "Mary J. Blige" and s.cue == "sings"


def test_a_date_written_with_a_slash_stays_in_the_description():
    text = "“They are 100 percent wrong,” said 9/11 widow Terry Strada."
    assert only(text).speaker_name == "Terry Strada"


def test_a_cue_needing_a_quote_may_take_it_after_a_comma():
    text = (
        "“They are wrong,” said Terry Strada.\n\n"
        "She continued, “For us, all we are asking for is an opportunity to go to court.”"
    )
    s = by_text(text, suggest(text))[
        "For us, all we are asking for is an opportunity to go to court."
    ]
    assert s.speaker_name == "Terry Strada" and s.cue == "continued"


def test_a_clause_after_said_is_no_trailing_speaker():
    text = (
        "Aparna Mathur, who studies tax policy at the American Enterprise Institute, said "
        "Ivanka Trump's statement didn't clarify the matter.\n\n"
        '"I don\'t see details about who is left out, who is eligible," she said.'
    )
    found = by_text(text, suggest(text))
    assert found["Ivanka Trump's statement didn't clarify the matter"].speaker_name == (
        "Aparna Mathur"
    )
    assert found["I don't see details about who is left out, who is eligible,"].speaker_name == (
        "Aparna Mathur"
    )


def test_a_pronoun_looks_past_an_introductory_phrase_for_the_subject():
    text = (
        "In an interview with Trending Today USA, Norman Ham made it clear he had "
        "misgivings.\n\n"
        "“Now that I don’t have to be politically correct anymore,” he told the host, "
        "“it was demoralizing to work for Obama.”"
    )
    assert only(text).speaker_name == "Norman Ham"


def test_a_plural_subject_is_kept_whole_before_a_participle():
    text = (
        "In a column, two Democratic speechwriters implored her to bring it back, arguing "
        "that it agitated Trump."
    )
    found = by_text(text, suggest(text))
    assert found["it agitated Trump"].speaker_name == "two Democratic speechwriters"


def test_a_straight_opening_mark_may_be_closed_by_a_curly_one():
    text = (
        '"Oz has a huge bully pulpit,” said David Gorski, a professor of surgery. '
        "“He can’t simply dispense with facts he doesn’t find convenient.”"
    )
    s = only(text)
    assert frag_texts(text, s) == [
        "Oz has a huge bully pulpit,",
        "He can’t simply dispense with facts he doesn’t find convenient.",
    ]
    assert s.speaker_name == "David Gorski"


def test_a_plural_noun_followed_by_of_is_part_of_the_subject():
    text = (
        "Small groups of protesters marched through the streets around the stadium while "
        'chanting, "Hands up, don\'t shoot."'
    )
    assert only(text).speaker_name == "Small groups of protesters"


def test_a_possessive_before_an_adjective_makes_the_cue_a_noun():
    text = (
        "Donald Trump’s campaign is defending his early-morning tweets shaming Alicia "
        "Machado. It says the critics are wrong."
    )
    assert "his early-morning" not in {s.speaker_name for s in suggest(text)}


def test_as_a_source_put_it_after_a_quote_names_the_speaker():
    text = (
        "The requirement for the program is a “lawful source of investment income,” as a "
        "Homeland Security memo put it."
    )
    s = by_text(text, suggest(text))["lawful source of investment income,"]
    assert s.speaker_name == "a Homeland Security memo" and s.cue == "put"


def test_a_participle_in_an_introductory_phrase_is_no_cue():
    text = (
        "In a Facebook message posted Friday, Cruz said he has had “areas of significant "
        "disagreement” with Trump."
    )
    s = only(text)
    assert s.speaker_name == "Cruz" and s.cue == "said"


def test_who_issued_a_statement_speaks_through_it():
    text = (
        "After a meeting, the Security Council issued a statement calling the test “a clear "
        "violation and in flagrant disregard” of its resolutions."
    )
    assert only(text).speaker_name == "Security Council"


def test_a_described_speaker_with_a_relative_clause_before_said_and_a_comma():
    text = (
        "Although there is no such overlap, a White House official who spoke anonymously "
        'to discuss internal strategy said Wednesday, "Certainly there are discussions '
        'between the White House and the campaign."'
    )
    assert only(text).speaker_name == "a White House official"


def test_went_on_continues_a_quote():
    text = (
        "“You know, it happens, right?” Trump went on, as if he didn’t hear her. “But you "
        "gotta get over it.”"
    )
    s = only(text)
    assert s.speaker_name == "Trump" and s.cue == "went on"
    assert len(s.fragments) == 2


def test_as_a_speaker_with_an_apposition_put_it_before_a_colon():
    text = (
        "As John Cornyn, the No. 2 in the GOP leadership, put it: “This person will not be "
        "confirmed. So there's no reason to go through the motions.”"
    )
    assert only(text).speaker_name == "John Cornyn"


def test_the_one_who_asks_a_passive_question_speaks():
    text = (
        "Sanders was asked by host Bill Maher, who supports him, “Now, you famously said "
        "you were sick of hearing about the emails?”"
    )
    s = [s for s in suggest(text) if s.kind == "direct"]
    assert len(s) == 1 and s[0].speaker_name == "Bill Maher" and s[0].cue == "asked"


def test_a_noun_in_an_introductory_phrase_is_no_cue():
    text = "In a Facebook post after the speech, Beck wrote: “I couldn’t disagree with her more.”"
    assert only(text).speaker_name == "Beck"


def test_a_surname_expands_to_the_full_name_of_the_body_not_the_headline():
    text = (
        "Understated Perez raises political profile.\n\n"
        "Labor Secretary Thomas Perez packed up his papers.\n\n"
        "“I just do my day job,” Perez said."
    )
    assert only(text).speaker_name == "Thomas Perez"


def test_a_cue_in_a_subordinate_clause_leaves_the_main_clause_its_own_quote():
    text = (
        "When BlazeTV’s Glenn Beck asked the conservative who he thought would win, "
        "Dinesh D’Souza replied, “If I had to bet now, I would bet on Hillary.”"
    )
    found = by_text(text, suggest(text))
    s = found["If I had to bet now, I would bet on Hillary."]
    assert s.speaker_name == "Dinesh D’Souza" and s.cue == "replied"
    assert found["the conservative who he thought would win"].speaker_name == "Glenn Beck"


def test_a_possessive_subject_stands_for_its_owner():
    text = (
        "Donald Trump won the primaries.\n\n"
        "His standing improved after the shootings, and his call for “a total and complete "
        "ban on Muslims entering the country” drew crowds."
    )
    s = only(text)
    assert s.speaker_name == "Donald Trump"
    assert text[s.speaker_mention.start : s.speaker_mention.end] == "His"


def test_a_no_break_space_after_a_quote_changes_nothing():
    text = (
        "Trey Gowdy spoke on Tuesday.\n\n"
        "“If anyone wonders why the investigation is not yet complete, look at the "
        "emails,”\u00a0added Gowdy."
    )
    assert only(text).speaker_name == "Trey Gowdy"


def test_shot_back_is_a_cue():
    text = (
        "After Jerry Brown criticized Bill Clinton during a debate, Hillary shot back, "
        "“I suppose I could have chosen to bake cookies and have teas.”"
    )
    found = by_text(text, suggest(text))
    s = found["I suppose I could have chosen to bake cookies and have teas."]
    assert s.speaker_name == "Hillary" and s.cue == "shot back"


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


def test_a_titled_name_after_an_introductory_phrase_is_the_participle_subject():
    text = (
        "But the other candidate on the stage, former Secretary of State Hillary Clinton, "
        "drew a contrast, saying that concerns about job losses were not to be dismissed."
    )
    assert only(text).speaker_name == "Hillary Clinton"


def test_a_participle_after_a_document_needs_no_comma():
    text = (
        "Trump unleashed a series of tweets early Friday saying that rival Hillary Clinton "
        "had shown bad judgment in using Alicia Machado “as a paragon of virtue.”"
    )
    s = only(text)
    assert s.speaker_name == "Trump" and s.cue == "saying"


def test_a_place_after_of_belongs_to_the_speaker_before_it():
    text = (
        "Stacy Baker of Columbia, South Carolina says she thinks Cruz can win if he keeps "
        "“doing what he’s doing.”"
    )
    assert only(text).speaker_name == "Stacy Baker"


def test_states_after_a_number_is_a_noun():
    text = (
        "The Florida senator is telling reporters that he will have “a lot of delegates” "
        "after balloting in 11 states holding Republican contests."
    )
    assert only(text).speaker_name == "The Florida senator"


def test_a_cue_after_an_attribution_is_not_a_second_trailing_attribution():
    text = (
        "“Very good reporter, very good reporter this guy,” Billionaire Donald Trump, the "
        "frontrunner in South Carolina by a wide margin, said when he called on Boyle."
    )
    s = by_text(text, suggest(text))["Very good reporter, very good reporter this guy,"]
    assert s.speaker_name == "Donald Trump" and s.cue == "said"


def test_what_someone_said_is_not_a_speaker():
    text = 'Nothing the president said "will assuage people\'s fears," the Florida senator said.'
    assert only(text).speaker_name == "the Florida senator"


def test_a_participle_after_a_quote_and_its_attribution_takes_that_speaker():
    text = (
        "Comey cannot say that “from his perspective,” Corey Lewandowski added, saying it "
        "should be “up to the prosecutor to move forward or not.”"
    )
    (s,) = [s for s in suggest(text) if _inside_any(s, text.index("up to the"))]
    assert s.speaker_name == "Corey Lewandowski" and s.cue == "saying"


def test_shortly_after_opens_an_introductory_phrase():
    text = (
        "Shortly after Murphy’s conference call ended, Rubio’s campaign sent out a press "
        "release saying Murphy owes “Florida an explanation for voting against the funding.”"
    )
    assert only(text).speaker_name == "Rubio’s campaign"


def test_a_participle_subject_after_two_introductory_phrases():
    text = (
        "On Thursday, after remaining neutral throughout the primary process, Warren "
        "appeared with Rachel Maddow and endorsed Clinton, saying, “I think having a fighter "
        "in the lead is exactly what we need.”"
    )
    (s,) = [s for s in suggest(text) if _inside_any(s, text.index("I think"))]
    assert s.speaker_name == "Warren"
