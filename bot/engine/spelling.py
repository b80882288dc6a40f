"""Spelling correction against a knowledge base's vocabulary: one edit away (in jamo for Korean),
two for long Latin words, or a known word that a word extends or shortens by a suffix."""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections import defaultdict
from typing import AbstractSet, Any, Mapping, Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from bot.engine.bm25 import has_hangul

_LATIN_VOWEL = re.compile(r"[aeiouy]")
MIN_LATIN_TYPO_LENGTH = 4   # shorter words have too many neighbours; real words are never corrected (bot.text.lexicon)


class Spelling:
    """Built once per index from its words (`words[i]` is term id i), their document frequencies,
    the languages of the phrasings using each, and the analyzer's single-word names."""

    def __init__(self, words: Sequence[str], vocabulary: Mapping[str, int], df: np.ndarray,
                 token_langs: Mapping[int, AbstractSet[str]], single_word_names: Mapping[str, str]):
        self.words, self.vocabulary, self.df, self.token_langs = words, vocabulary, df, token_langs
        self.sorted_latin = sorted(w for w in words if not w.startswith("@") and not has_hangul(w))
        # Each form one delete away from a known word → that word's id, or the ids in the order found
        # when several share it. Most have one: a bare id keeps half a million lists out of memory.
        self.deletes: dict[str, int | list[int]] = {}
        self.long_latin: dict[int, list[str]] = defaultdict(list)
        # A misspelt name ('chungbok') corrects to the name's token first.
        corrections = {form: vocabulary[token] for form, token in single_word_names.items() if token in vocabulary}
        for word in words:
            if not word.startswith("@"):
                corrections.setdefault(word, vocabulary[word])
        self.correction_target: dict[str, int] = {}
        self.group_forms: dict[int, list[str]] = defaultdict(list)   # a name's or group's spellings
        deletes, get = self.deletes, self.deletes.get
        for word, token_id in corrections.items():
            hangul = has_hangul(word)
            form = unicodedata.normalize("NFD", word) if hangul else word      # `_typo_form`
            if len(form) < 4 or word.isdigit():
                continue
            self.correction_target[form] = token_id
            if words[token_id].startswith("@"):
                self.group_forms[token_id].append(form)
            keys = _deletes(form)
            keys.add(form)
            for key in keys:
                known = get(key)
                if known is None:
                    deletes[key] = token_id
                elif isinstance(known, int):
                    deletes[key] = [known, token_id]
                else:
                    known.append(token_id)
            if not hangul and len(form) >= 7:
                self.long_latin[len(form)].append(form)

    def __getstate__(self) -> dict[str, Any]:
        """For the engine cache: the deletes' half a million keys as one text and their ids as one
        array, so pickling does not write, and remember, each key and list on its own."""
        state = self.__dict__.copy()
        joined = "\0".join(self.deletes)
        if joined.count("\0") == len(self.deletes) - 1:       # no key holds the separator
            ids, several = array("q"), list[list[int]]()
            for known in self.deletes.values():
                if isinstance(known, int):
                    ids.append(known)
                else:
                    ids.append(-1 - len(several))
                    several.append(known)
            state["deletes"] = (joined, ids, several)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if isinstance(state["deletes"], tuple):
            joined, ids, several = state["deletes"]
            state["deletes"] = dict(zip(joined.split("\0"), (i if i >= 0 else several[-1 - i] for i in ids)))
        self.__dict__.update(state)

    def prefix_match(self, token: str) -> int | None:
        """A known word that this one extends or shortens by a suffix: the shortest such."""
        if len(token) < 5:
            return None
        stem = token[: max(4, int(len(token) * 0.7))]
        start = bisect.bisect_left(self.sorted_latin, stem)
        best = None
        for word in self.sorted_latin[start:start + 50]:
            if not word.startswith(stem):
                break
            if (token.startswith(word) or word.startswith(token)) and (best is None or len(word) < len(best)):
                best = word
        return self.vocabulary[best] if best else None

    def exact(self, token: str) -> int | None:
        """The name or synonym group one of whose spellings this token is (a stem such as
        'tandatangan' of 'penandatangan', whose spellings the text matched only unstemmed)."""
        return self.correction_target.get(_typo_form(token))

    def correct(self, token: str, lang: str) -> int | None:
        """The known word one edit away (in jamo for Korean), from phrasings of the same language:
        an English 'number' must not become the Indonesian 'sumber'."""
        form = _typo_form(token)
        if len(form) < (4 if has_hangul(token) else MIN_LATIN_TYPO_LENGTH) or token.isdigit():
            return None
        if not has_hangul(token) and not _LATIN_VOWEL.search(token):
            return None     # a skeleton such as 'mksd' (maksud) is a chat abbreviation, not a typo
        found: set[int] = set()
        for key in _deletes(form) | {form}:
            known = self.deletes.get(key)
            if isinstance(known, int):
                found.add(known)
            elif known is not None:
                found.update(known)
        best, best_df = None, -1
        for token_id in found:
            word = self.words[token_id]
            if not word.startswith("@") and lang not in self.token_langs[token_id]:
                continue
            # One edit: two forms that share a delete may be two apart ('spai' and 'said').
            targets = self.group_forms.get(token_id, ()) if word.startswith("@") else (_typo_form(word),)
            if all(OSA.distance(form, target) > 1 for target in targets):
                continue
            if self.df[token_id] > best_df:
                best, best_df = token_id, int(self.df[token_id])
        if best is not None or has_hangul(token) or len(form) < 7:
            return best
        pool = [w for size in range(len(form) - 2, len(form) + 3) for w in self.long_latin.get(size, ())]
        for match, _, _ in process.extract(form, pool, scorer=Levenshtein.distance, score_cutoff=2, limit=5):
            token_id = self.correction_target[match]
            if self.words[token_id].startswith("@") or lang in self.token_langs[token_id]:
                return token_id
        return None


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _typo_form(token: str) -> str:
    return unicodedata.normalize("NFD", token) if has_hangul(token) else token
