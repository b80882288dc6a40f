"""The command line (`python -m bot`, `sahabat`) and the console conversation.

The top layer: may import every package below it; nothing imports it but `bot.__main__`."""
