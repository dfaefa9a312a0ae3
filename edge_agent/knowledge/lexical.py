"""The lexical index: BM25 over jieba words, their pinyin, and Snowball-stemmed English words.

Each knowledge entry is indexed as several *views* (its body — title, section and text — and each of its
question phrasings); an entry scores the best of its views, so a short alternative phrasing is not drowned
by a long answer. Chinese is segmented by jieba (search mode, so 信用卡 also yields 信用); every Chinese word
of two or more characters is also indexed by its toneless pinyin (信用卡 → ``xinyongka``), which lets a
customer's pinyin fragment (``xinyongka nianfei多少``) and many homophone typos (信用咔 → ``xinyong``) match.
English words are lower-cased, function words dropped and the rest Snowball-stemmed (PyStemmer). The weights
are a sparse matrix rebuilt lazily after a change; a query is one sparse column gather.
"""
from __future__ import annotations

import functools
import math
import re
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from edge_agent.knowledge.text import normalise

TOKENIZER_VERSION = "1"
K1, B = 1.2, 0.75
WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[a-z]+|\d+(?:[.:]\d+)*")
# Chinese words that say nothing about which entry answers: particles, pronouns, question words.
ZH_STOP = frozenset("""的 了 吗 呢 啊 吧 么 嘛 呀 哦 哈 我 你 您 他 她 它 我们 你们 他们 是 在 有 和 与 及
就 都 也 还 要 能 会 可以 不 没 没有 这 那 这个 那个 个 些 一 一下 什么 怎么 怎么办 怎样 如何 哪 哪里
哪儿 谁 咋 啥 请问 请 想 想要 一个 能不能 可不可以 是不是 有没有 多少 几 该 应该 需要 得 地 着 过 给
让 把 被 对 从 到 嗯 哎 喂 呃""".split())
# English function words (bm25s ships only Lucene's 33; questions need pronouns and auxiliaries too).
EN_STOP = frozenset("""a an the and or but if so to of in on at by for with from into over about as is are was
were be been being am do does did done have has had get got i me my mine you your yours we us our they them
their he she his her it its this that these those there here what when where which who whom whose why how
can could will would shall should may might must not no yes please just also only more most much many
some any each all than then too very really want need let like know tell thanks thank hi hello ok okay""".split())


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)  # no "Building prefix dict" chatter in the service log
    return jieba


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=65536)
def _pinyin(word: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore"))


def tokens(text: str) -> list[str]:
    """The lexical tokens of a text (question or entry), in order, repeats kept."""
    out: list[str] = []
    stop, stem = EN_STOP, _stemmer()
    for piece in WORD.findall(normalise(text)):
        if "\u3400" <= piece[0] <= "\ufaff":
            for word in _jieba().lcut_for_search(piece):
                if word in ZH_STOP:
                    continue
                out.append(word)
                if len(word) >= 2:
                    out.append(stem.stemWord(_pinyin(word)))
        elif piece[0].isdigit():
            out.append(piece)
        elif piece not in stop and len(piece) > 1:
            out.append(stem.stemWord(piece))
    return out


@dataclass(frozen=True)
class LexicalMatch:
    """An entry's BM25 score (best view) and the idf-weighted share of the question's tokens it contains."""

    entry_id: str
    score: float
    coverage: float
    missing: float = 1.0  # idf of the rarest question token the entry lacks, over the largest possible idf


class LexicalIndex:
    """BM25 over the views of every entry. Thread-safe; rebuilt lazily after add/remove."""

    def __init__(self) -> None:
        self._views: dict[str, list[list[str]]] = {}  # entry id -> token lists of its views
        self._lock = threading.Lock()
        self._built: _Built | None = None

    def __len__(self) -> int:
        return len(self._views)

    def set_entry(self, entry_id: str, views: Sequence[Sequence[str]]) -> None:
        """Index (or re-index) an entry from its views' token lists."""
        with self._lock:
            self._views[entry_id] = [list(v) for v in views if v]
            self._built = None

    def remove_entries(self, entry_ids: Iterable[str]) -> None:
        """Forget entries (unknown ids are ignored)."""
        with self._lock:
            for entry_id in entry_ids:
                self._views.pop(entry_id, None)
            self._built = None

    def search(self, query: Sequence[str], k: int, allowed: frozenset[str] | None = None,
               exclude_views: frozenset[tuple[str, int]] = frozenset()) -> list[LexicalMatch]:
        """The k best entries for the query tokens (``allowed``: only these entry ids).

        ``exclude_views``: (entry id, view number) pairs left out, for leave-one-out calibration.
        """
        built = self._build()
        if built is None or not query:
            return []
        return built.search(query, k, allowed, exclude_views)

    def restore_pinyin(self, text: str) -> str:
        """A Chinese question with pinyin fragments and homophone typos written as the knowledge base's words.

        ``xinyongka nianfei多少`` → ``信用卡 年费多少`` and ``信用咔怎么申请`` → ``信用卡怎么申请`` when the
        knowledge base has 信用卡 and 年费: a Latin word, or a run of two to four Chinese characters that is
        not itself a knowledge-base word, whose toneless pinyin spells one becomes that word. (The dense
        search cannot read pinyin or see through a homophone; the lexical index matches both this way too.)
        """
        built = self._build()
        if built is None:
            return text
        mapping = built.pinyin_words()
        stem = _stemmer()

        def latin(match: re.Match[str]) -> str:
            word = match.group(0)
            found = mapping.get(stem.stemWord(word.lower()))
            return f" {found} " if found else word

        def han(match: re.Match[str]) -> str:
            run, out, i = match.group(0), [], 0
            while i < len(run):
                for size in (4, 3, 2):
                    piece = run[i:i + size]
                    if len(piece) == size and piece not in built.vocab:
                        found = mapping.get(stem.stemWord(_pinyin(piece)))
                        if found and len(found) == size:
                            out.append(found)
                            i += size
                            break
                else:
                    out.append(run[i])
                    i += 1
            return "".join(out)

        text = re.sub(r"[A-Za-z]{4,}", latin, text)
        return re.sub(r"[\u3400-\u9fff]{2,}", han, text).strip()

    def _build(self) -> "_Built | None":
        with self._lock:
            if self._built is None and self._views:
                self._built = _Built(self._views)
            return self._built


class _Built:
    """The frozen sparse BM25 matrix (views × vocabulary) and the view → entry map."""

    def __init__(self, views: dict[str, list[list[str]]]) -> None:
        from scipy import sparse

        self.entries = list(views)
        vocab: dict[str, int] = {}
        rows, cols, tfs, lengths, owner, number = [], [], [], [], [], []
        entry_tokens: list[set[int]] = []
        for e, entry_id in enumerate(self.entries):
            seen: set[int] = set()
            for n, view in enumerate(views[entry_id]):
                r = len(lengths)
                counts: dict[int, int] = {}
                for tok in view:
                    col = vocab.setdefault(tok, len(vocab))
                    counts[col] = counts.get(col, 0) + 1
                for c, tf in counts.items():
                    rows.append(r), cols.append(c), tfs.append(tf)
                seen.update(counts)
                lengths.append(len(view))
                owner.append(e)
                number.append(n)
            entry_tokens.append(seen)
        self.vocab = vocab
        self.owner = np.asarray(owner, dtype=np.int64)
        self.view_index = {(self.entries[o], n): i for i, (o, n) in enumerate(zip(owner, number))}
        n_views = len(lengths)
        # document frequency over entries (an entry with the word in three views counts once)
        df = np.zeros(len(vocab), dtype=np.float64)
        for seen in entry_tokens:
            df[list(seen)] += 1
        n_entries = max(len(self.entries), 1)
        self.idf = np.log(1.0 + (n_entries - df + 0.5) / (df + 0.5))
        length = np.asarray(lengths, dtype=np.float64)
        avg = float(length.mean()) if n_views else 1.0
        tf = np.asarray(tfs, dtype=np.float64)
        r = np.asarray(rows, dtype=np.int64)
        c = np.asarray(cols, dtype=np.int64)
        weight = self.idf[c] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * length[r] / avg))
        self.matrix = sparse.csc_matrix((weight, (r, c)), shape=(n_views, len(vocab)))
        presence = sparse.csc_matrix((np.ones_like(weight), (self.owner[r], c)), shape=(n_entries, len(vocab)))
        presence.data[:] = 1.0
        self.presence = presence
        self._pinyin: dict[str, str] | None = None

    def pinyin_words(self) -> dict[str, str]:
        """Pinyin (stemmed, as indexed) → the most frequent Chinese word spelt so (computed once)."""
        if self._pinyin is None:
            stem = _stemmer()
            df = np.asarray(self.presence.sum(axis=0)).ravel()
            best: dict[str, tuple[float, str]] = {}
            for word, col in self.vocab.items():
                if len(word) >= 2 and "\u3400" <= word[0] <= "\ufaff":
                    key = stem.stemWord(_pinyin(word))
                    if key and (key not in best or df[col] > best[key][0]):
                        best[key] = (float(df[col]), word)
            english = {w for w in self.vocab if w.isascii() and w.isalpha()} - set(best)
            self._pinyin = {k: w for k, (_, w) in best.items() if k not in english}
        return self._pinyin

    def search(self, query: Sequence[str], k: int, allowed: frozenset[str] | None,
               exclude_views: frozenset[tuple[str, int]]) -> list[LexicalMatch]:
        cols = [self.vocab[t] for t in dict.fromkeys(query) if t in self.vocab]
        total_idf = sum(_unknown_idf(len(self.entries)) if t not in self.vocab else float(self.idf[self.vocab[t]])
                        for t in dict.fromkeys(query))
        if not cols or total_idf <= 0:
            return []
        view_scores = np.asarray(self.matrix[:, cols].sum(axis=1)).ravel()
        for key in exclude_views:
            if key in self.view_index:
                view_scores[self.view_index[key]] = 0.0
        best = np.zeros(len(self.entries), dtype=np.float64)
        np.maximum.at(best, self.owner, view_scores)
        sub = self.presence[:, cols]
        cover = np.asarray(sub @ self.idf[cols]).ravel() / total_idf
        if allowed is not None:
            mask = np.fromiter((e in allowed for e in self.entries), dtype=bool, count=len(self.entries))
            best = np.where(mask, best, 0.0)
        top = [int(i) for i in np.argsort(-best)[:k] if best[i] > 0]
        unknown = _unknown_idf(len(self.entries))
        absent = unknown if any(t not in self.vocab for t in query) else 0.0
        out = []
        for i in top:
            have = sub[i].toarray().ravel() > 0
            lacking = [float(self.idf[c]) for c, h in zip(cols, have) if not h]
            out.append(LexicalMatch(self.entries[i], round(float(best[i]), 4), round(float(cover[i]), 4),
                                    round(max([absent, *lacking]) / unknown, 4)))
        return out


def _unknown_idf(n_entries: int) -> float:
    """The idf of a token no entry contains (it still counts against coverage)."""
    return math.log(1.0 + (n_entries + 0.5) / 0.5)
