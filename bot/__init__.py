"""Sahabat: answers questions about the Central Java – Chungcheongbuk-do partnership."""

LANGUAGES = ("id", "ko", "en")
