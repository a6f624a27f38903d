"""Project commands: ``crawl`` (with argument checks and an exit status), ``cards``, ``article``."""
