"""English inflections: a light suffix stemmer for questions and phrasings, and the inflected
forms of a name's spelling (so "governors" and "governor's" still find it)."""

from __future__ import annotations

from bot.text.wordlists import PROTECTED


def stem_english(word: str) -> str:
    if word in PROTECTED or len(word) < 4:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and len(word) > 4:
        return word[:-2]
    if word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def english_inflections(form: str) -> list[str]:
    """'hope' → hopes, hoped, hoping; 'governor' → governors (also fold's "governor's")."""
    last = form.split(" ")[-1]
    if len(last) < 3:
        return []
    stem = form[:-1] if last.endswith("e") else form
    variants = [form + "s", stem + "ed", stem + "ing"]
    if last.endswith(("s", "x", "ch", "sh")):
        variants.append(form + "es")
    return variants
