"""Chinese-aware text handling shared by both backends.

Chinese has no spaces, so a word tokenizer sees 工作抗压训练 as one token and never
finds 抗压 inside it. Like Elasticsearch's `cjk` analyzer, we cut runs of CJK
characters into overlapping bigrams (工作 作抗 抗压 压训 训练); Latin words and
digits stay whole, lower-cased. Both backends use the same tokens, so they agree.
"""

import re

MAX_QUERY_LENGTH = 100
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def normalise_query(query: str | None) -> str:
    """Trim, cap the length and drop control characters; never raises."""
    if not query:
        return ""
    cleaned = "".join(ch for ch in str(query) if ch.isprintable())
    return cleaned.strip()[:MAX_QUERY_LENGTH]


def tokens(text: str) -> list[str]:
    """Bigrams for CJK runs (a lone character stays itself), words for the rest."""
    result: list[str] = []
    for run in _TOKEN.findall(text.lower()):
        if _IS_CJK.match(run):
            if len(run) == 1:
                result.append(run)
            else:
                result.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            result.append(run)
    seen: set[str] = set()
    return [t for t in result if not (t in seen or seen.add(t))]


def segmented(text: str) -> str:
    """Text as space-separated tokens, for search engines that split on spaces."""
    return " ".join(tokens(text))
