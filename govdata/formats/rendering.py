"""What every format reader returns: the lines of a report and where each line came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rendering:
    """A report rendered to lines (tables as tab-separated grid rows, see :mod:`govdata.formats.grid`).

    ``locators[i]`` says where ``lines[i]`` stands in the original file in words a person can
    follow ("HTML line 120, table 2 row 5", "paragraph 14", "page 3 line 7"); it is empty
    for plain text, where the line number already says it.
    """

    lines: list[str]
    locators: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    format: str = "text"
