"""The answer engine: KnowledgeBase → Engine (index + calibrated decision); question → Reply.

Imports `bot.knowledge`, `bot.text`, `bot.i18n` and the ground constants; never the store, the
administration services or Telegram."""
