"""Sahabat: answers questions about the Central Java – Chungcheongbuk-do partnership."""

LANGUAGES = ("id", "ko", "en")
MESSAGE_LIMIT = 4096       # characters in one Telegram message: longer replies are split, answers warned about
