"""Administration workflows, free of Telegram: the current engine and its reloads
(knowledge_service), knowledge administration, teaching, announcements, unanswered questions.

Handlers (bot/telegram/) and the command line (bot/cli/) call these services; the services check
nothing about Telegram, write the audit rows, and return plain values that the caller renders.
Imports the engine, the knowledge base, the outbox and the ground; never Telegram.
"""
