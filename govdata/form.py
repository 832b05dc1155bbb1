"""The standard form, as data: which tables, rows, columns and groups a report prints.

Why one module: the rows of 表三 and their groups, the requester columns, the 第二十条 blocks of
表二 and the 表四 proceedings are facts about the form (国办公开办函〔2019〕60号 and
〔2021〕30号), not about any stage. They live once, in ``govdata/data/form.csv`` (one row per
key: table, field, key, group, position, templates, label_zh, short_label_zh, printed_zh,
unit), and every stage asks this module. The printed spellings of labels are another table
(``labels.csv``, :mod:`govdata.labels`), which maps to these keys.

Three Chinese names per key, each with one job:

- ``label_zh`` is *the* label: what the frames carry (``row_zh``, ``item_zh``, …) and what
  check messages name;
- ``short_label_zh`` is for charts and table headers where the label is long (empty: the label);
- ``printed_zh`` is the official form's wording where it is longer than the label (empty: the
  label), e.g. 部分公开（区分处理的，只计这一情形，不计其他情形）; synthetic reports print it.
  It is one of the spellings labels.csv maps to the key (a test says so).

A key stands on several rows when its label or block differs by template (``decisions`` in
表二, ``normative_documents``: 规范性文件 in the 2019 form, 行政规范性文件 in 2021): the first
row gives the label the frames carry, ``template=`` asks for one template's row.

Header rows are keys too, so that every label labels.csv knows has a key here: the 表三
headers 申请人情况 (``applicant``), 法人或其他组织 (``legal_person``), 本年度办理结果
(``results``), and 表四's 行政诉讼 (``litigation``), the proceeding the two litigation columns
belong to (it has no cells of its own; metrics sums the two into it).

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
    printed_zh: str = ""
    unit: str = ""

    @property
    def short(self) -> str:
        """The short Chinese label for charts and messages (the full label when none is set)."""
        return self.short_label_zh or self.label_zh

    @property
    def printed(self) -> str:
        """The wording of the official form (the label when the form prints just that)."""
        return self.printed_zh or self.label_zh


@lru_cache(maxsize=1)
def form_keys() -> tuple[FormKey, ...]:
    """Every row of govdata/data/form.csv, in file order."""
    with resources.files("govdata").joinpath("data/form.csv").open(encoding="utf-8") as handle:
        return tuple(
            FormKey(row["table"], row["field"], row["key"], row["group"], int(row["position"]),
                    frozenset(row["templates"].split("|")), row["label_zh"], row["short_label_zh"], row["printed_zh"],
                    row["unit"])
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
    return keys("table3", "group", template=template, group="results")


def is_sub_row(row: str) -> bool:
    """True for a 表三 row printed under a group header (``withheld.state_secret``), False for (一) 予以公开 …"""
    return group_of(row) in outcome_groups()


@lru_cache(maxsize=1)
def outcome_keys() -> tuple[str, ...]:
    """The harmonized outcomes (the ``outcomes`` frame): the entries (一)…(七) of 本年度办理结果, in order.

    Each is a 表三 row (予以公开, 部分公开, 2019's 其他处理, 总计) or a group of sub-rows (不予公开,
    无法提供, 不予处理, 2021's 其他处理): granted, partial, withheld, unable, not_processed, other, total.
    """
    first_row: dict[str, int] = {}
    for index, row in enumerate(table3_rows()):
        group = group_of(row)
        entry_key = row if group == "results" else group if group in outcome_groups() else None
        if entry_key is not None:
            first_row.setdefault(entry_key, index)
    return tuple(sorted(first_row, key=first_row.__getitem__))


def outcome_rows(outcome: str, template: str | None = None) -> tuple[str, ...]:
    """The 表三 rows one harmonized outcome counts: the row itself, else the rows of its group.

    ``other`` is a row in the 2019 form and a group of three sub-rows in 2021, so without a
    template it is both: ``("other", "other.no_amendment", "other.unpaid_fee", "other.other")``.
    """
    own = (outcome,) if outcome in table3_rows(template) else ()
    return own + rows_of_group(outcome, template)


def outcome_label_zh(outcome: str) -> str:
    """The Chinese label of a harmonized outcome: its row's (予以公开) or its group's (不予公开)."""
    return label_zh("table3", "row" if outcome in table3_rows() else "group", outcome)


def rows_of_group(group: str, template: str | None = None) -> tuple[str, ...]:
    """The 表三 sub-rows of one group, e.g. the eight 不予公开 grounds."""
    return keys("table3", "row", template=template, group=group)


def group_of(row: str) -> str:
    """The group a 表三 row belongs to ("" for 新收/上年结转/结转下年度, "results" for (一)…(七) top rows)."""
    return _by_key()[("table3", "row", row)].group


def proceedings(*, include_header: bool = False) -> tuple[str, ...]:
    """The 表四 proceedings with cells: review, litigation_direct, litigation_after_review.

    ``include_header`` adds ``litigation`` (行政诉讼), the header over the two litigation
    columns, in its printed place.
    """
    every = keys("table4", "proceeding")
    if include_header:
        return every
    headers = {row.group for row in form_keys() if row.table == "table4" and row.field == "proceeding"}
    return tuple(p for p in every if p not in headers)


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


def legacy_indicators(*, include_apart: bool = False) -> tuple[str, ...]:
    """The indicators of the standard pre-2019 附表, in order.

    ``include_apart`` adds the rows some tables print apart from the standard ones (position 0
    in form.csv: 传真申请数 apart from 信函申请数, 收费减免金额, seen in the 平潭 统计表); they are
    read and labelled like any other, but no sum or synthetic report counts on them.
    """
    standard = tuple(row.key for row in form_keys() if row.table == "legacy" and row.field == "indicator" and row.position > 0)
    if not include_apart:
        return tuple(dict.fromkeys(standard))
    return keys("legacy", "indicator")


def legacy_parts(total: str) -> tuple[str, ...]:
    """The 附表 indicators printed under a total as 其中：1. … 2. … (e.g. the channels of 受理总数)."""
    return keys("legacy", "indicator", group=total)


def legacy_columns() -> tuple[str, ...]:
    """The columns of the 附表: label (指标名称), unit (单位), value (本年, printed as the year), cumulative (历史累计)."""
    return keys("legacy", "column")


@lru_cache(maxsize=1)
def _by_key() -> dict[tuple[str, str, str], FormKey]:
    out: dict[tuple[str, str, str], FormKey] = {}
    for row in form_keys():
        out.setdefault((row.table, row.field, row.key), row)
    return out


def entry(table: str, field: str, key: str, *, template: str | None = None) -> FormKey:
    """The form row of a key (its first row when a key stands in several blocks, or the first of
    ``template``'s rows)."""
    if template is None:
        return _by_key()[(table, field, key)]
    for row in form_keys():
        if (row.table, row.field, row.key) == (table, field, key) and template in row.templates:
            return row
    raise KeyError((table, field, key, template))


def is_key(table: str, field: str, key: str) -> bool:
    """Does the form know this key?"""
    return (table, field, key) in _by_key()


def label_zh(table: str, field: str, key: str, *, template: str | None = None) -> str:
    """The Chinese label of a key: what the frames carry and messages name."""
    return entry(table, field, key, template=template).label_zh


def short_label_zh(table: str, field: str, key: str) -> str:
    """The short Chinese label of a key, for charts and messages."""
    return entry(table, field, key).short


def printed_zh(table: str, field: str, key: str, *, template: str | None = None) -> str:
    """The wording of the official form for a key (what a synthetic report prints)."""
    return entry(table, field, key, template=template).printed


def unit(table: str, field: str, key: str) -> str:
    """The unit the form prints for a key (the 附表's 单位 column: 条, 件), "" when none."""
    return entry(table, field, key).unit


@lru_cache(maxsize=32)
def labels_zh(table: str, field: str, *, short: bool = False) -> dict[str, str]:
    """key -> Chinese label for one field of one table, in the form's order."""
    return {key: (row.short if short else row.label_zh) for (t, f, key), row in _by_key().items() if t == table and f == field}
