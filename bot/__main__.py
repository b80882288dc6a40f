import sys

from bot.cli.entry import main

sys.exit(main())
