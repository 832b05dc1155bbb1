"""Report metadata: which agency, which statistics year, and the agency registry.

Why here and not in the tables parser: metadata comes from the title lines and the
统计期限 sentence, which every template has, and the agency registry (data/agencies.csv)
is what makes one agency's reports comparable across years when its name is printed
differently (晋江市经济开发区 in a title, 福建晋江经济开发区管理委员会 in the letterhead).

Example:
    >>> read_title_and_year(["福建某某管理委员会文件", "", "某某区 2019 年政府信息公开 工作年度报告"]).agency
    '某某区'
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from govdata import paths
from govdata.normalize import label_key, normalize_text

_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})年度?(?:的)?政府信息公开(?:工作)?(?:年度)?报告")
_TITLE_MARK = re.compile(r"政府信息公开(?:工作)?(?:年度)?报告")
# 统计期限自 2019 年 1 月 1 日至 2019 年 12 月 31 日 / 统计期限从2020年1月1日至12月31日
_PERIOD = re.compile(r"统计期限.{0,12}?(?P<year>(?:19|20)\d{2})年1月1日")
_PERIOD_LOOSE = re.compile(r"(?P<year>(?:19|20)\d{2})年1月1日(?:起)?,?(?:至|到)(?:(?P=year)年)?12月31日")
_LETTERHEAD = re.compile(r"^(?P<name>.{2,40}?)(?:文件|文件$)$")
_TITLE_SEARCH_LINES = 25


@dataclass(frozen=True)
class TitleInfo:
    """What the first lines say: agency name and year of the title, letterhead name, lines."""

    agency: str | None
    agency_line: int | None
    title_year: int | None
    letterhead: str | None


@dataclass(frozen=True)
class Agency:
    """A row of the agency registry."""

    agency_id: str
    name: str
    level: str
    parent: str | None
    is_known: bool = True


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", normalize_text(text))


def read_title_and_year(lines: Sequence[str]) -> TitleInfo:
    """Find the title (agency + year) and letterhead among the first lines of a report.

    The title may be split over two lines ("泉州台商投资区管理委员会2020年" / "政府信息公开工作
    年度报告" in the 2020 台商区 report) and may have a letterhead above it ("…文件").
    """
    letterhead = None
    previous: tuple[int, str] | None = None
    for index, line in enumerate(lines[:_TITLE_SEARCH_LINES], start=1):
        squashed = _squash(line)
        if not squashed:
            continue
        if letterhead is None and squashed.endswith("文件") and len(squashed) <= 42:
            letterhead = squashed[: -len("文件")]
        if _TITLE_MARK.search(squashed):
            # The title on one line first; joined with the line above only when the title
            # line itself has no agency or year (a title broken over two lines).
            candidates = [(index, squashed)]
            if previous is not None:
                candidates.append((previous[0], previous[1] + squashed))
            for line_no, text in candidates:
                match = _TITLE.search(text)
                if match and (match["agency"] or line_no != index):
                    agency = _clean_agency(match["agency"]) or letterhead
                    return TitleInfo(agency, line_no if agency else None, int(match["year"]), letterhead)
            return TitleInfo(letterhead or (previous[1] if previous else None), previous[0] if previous else None, None, letterhead)
        previous = (index, squashed)
    return TitleInfo(letterhead, None, None, letterhead)


def _clean_agency(name: str) -> str | None:
    name = re.sub(r"^(?:关于)", "", name).strip(" ,.:;《》\"'")
    return name or None


def read_statistics_year(norm_lines: Sequence[str]) -> tuple[int | None, int | None]:
    """The statistics year from the 统计期限 sentence: (year, line) or (None, None)."""
    for pattern in (_PERIOD, _PERIOD_LOOSE):
        for index, line in enumerate(norm_lines, start=1):
            match = pattern.search(re.sub(r"\s+", "", line))
            if match:
                return int(match["year"]), index
    return None, None


# --- the registry -------------------------------------------------------------------------

_LEVEL_BY_SUFFIX = (
    (re.compile(r"(街道办事处|街道|镇人民政府|乡人民政府|镇|乡)$"), "township"),
    (re.compile(r"(开发区|投资区|高新区|园区|新区|试验区)(管理委员会|管委会)?$"), "zone"),
    (re.compile(r"省人民政府$|省$|自治区人民政府$"), "province"),
    (re.compile(r"(局|厅|委员会|办公室|中心|署)$"), "department"),
    (re.compile(r"(县|区)人民政府$|(县|区)$"), "county"),
)


def guess_level(name: str) -> str:
    """A level guess from the name's ending, for agencies the registry does not know."""
    for pattern, level in _LEVEL_BY_SUFFIX:
        if pattern.search(name):
            return level
    return "unknown"


@lru_cache(maxsize=4)
def _registry(path: str) -> dict[str, Agency]:
    by_name: dict[str, Agency] = {}
    file = Path(path)
    if not file.exists():
        return by_name
    with file.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            agency = Agency(row["agency_id"], row["name"], row["level"] or "unknown", row["parent"] or None)
            for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
                by_name[label_key(alias)] = agency
    return by_name


def resolve_agency(*names: str | None) -> Agency:
    """The registry entry for the first name (or alias) it knows; else a deterministic new id.

    An unknown agency gets ``unk_`` + 10 hex digits of sha1 of its normalized name, so the
    same name always gets the same id across runs and machines.
    """
    registry = _registry(str(paths.registry_path()))
    for name in names:
        if name and label_key(name) in registry:
            return registry[label_key(name)]
    name = next((n for n in names if n), None)
    if name is None:
        return Agency("unk_unnamed", "", "unknown", None, is_known=False)
    digest = hashlib.sha1(label_key(name).encode("utf-8")).hexdigest()[:10]
    return Agency(f"unk_{digest}", name, guess_level(name), None, is_known=False)
