"""The knowledge base as data: YAML files → KnowledgeBase, with every problem at file:line:column.

Imports `bot.text` and the ground constants only; knows no index, no store, no Telegram."""
