"""Interface texts from gettext catalogs (read with Babel), and locale negotiation.

Knowledge-base answers are not here: they live in the YAML. Catalogs are compiled from the `.po`
files when the `.mo` is missing or older (the `.mo` files are never committed), and a missing
catalog stops start-up rather than quietly showing English.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import NamedTuple

from babel import Locale, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot import LANGUAGES

DOMAIN = "messages"


class CatalogError(RuntimeError):
    pass


def _(message: str) -> str:
    """Mark a message for extraction; translate it later with `Catalogs.gettext`."""
    return message


def compile_catalog(po_path: Path) -> bytes:
    with po_path.open("rb") as fp:
        catalog = read_po(fp)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def compile_all(locales_dir: Path) -> list[Path]:
    """Write every `.mo` next to its `.po` (build and start-up step)."""
    written = []
    for lang in LANGUAGES:
        po = Path(locales_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not po.is_file():
            raise CatalogError(f"missing translation catalog {po}")
        mo = po.with_suffix(".mo")
        mo.write_bytes(compile_catalog(po))
        written.append(mo)
    return written


class Plural(NamedTuple):
    """A message whose form depends on a count: its singular and plural msgids."""
    singular: str
    plural: str


def ngettext(singular: str, plural: str) -> Plural:
    """Mark a message with plural forms for extraction (Babel's default `ngettext` keyword reads the
    first two arguments); a Notice carrying it is translated later with `Translator.ngettext`."""
    return Plural(singular, plural)


class Translator:
    """The interface texts of one language.

    `t(msgid)` translates a message; `t.ngettext(singular, plural, n)` picks the form for the count
    `n` by the catalog's own Plural-Forms rule (Indonesian and Korean have one form, English two), so
    "{count} group" / "{count} groups" is one message with plural entries, never "group(s)". `t.lang`
    is the Babel locale code for the dates and numbers that fill the placeholders. Translate first,
    format after: `t.ngettext("{count} file", "{count} files", n).format(count=n)`.
    """

    def __init__(self, translations: gettext.NullTranslations, lang: str) -> None:
        self.translations = translations
        self.lang = lang

    @classmethod
    def untranslated(cls, lang: str = "en") -> Translator:
        """The msgids as written, with English plural forms (tests, tools without catalogs)."""
        return cls(gettext.NullTranslations(), lang)

    def __call__(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)


class Catalogs:
    def __init__(self, locales_dir: Path):
        self.translations: dict[str, Translations] = {}
        for lang in LANGUAGES:
            po = Path(locales_dir) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
            mo = po.with_suffix(".mo")
            if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
                data = mo.read_bytes()
            elif po.is_file():
                data = compile_catalog(po)
            else:
                raise CatalogError(f"missing translation catalog for {lang!r}: {po} "
                                   "(the locales directory is incomplete)")
            self.translations[lang] = Translations(io.BytesIO(data), domain=DOMAIN)

    def gettext(self, lang: str, message: str) -> str:
        return self.translations.get(lang, self.translations["en"]).gettext(message)

    def for_language(self, lang: str) -> Translator:
        """The texts of `lang` (English for a language without a catalog)."""
        return Translator(self.translations.get(lang, self.translations["en"]), lang if lang in self.translations
                          else "en")


def negotiate(language_code: str | None, default: str = "en") -> str:
    """Telegram's `language_code` → one of our languages, else `default`.

    Case and separator do not matter ('ko', 'KO', 'ko-KR', 'ko_kr', 'ID', 'pt-br'); 'in', the old ISO
    code for Indonesian that some clients still send, counts as 'id'.
    """
    if not language_code:
        return default
    code = language_code.strip().replace("-", "_").lower()
    base = code.split("_")[0]
    if base == "in":
        code = base = "id"
    found = negotiate_locale([code, base], list(LANGUAGES), sep="_")
    return found.lower() if found and found.lower() in LANGUAGES else default


def language_name(lang: str) -> str:
    """The language's own name for itself: Bahasa Indonesia, 한국어, English."""
    return (Locale.parse(lang).get_display_name(lang) or lang).capitalize() if lang != "id" else "Bahasa Indonesia"
