"""Sahabat: answers questions about the Central Java – Chungcheongbuk-do partnership.

Layers, each importing only those below it (tests/test_layers.py holds it):
  ground      bot (these constants), memory, config, i18n, store, ratelimit, stop_request
  text/       language tools that know no base
  knowledge/  YAML files → KnowledgeBase + problems at file:line
  engine/     KnowledgeBase → Engine; question → Reply
  outbox      groups, announcements, deliveries, reminders
  admin/      Telegram-free administration services
  telegram/   the edge: the only package that imports telegram
  cli/        the command line and the console
"""

LANGUAGES = ("id", "ko", "en")
MESSAGE_LIMIT = 4096       # characters in one Telegram message: longer replies are split, answers warned about
