"""Interface texts from gettext catalogs (read with Babel), and locale negotiation.

Knowledge-base answers are not here: they live in the YAML. Catalogs are compiled from the `.po`
files when the `.mo` is missing or older (the `.mo` files are never committed), and a missing
catalog stops start-up rather than quietly showing English.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

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

    def ngettext(self, lang: str, singular: str, plural: str, n: int) -> str:
        return self.translations.get(lang, self.translations["en"]).ngettext(singular, plural, n)

    def for_language(self, lang: str) -> Callable[[str], str]:
        return lambda message: self.gettext(lang, message)


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
