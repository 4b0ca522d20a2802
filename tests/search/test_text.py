"""The analysis chain (search/text.py): folding, tokens, query plans and highlighting, with
property tests over any Unicode a title may hold."""

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from search.everyday import EVERYDAY
from search.text import (
    MAX_QUERY_LENGTH,
    SYNONYM_WEIGHT,
    core_tokens,
    everyday,
    fold,
    highlight,
    normalise_query,
    plan,
    tokens,
)


def test_full_width_traditional_and_case_fold_to_one_form():
    assert fold("ＳＣＬ－９０") == "scl-90"
    assert fold("壓力與溝通") == "压力与沟通"
    assert tokens("ＳＣＬ") == tokens("scl") == ["scl"]
    assert tokens("壓力") == tokens("压力") == ["压力"]


def test_one_character_stays_a_token_and_longer_runs_are_bigrams():
    assert tokens("压") == ["压"]
    assert tokens("压力调适") == ["压力", "力调", "调适"]
    assert core_tokens("情绪管理") == ["情绪", "管理"]
    assert core_tokens("心理学") == ["心理", "理学"]


def test_punctuation_symbols_and_emoji_are_no_words():
    for text in ("！！", "？？？", "……", "😀😀", "<>", "—"):
        assert tokens(text) == [] and plan(text).empty


def test_a_query_is_cut_never_refused_and_loses_control_characters():
    assert normalise_query("压力\x00睡眠") == "压力 睡眠"
    assert len(normalise_query("压" * 10_000)) == MAX_QUERY_LENGTH
    assert normalise_query("  \t\n ") == ""


def test_a_long_pasted_text_needs_only_part_of_its_tokens_and_brings_synonyms():
    text = "最近加班很多，晚上睡不着，白天开会走神，想学点缓解压力、改善睡眠的办法。"
    wanted = plan(text)
    assert wanted.long and 2 <= wanted.need < len(tokens(text))
    assert "睡眠" in wanted.terms  # from 睡不着


def test_an_everyday_expression_inside_a_word_also_matches_the_courses_words():
    wanted = plan("老是控制不住脾气")
    (options,) = wanted.words
    assert tuple(core_tokens("老是控制不住脾气")) in options  # the cadre's own words first
    assert ("情绪", "调节") in options and ("愤怒",) in options
    # The course-side words count in ranking, at the synonyms' lower weight.
    assert {"情绪", "调节", "愤怒"} <= set(wanted.terms) and "愤怒" in wanted.synonyms
    assert SYNONYM_WEIGHT < 1


def test_a_pasted_text_brings_the_words_of_its_everyday_expressions():
    text = "最近换岗到了新单位，很多事情不熟悉，和同事也处不好，心里没底，晚上总是早醒。"
    wanted = plan(text)
    assert wanted.long
    assert {"角色", "适应", "人际", "焦虑", "睡眠"} <= set(wanted.terms)


def test_the_everyday_lexicon_is_in_the_folded_form_queries_take():
    for key, others in EVERYDAY.items():
        assert len(key) >= 2, key  # one character inside a word would match too much
        assert fold(key) == key and tokens(key), key
        assert others and all(fold(other) == other and tokens(other) for other in others), key
    assert everyday("今天天气不错") == []


def test_the_dotted_capital_i_is_highlighted_as_one_character():
    # "İ".lower() is two characters: a highlighter working on text.lower() would be off by one.
    assert highlight("İ管理", ["管理"]) == "İ<em>管理</em>"
    assert highlight("管理İ管理", ["管理"]) == "<em>管理</em>İ<em>管理</em>"


def test_traditional_text_is_marked_for_a_simplified_term():
    assert highlight("壓力管理", tokens("压力")) == "<em>壓力</em>管理"


@settings(max_examples=300)
@given(st.text(min_size=0, max_size=40), st.sampled_from(["压力", "管理", "scl", "i", "ss", "a"]))
def test_a_highlight_never_breaks_a_character_and_wraps_what_matched(text, term):
    marked = highlight(text, [term])
    # Removing the marks gives back the text, escaped, character for character.
    assert re.sub(r"</?em>", "", marked) == html.escape(text)
    # Every marked stretch folds to text containing the term, and no mark is empty.
    for inside in re.findall(r"<em>(.*?)</em>", marked):
        assert inside
        assert term in fold(html.unescape(inside))
    # Where the folded text holds the term, something is marked.
    if term in fold(text):
        assert "<em>" in marked
