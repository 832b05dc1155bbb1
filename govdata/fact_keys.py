"""What each fact key means: its Chinese label, the table cells or 附表 indicator it restates, its family.

Why a data table: the facts stage gives a number read from the prose a key
(``govdata/data/fact_patterns.csv``); what that key *is* — the 表三 rows or 表四 cells the same
number stands in, the 附表 indicator of a pre-2019 report, the listing it belongs to and what
that listing adds up to — is read by the checks (text_vs_table, legacy_vs_text, category_sum,
percent_vs_count), by harmonize (附表 against prose) and by the synthetic oracle. It lives once,
in ``govdata/data/fact_keys.csv``, one row per key:

- ``label_zh``: the Chinese label check messages use;
- ``restates_table3``: 表三 rows whose 总计 cells add up to the number (``withheld.*``: every
  row of the group, from :mod:`govdata.form`);
- ``restates_table4``: 表四 ``proceeding/outcome`` cells that add up to it;
- ``restates_legacy``: the 附表 indicator that states the same number alone
  (``indicator/cumulative`` for its 历史累计 column);
- ``part_of_legacy``: 附表 indicators whose number is a sum of several prose keys, this one among them;
- ``printed_as`` and ``notes``: examples and remarks for docs/facts.md, which is generated from
  this table (``make docs``).

A row whose key ends in ``.*`` declares a *family*: the keys with that prefix are a listing
(答复类型, 申请方式, …) whose members add up to ``family_total`` (the first of its keys the
prose states).

Example:
    >>> table3_rows("requests.received")
    ('new', 'carried_over')
    >>> family_of("outcome.not_ours"), family_total("outcome.")
    ('outcome.', ('requests.concluded', 'requests.received'))
    >>> legacy_fact_map()["responses_other"][:2]
    ('outcome.already_public', 'outcome.not_ours')
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from govdata import form

_FAMILY_MARK = "*"


@dataclass(frozen=True)
class FactKey:
    """One row of fact_keys.csv (a key, or a family when ``key`` ends in ``.*``)."""

    key: str
    section: str
    label_zh: str
    family_total: tuple[str, ...]
    restates_table3: tuple[str, ...]
    restates_table4: tuple[tuple[str, str], ...]
    restates_legacy: str
    part_of_legacy: tuple[str, ...]
    printed_as: str
    notes: str

    @property
    def is_family(self) -> bool:
        return self.key.endswith(_FAMILY_MARK)

    @property
    def prefix(self) -> str:
        """A family's key prefix (``outcome.`` for ``outcome.*``)."""
        return self.key.removesuffix(_FAMILY_MARK)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part for part in text.split("|") if part)


@lru_cache(maxsize=1)
def fact_key_rows() -> tuple[FactKey, ...]:
    """Every row of govdata/data/fact_keys.csv, families included, in file order."""
    with resources.files("govdata").joinpath("data/fact_keys.csv").open(encoding="utf-8") as handle:
        return tuple(
            FactKey(row["key"], row["section"], row["label_zh"], _split(row["family_total"]), _split(row["restates_table3"]),
                    tuple(tuple(cell.split("/", 1)) for cell in _split(row["restates_table4"])),  # type: ignore[misc]
                    row["restates_legacy"], _split(row["part_of_legacy"]), row["printed_as"], row["notes"])
            for row in csv.DictReader(handle)
        )


@lru_cache(maxsize=1)
def _by_key() -> dict[str, FactKey]:
    return {row.key: row for row in fact_key_rows() if not row.is_family}


def keys() -> tuple[str, ...]:
    """Every fact key, in the table's order (families not included)."""
    return tuple(_by_key())


def entry(key: str) -> FactKey | None:
    """The row of a key, or None for a key the table does not know."""
    return _by_key().get(key)


@lru_cache(maxsize=1)
def families() -> dict[str, FactKey]:
    """Family prefix (``outcome.``) -> its row, in the table's order."""
    return {row.prefix: row for row in fact_key_rows() if row.is_family}


def family_of(key: str) -> str | None:
    """The family prefix a key belongs to, or None (``proactive.total`` is no listing's member)."""
    return next((prefix for prefix in families() if key.startswith(prefix)), None)


def family_total(prefix: str) -> tuple[str, ...]:
    """The stated totals a family adds up to, in order of preference."""
    return families()[prefix].family_total


@lru_cache(maxsize=1024)
def label_zh(key: str) -> str:
    """The Chinese label of a fact key; an unknown member of a family is named by the family
    (不予公开原因“x”), any other unknown key by itself."""
    known = entry(key)
    if known is not None and known.label_zh:
        return known.label_zh
    family = family_of(key)
    return f"{families()[family].label_zh}“{key[len(family):]}”" if family else key


def table3_rows(key: str) -> tuple[str, ...]:
    """The 表三 rows whose 总计 cells add up to the number a key states (empty when none)."""
    known = entry(key)
    if known is None:
        return ()
    rows: list[str] = []
    for name in known.restates_table3:
        rows.extend(form.rows_of_group(name.removesuffix(".*")) if name.endswith(".*") else (name,))
    return tuple(rows)


def table4_cells(key: str) -> tuple[tuple[str, str], ...]:
    """The 表四 (proceeding, outcome) cells that add up to the number a key states (empty when none)."""
    known = entry(key)
    return known.restates_table4 if known is not None else ()


def legacy_restated(key: str) -> tuple[str, str] | None:
    """(附表 indicator, column) a key restates alone: column ``value`` (this year) or ``cumulative``."""
    known = entry(key)
    if known is None or not known.restates_legacy:
        return None
    indicator, _, column = known.restates_legacy.partition("/")
    return indicator, column or "value"


@lru_cache(maxsize=1)
def legacy_fact_map() -> dict[str, tuple[str, ...]]:
    """附表 indicator -> the fact keys whose sum states its this-year number (one key, or a listing).

    For harmonize (附表 against prose) and the legacy_vs_text rule, in the form's order of
    indicators: 不予公开答复数 <- outcome.withheld; 其他类型答复数 <- the six answer types it lumps.
    """
    out: dict[str, tuple[str, ...]] = {}
    for indicator in form.legacy_indicators():
        alone = [row.key for row in _by_key().values() if row.restates_legacy == indicator]
        summed = [row.key for row in _by_key().values() if indicator in row.part_of_legacy]
        if alone or summed:
            out[indicator] = (*alone, *summed)
    return out


@lru_cache(maxsize=1)
def legacy_cumulative() -> dict[str, str]:
    """fact key -> the 附表 indicator whose 历史累计 column it restates (历年累计主动公开 -> proactive_total)."""
    return {key: restated[0] for key in keys() if (restated := legacy_restated(key)) and restated[1] == "cumulative"}


# --- docs/facts.md ----------------------------------------------------------------------------

SECTION_BEGIN = "<!-- BEGIN GENERATED: fact keys, section {section} -->"
FAMILIES_BEGIN = "<!-- BEGIN GENERATED: fact key families -->"
GENERATED_END = "<!-- END GENERATED -->"


def _restates(row: FactKey) -> str:
    """The "restates" cell of docs/facts.md, in words, from the row's columns."""
    parts = []
    if row.restates_legacy:
        indicator, _, column = row.restates_legacy.partition("/")
        name = form.label_zh("legacy", "indicator", indicator)
        parts.append(f"附表 {name}, 历史累计 column" if column else f"附表 {name} (`legacy.{indicator}`)")
    if row.part_of_legacy:
        parts.append("part of 附表 " + ", ".join(form.label_zh("legacy", "indicator", i) for i in row.part_of_legacy))
    if row.restates_table3:
        parts.append("table3 " + " + ".join(f"`{name}`" for name in row.restates_table3) + " (总计 column)")
    if row.restates_table4:
        parts.append("table4 " + " + ".join(f"`{p}`/`{o}`" for p, o in row.restates_table4))
    return "; ".join(parts) or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|") or "—"


def markdown_table(section: str) -> str:
    """The key table of one section of docs/facts.md."""
    lines = ["| key | 中文 | printed as (examples) | restates | notes |", "|---|---|---|---|---|"]
    for row in _by_key().values():
        if row.section == section:
            lines.append(f"| `{row.key}` | {_cell(row.label_zh)} | {_cell(row.printed_as)} | {_restates(row)} | {_cell(row.notes)} |")
    return "\n".join(lines) + "\n"


def markdown_families() -> str:
    """The table of families (listings that add up) of docs/facts.md."""
    lines = ["| family | 中文 | adds up to (the first stated) | notes |", "|---|---|---|---|"]
    for row in families().values():
        total = " or ".join(f"`{key}`" for key in row.family_total)
        lines.append(f"| `{row.key}` | {row.label_zh} | {total} | {_cell(row.notes)} |")
    return "\n".join(lines) + "\n"


def update_facts_doc(path: str = "docs/facts.md") -> bool:
    """Rewrite the generated tables of docs/facts.md (one per section, and the families); True when it changed."""
    from pathlib import Path

    doc = Path(path)
    text = doc.read_text(encoding="utf-8")
    new = _replace_block(text, FAMILIES_BEGIN, markdown_families())
    for section in dict.fromkeys(row.section for row in fact_key_rows()):
        new = _replace_block(new, SECTION_BEGIN.format(section=section), markdown_table(section))
    if new != text:
        doc.write_text(new, encoding="utf-8")
    return new != text


def _replace_block(text: str, begin: str, body: str) -> str:
    if begin not in text:
        raise ValueError(f"docs/facts.md has no {begin!r} marker")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(GENERATED_END, 1)
    return f"{head}{begin}\n{body}{GENERATED_END}{tail}"
