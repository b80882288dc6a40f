"""The Telegram edge: thin handlers (parse the update, call a service, render) over the plain-Python
services. The only package that imports `telegram`; may import every layer below it, not `bot.cli`."""
