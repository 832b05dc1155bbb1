"""The standard form, as data: which tables, rows, columns and groups a report prints.

Why one module: the rows of 表三 and their groups, the requester columns, the 第二十条 blocks of
表二 and the 表四 proceedings are facts about the form (国办公开办函〔2019〕60号 and
〔2021〕30号), not about any stage. They live once, in ``govdata/data/form.csv`` (one row per
key: table, field, key, group, position, templates, label_zh, short_label_zh), and every stage
asks this module. The printed spellings of labels are another table (``labels.csv``,
:mod:`govdata.labels`), which maps to these keys.

Example:
    >>> requesters()
    ('natural_person', 'commercial', 'research', 'public_interest', 'legal_services', 'other_org', 'total')
    >>> rows_of_group("unable")
    ('unable.not_held', 'unable.needs_creation', 'unable.unclear')
    >>> table2_measures("八", "2021")
    ('fee_amount',)
    >>> label_zh("table3", "requester", "other_org")
    '其他（法人或其他组织）'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

TEMPLATES = ("2019", "2021")  # the templates with standard tables; pre-2019 reports are "legacy"


@dataclass(frozen=True)
class FormKey:
    """One row of form.csv."""

    table: str
    field: str
    key: str
    group: str
    position: int
    templates: frozenset[str]
    label_zh: str
    short_label_zh: str

    @property
    def short(self) -> str:
        """The short Chinese label for charts and messages (the full label when none is set)."""
        return self.short_label_zh or self.label_zh


@lru_cache(maxsize=1)
def form_keys() -> tuple[FormKey, ...]:
    """Every row of govdata/data/form.csv, in file order."""
    with resources.files("govdata").joinpath("data/form.csv").open(encoding="utf-8") as handle:
        return tuple(
            FormKey(row["table"], row["field"], row["key"], row["group"], int(row["position"]),
                    frozenset(row["templates"].split("|")), row["label_zh"], row["short_label_zh"])
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=256)
def keys(table: str, field: str, *, template: str | None = None, group: str | None = None) -> tuple[str, ...]:
    """The keys of one field of one table, in the form's order (each key once).

    ``template`` keeps the keys the template prints; ``group`` the keys of one group (a 表二
    block such as ``"五"``, a 表三 outcome group such as ``"withheld"``).
    """
    out: list[str] = []
    for row in form_keys():
        if row.table != table or row.field != field:
            continue
        if template is not None and template not in row.templates:
            continue
        if group is not None and row.group != group:
            continue
        if row.key not in out:
            out.append(row.key)
    return tuple(out)


def requesters(*, include_total: bool = True) -> tuple[str, ...]:
    """The 表三 requester columns in printed order (自然人 … 其他, then 总计)."""
    columns = keys("table3", "requester")
    return columns if include_total else tuple(c for c in columns if c != "total")


def table3_rows(template: str | None = None) -> tuple[str, ...]:
    """The 表三 rows a template prints, in order (every template's rows when None)."""
    return keys("table3", "row", template=template)


def outcome_groups(template: str | None = None) -> tuple[str, ...]:
    """The 表三 groups printed as a header over sub-rows: withheld, unable, not_processed (and other in 2021)."""
    return keys("table3", "group", template=template)


def rows_of_group(group: str, template: str | None = None) -> tuple[str, ...]:
    """The 表三 sub-rows of one group, e.g. the eight 不予公开 grounds."""
    return keys("table3", "row", template=template, group=group)


def group_of(row: str) -> str:
    """The group a 表三 row belongs to ("" for 新收/上年结转/结转下年度, "results" for (一)…(七) top rows)."""
    return _by_key()[("table3", "row", row)].group


def proceedings() -> tuple[str, ...]:
    """The 表四 proceedings: review, litigation_direct, litigation_after_review."""
    return keys("table4", "proceeding")


def t4_outcomes(*, include_total: bool = True) -> tuple[str, ...]:
    """The 表四 outcome columns of each proceeding (维持, 纠正, 其他, 尚未审结, 总计)."""
    columns = keys("table4", "outcome")
    return columns if include_total else tuple(c for c in columns if c != "total")


def table4_columns() -> tuple[tuple[str, str], ...]:
    """The 15 value columns of 表四 in printed order, as (proceeding, outcome)."""
    return tuple((p, o) for p in proceedings() for o in t4_outcomes())


def table2_blocks(template: str | None = None) -> tuple[str, ...]:
    """The 第二十条 blocks (一, 五, 六, 八, 九) a template prints."""
    blocks: list[str] = []
    for row in form_keys():
        if row.table == "table2" and (template is None or template in row.templates) and row.group not in blocks:
            blocks.append(row.group)
    return tuple(blocks)


def table2_items(block: str | None = None, template: str | None = None) -> tuple[str, ...]:
    """The item rows of one 第二十条 block (all blocks when None)."""
    return keys("table2", "item", template=template, group=block)


def table2_measures(block: str, template: str) -> tuple[str, ...]:
    """The measure columns a template prints in one block, in order."""
    return keys("table2", "measure", template=template, group=block)


def block_of_item(item: str) -> str:
    """The 第二十条 block a 表二 item belongs to."""
    return _by_key()[("table2", "item", item)].group


def legacy_indicators() -> tuple[str, ...]:
    """The indicators of the pre-2019 附表."""
    return keys("legacy", "indicator")


@lru_cache(maxsize=1)
def _by_key() -> dict[tuple[str, str, str], FormKey]:
    out: dict[tuple[str, str, str], FormKey] = {}
    for row in form_keys():
        out.setdefault((row.table, row.field, row.key), row)
    return out


def entry(table: str, field: str, key: str) -> FormKey:
    """The form row of a key (its first row when a key stands in several blocks)."""
    return _by_key()[(table, field, key)]


def label_zh(table: str, field: str, key: str) -> str:
    """The Chinese label of a key, as the form prints it."""
    return entry(table, field, key).label_zh


def short_label_zh(table: str, field: str, key: str) -> str:
    """The short Chinese label of a key, for charts and messages."""
    return entry(table, field, key).short


@lru_cache(maxsize=32)
def labels_zh(table: str, field: str, *, short: bool = False) -> dict[str, str]:
    """key -> Chinese label for one field of one table, in the form's order."""
    return {key: (row.short if short else row.label_zh) for (t, f, key), row in _by_key().items() if t == table and f == field}
