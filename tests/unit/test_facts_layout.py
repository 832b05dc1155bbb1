"""Where prose numbers are looked for: lines rejoined where PDF text was wrapped, tables left to
the table stages (snippets written for the tests)."""

from __future__ import annotations

from govdata.facts import extract_facts
from govdata.read import read_document


def rows(text: str, *columns: str) -> list[tuple]:
    return extract_facts(read_document(text=text)).select(*(columns or ("key", "value"))).rows()


# A PDF page wrapped at a fixed width: words and numbers are cut anywhere, headings are short.
WRAPPED = """二、主动公开政府信息情况
2023 年，本局在门户网站主动公开政
府信息 126 条，其中政策文件解读 12 篇，
工作动态 87 条。本年度收到政府信息公
开申请 9 件，全部依法办结，结转下一年
度办理 0 件。2023 年本局有 1 件涉及政府
信息公开的行政复议，该复议维持原答复，
未发生行政诉讼。
三、收到和处理政府信息公开申请情况"""


def test_prose_wrapped_at_a_fixed_width_is_read_as_one_text():
    assert rows(WRAPPED, "key", "value", "line") == [
        ("proactive.total", 126.0, 3), ("requests.received", 9.0, 5), ("requests.carried_forward", 0.0, 6),
        ("review.total", 1.0, 6), ("litigation.total", 0.0, 8)]


def test_snippet_of_a_wrapped_sentence_keeps_the_printed_characters_of_every_line():
    frame = extract_facts(read_document(text=WRAPPED))
    assert frame.filter(key="proactive.total")["snippet"][0] == (
        "2023 年，本局在门户网站主动公开政府信息 126 条，其中政策文件解读 12 篇，工作动态 87 条。")


def test_a_short_line_without_clause_break_in_wrapped_text_is_a_heading():
    text = "（二）依申请公开\n" + "本年度共收到政府信息公开申请，详见下表。" * 1 + "\n主动公开情况\n34 条信息已公开。"
    assert rows(text) == []


def test_lines_of_prose_are_joined_only_when_next_to_each_other():
    # A blank line ends a paragraph unless a number or its unit was cut off (the seeds' rule).
    assert rows("2023 年，本局主动公开政府\n\n信息 40 条。") == []
    assert rows("2023 年，本局主动公开政府\n信息 40 条。") == [("proactive.total", 40.0)]


def test_a_line_starting_a_new_item_is_not_joined_to_the_line_above():
    assert rows("本年度收到政府信息公开申请，\n（一）办结 3 件。") == []


def test_cell_per_line_table_without_delimiters_is_not_prose():
    # A 2019-form table copied from a web page: one cell per line, no | and no tab, cells with units.
    table = "依申请公开情况如下，\n本年新收政府信息公开申请数量\n\n12件\n\n0件\n\n0件\n\n结转下年度继续办理\n\n1件\n\n0件"
    assert rows(table) == []


def test_prose_whose_digits_stand_on_lines_of_their_own_is_still_prose():
    # A Word export that puts every run of Latin digits on its own line.
    text = "本年度主动公开政府信息\n352\n条，统计期限为\n2021\n年\n1\n月\n1\n日至\n2021\n年\n12\n月\n31\n日。"
    assert rows(text) == [("proactive.total", 352.0)]


def test_table_row_flattened_to_one_line_with_spaces_is_not_prose():
    assert rows("受理政府信息公开申请总数 件 21 56\n主动公开政府信息 88 条。") == [("proactive.total", 88.0)]
    assert rows("同意公开答复数 12 件 30 件") == []


def test_a_tab_that_only_indents_prose_does_not_make_a_table_line():
    assert rows("\t（二）依申请公开。本年度收到依申请公开 7 件，均在期限内答复。") == [("requests.received", 7.0)]
    assert rows("同意公开\t3\t0\t0") == []


def test_a_number_with_yu_whose_unit_a_wrap_carried_to_the_next_line_is_read():
    text = "本局依托区政府网站的通知公告、人事任免等栏目主动公开政府信息175余\n\n条，其中政策解读9篇。"
    assert rows(text, "key", "value", "unit")[:1] == [("proactive.total", 175.0, "条")]


def test_a_statement_a_wrap_broke_after_its_semicolon_goes_on_on_the_next_line():
    # lines wrapped at a width: the semicolon that ends the first line ends no statement, so the
    # media count on the next line is still a sequel of the same statement
    text = ("2022年，本乡在区政府门户网站主动公开政府信息31条；在乡政务微信公众号推送信息17条；在村务公开栏张贴惠民政策公告62件；"
            "在区日报刊发乡镇要闻8篇。本年度未收到政府信息公开申请，也未发生行政复议和行政诉讼。")
    end = text.index("62件；") + len("62件；")
    width = next(width for width in range(20, 45) if end % width == 0)  # a width that ends a line at that semicolon
    wrapped = "\n".join(text[i:i + width] for i in range(0, len(text), width))
    assert "62件；\n在区日报" in wrapped
    assert ("proactive.channel.media", 8.0) in rows(text)
    assert ("proactive.channel.media", 8.0) in rows(wrapped)


def test_a_short_wrapped_line_of_prose_is_not_taken_for_the_first_label_of_a_table_below():
    text = ("本年度依托政务新媒体、村务公开栏等渠道推送\n惠民政策、办事指南等内容。在区政府网站依托通知公告、人事任免、\n"
            "财政预决算、规划计划等栏目主动公开政府信息175余\n\n二、主动公开政府信息情况\n\n规章\n\n0\n\n0\n\n0\n")
    assert ("proactive.total", 175.0) in rows(text)
