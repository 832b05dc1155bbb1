"""The one error every reader raises: the file could not be read as a report at all.

It lives here, below :mod:`govdata.read`, so the format readers can raise it without
importing the read stage; :mod:`govdata.read` re-exports it as its public name.
"""

from __future__ import annotations


class ReadError(Exception):
    """The file could not be read as a report at all (missing, binary, undecodable, scanned)."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")

    def __reduce__(self):
        # Keeps the error intact when a worker process of `load(jobs=N)` sends it back.
        return (type(self), (self.source, self.reason, self.line))
