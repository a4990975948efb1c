"""One logging set-up for pipeline stages and command-line tools."""

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: int = logging.INFO) -> None:
    """Log to stderr in one format; the core itself stays quiet below WARNING."""
    logging.basicConfig(level=level, format=FORMAT, force=True)
