"""The one analysis chain, for indexing and for queries, on both backends.

Chinese has no spaces, so a word tokenizer sees 工作抗压训练 as one token and never finds
抗压 inside it. Like Elasticsearch's `cjk` analyzer, runs of CJK characters are cut into
overlapping bigrams (工作 作抗 抗压 压训 训练); a run of one character stays itself, so
a one-character query still finds something. Latin words and digits stay whole.

Before that, every character is folded on its own:
1. NFKC: full-width letters, digits and punctuation become their usual forms (ＳＣＬ → SCL);
2. traditional → simplified Chinese (壓力 → 压力), with OpenCC's dictionary shipped in
   its wheel (never fetched at run time);
3. lower case.
Folding character by character keeps a map from every folded character back to the one
it came from, so a highlight always wraps whole original characters, whatever Unicode
the text holds (İ lowers to two characters; the highlight still marks one).
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from math import ceil

import opencc

from search.everyday import EVERYDAY

# The page and the API cut a query here (characters, after trimming); never refused.
MAX_QUERY_LENGTH = 100

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
_CONVERTER = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def fold_char(ch: str) -> str:
    """One character, folded: NFKC, traditional → simplified, lower case."""
    folded = unicodedata.normalize("NFKC", ch)
    if _IS_CJK.search(folded):
        folded = "".join(_CONVERTER.convert(c) if _IS_CJK.match(c) else c for c in folded)
    return folded.lower()


def is_cjk(ch: str) -> bool:
    return bool(_IS_CJK.match(ch))


def fold_with_origins(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original one."""
    out: list[str] = []
    origins: list[int] = []
    for index, ch in enumerate(text):
        folded = fold_char(ch)
        out.append(folded)
        origins.extend([index] * len(folded))
    return "".join(out), origins


def fold(text: str) -> str:
    return "".join(fold_char(ch) for ch in text)


def normalise_query(query: str | None) -> str:
    """Trim, drop control characters (NUL too) and cap the length; never raises."""
    if not query:
        return ""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in str(query))
    return " ".join(cleaned.split())[:MAX_QUERY_LENGTH]


def tokens(text: str) -> list[str]:
    """Bigrams for CJK runs (a lone character stays itself), words for the rest; each once."""
    result: list[str] = []
    for run in _TOKEN.findall(fold(text)):
        if _IS_CJK.match(run):
            if len(run) == 1:
                result.append(run)
            else:
                result.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            result.append(run)
    seen: set[str] = set()
    return [t for t in result if not (t in seen or seen.add(t))]


def index_tokens(text: str) -> list[str]:
    """What an inverted index holds for a text: its tokens, and every CJK character on its
    own (a one-character query, 压, finds 抗压 and 压力)."""
    found = tokens(text)
    return list(dict.fromkeys([*found, *(ch for ch in fold(text) if _IS_CJK.match(ch))]))


def segmented(text: str) -> str:
    """Text as space-separated tokens, for search engines that split on spaces."""
    return " ".join(tokens(text))


def highlight(text: str, terms: list[str]) -> str:
    """The text, HTML-escaped, with every occurrence of a term (matched on the folded text)
    wrapped in <em>; marks always cover whole original characters."""
    folded, origins = fold_with_origins(text)
    marks = [False] * len(text)
    for term in terms:
        start = folded.find(term)
        while start != -1:
            for i in range(start, start + len(term)):
                marks[origins[i]] = True
            start = folded.find(term, start + 1)
    out, inside = [], False
    for ch, marked in zip(text, marks, strict=True):
        if marked and not inside:
            out.append("<em>")
        elif not marked and inside:
            out.append("</em>")
        inside = marked
        out.append(html.escape(ch))
    if inside:
        out.append("</em>")
    return "".join(out)


# Query plans -------------------------------------------------------------------------------

# Words a cadre types for the catalogue's topics, folded; each maps to other ways of saying
# it. Kept small and domain-specific (a synonym list is content: extend it with the courses).
SYNONYMS = {
    "减压": ["压力", "放松"],
    "解压": ["压力", "放松"],
    "失眠": ["睡眠"],
    "睡不着": ["睡眠", "失眠"],
    "抑郁": ["低落", "情绪"],
    "心情低落": ["情绪", "抑郁"],
    "低落": ["情绪"],
    "廉政": ["从政道德", "廉洁", "道德"],
    "廉洁": ["从政道德", "道德"],
    "工作家庭平衡": ["双重压力", "角色平衡", "家庭"],
    "家庭平衡": ["双重压力", "角色平衡"],
    "调动积极性": ["激励"],
    "积极性": ["激励"],
    "领导力": ["领导"],
    "倦怠": ["疲惫", "耗竭", "动力"],
    "心理筛查": ["心理自评", "量表"],
    "自我关爱": ["自我关怀", "关爱自己"],
    "焦虑": ["紧张", "担心"],
    "情绪管理": ["情绪调节", "情绪调适"],
    "沟通": ["谈心谈话", "倾听", "交流"],
    "沟通技巧": ["沟通", "谈心谈话", "倾听"],
    "抗压": ["减压", "压力"],
    "压力管理": ["减压", "放松", "压力调适"],
    "家庭": ["家人"],
    "求助意识": ["求助", "寻求帮助", "心理援助"],
    "舆情": ["舆论", "传播"],
    "人际": ["人际关系", "信任", "协作"],
    "人际关系": ["人际", "信任", "协作"],
}
SYNONYM_WEIGHT = 0.5
LONG_QUERY = 12  # tokens: beyond this a query is a pasted text, not words
LONG_SHOULD_MATCH = 0.1


def everyday(word: str) -> list[str]:
    """The course-side words for the everyday expressions inside a folded word or text
    (search/everyday.py): 控制不住脾气 → 情绪调节, 愤怒."""
    return list(
        dict.fromkeys(other for key, others in EVERYDAY.items() if key in word for other in others)
    )


def core_tokens(word: str) -> list[str]:
    """The tokens a word must contain: for a CJK run, the bigrams that tile it (情绪管理 →
    情绪 管理, not the joint 绪管, so 情绪 and 管理 found apart still count), the last one
    overlapping when the length is odd; Latin words and digits whole."""
    folded = fold(word)
    found = []
    for run in _TOKEN.findall(folded):
        if not _IS_CJK.match(run) or len(run) <= 2:
            found.append(run)
            continue
        starts = list(range(0, len(run) - 1, 2))
        if starts[-1] != len(run) - 2:
            starts.append(len(run) - 2)
        found.extend(run[i : i + 2] for i in starts)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Plan:
    """What a query asks for. Words (whitespace-separated; a pasted text is one "long"
    bag of tokens) each match through any of their alternatives (the word and its
    synonyms), an alternative when all its core tokens occur. A course matching more
    words ranks first; every token, joints and synonyms included, counts for ranking."""

    words: tuple[tuple[tuple[str, ...], ...], ...] = ()
    terms: tuple[str, ...] = ()  # for ranking and highlighting
    long: bool = False
    need: int = 0  # long queries: how many of the terms
    # Terms only a synonym brought: they count at SYNONYM_WEIGHT in ranking, so a course
    # with the cadre's own word ranks above one that only says it another way.
    synonyms: frozenset[str] = frozenset()
    # The words a synonym or an everyday expression added (睡不好 → 睡眠, 失眠), which the
    # page and the API name so a cadre sees why a course without their words is listed.
    related: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.terms


# The backend and the page (or the API) both read a query's plan: worked out once per text.
@lru_cache(maxsize=4096)
def plan(text: str) -> Plan:
    terms = tokens(text)
    if not terms:
        return Plan()
    if len(terms) > LONG_QUERY:
        need = max(2, ceil(LONG_SHOULD_MATCH * len(terms)))
        # Words of the synonym list inside the text bring their other forms for ranking
        # (睡不着 in a pasted paragraph also looks for 睡眠).
        folded = fold(text)
        related = [other for word, others in SYNONYMS.items() if word in folded for other in others]
        related += everyday(folded)
        extra = [token for other in related for token in tokens(other)]
        return Plan(
            terms=tuple(dict.fromkeys([*terms, *extra])),
            long=True,
            need=need,
            synonyms=frozenset(extra) - set(terms),
            related=_new_words(related, folded),
        )
    words = []
    ranked = list(terms)
    related = []
    for word in fold(text).split():
        if not tokens(word):
            continue
        alternatives = list(dict.fromkeys([word, *SYNONYMS.get(word, []), *everyday(word)]))
        options = tuple(tuple(core_tokens(alt)) for alt in alternatives if core_tokens(alt))
        words.append(options)
        related.extend(alternatives[1:])
        for alternative in alternatives[1:]:
            ranked.extend(tokens(alternative))
    return Plan(
        words=tuple(words),
        terms=tuple(dict.fromkeys(ranked)),
        synonyms=frozenset(ranked) - set(terms),
        related=_new_words(related, fold(text)),
    )


def _new_words(words: list[str], text: str) -> tuple[str, ...]:
    """The words, once each, leaving out those the folded query holds already."""
    return tuple(word for word in dict.fromkeys(words) if word not in text)
