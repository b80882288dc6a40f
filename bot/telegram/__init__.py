"""The Telegram side: thin handlers over the plain-Python engine. Only this package imports telegram."""
