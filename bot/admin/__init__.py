"""Administration workflows, free of Telegram: knowledge administration, announcements, teaching.

Handlers (bot/telegram/) and the command line (bot/cli.py) call these services; the services check
nothing about Telegram, write the audit rows, and return plain values that the caller renders.
"""
