"""HTML pages: chrome dropped, text in order, tables as full grids, reports shipped inside scripts."""

from __future__ import annotations

import json

from govdata.formats.html import best_script_payload, render_html, unescape_js
from govdata.read import read_document

SENTENCE = "本报告根据条例编制，统计期限自2023年1月1日至12月31日。"
REPORT_BODY = f"<p>晋江市人民政府2023年政府信息公开工作年度报告</p><p>{SENTENCE * 3}</p>"


def test_navigation_header_footer_scripts_and_styles_are_not_report_text():
    page = ("<html><head><title>站点</title><style>p{color:red}</style></head><body>"
            "<header>网站首页</header><nav><a>政务公开</a></nav><div role='navigation'>站点导航</div>"
            "<div class='breadcrumb'>当前位置</div><p>一、总体情况</p><script>var x = '统计';</script>"
            "<aside>相关链接</aside><footer>版权所有</footer></body></html>")
    assert render_html(page).lines == ["一、总体情况"]


def test_text_around_tables_keeps_document_order():
    page = ("<body><p>前文</p><table><tr><td>a</td><td>1</td></tr></table><div>中间<span>一段</span></div>"
            "<table><tr><td>b</td></tr></table>后文</body>")
    assert render_html(page).lines == ["前文", "a\t1", "中间一段", "b", "后文"]


def test_rowspan_and_colspan_expand_to_a_grid_with_covered_cells_blank():
    page = """<table>
      <tr><td rowspan="3" colspan="2">（本列数据的勾稽关系）</td><td colspan="3">申请人情况</td><td rowspan="3">总计</td></tr>
      <tr><td rowspan="2">自然人</td><td colspan="2">法人或其他组织</td></tr>
      <tr><td>商业企业</td><td>科研机构</td></tr>
      <tr><td colspan="2">一、本年新收政府信息公开申请数量</td><td>231</td><td>15</td><td>0</td><td>246</td></tr>
      <tr><td rowspan="2">三、本年度办理结果</td><td>(一) 予以公开</td><td>125</td><td>12</td><td>0</td><td>137</td></tr>
      <tr><td>(二) 部分公开</td><td>18</td><td>3</td><td>0</td><td>21</td></tr>
    </table>"""
    assert render_html(page).lines == [
        "（本列数据的勾稽关系）\t\t申请人情况\t\t\t总计",
        "\t\t自然人\t法人或其他组织\t\t",
        "\t\t\t商业企业\t科研机构\t",
        "一、本年新收政府信息公开申请数量\t\t231\t15\t0\t246",
        "三、本年度办理结果\t(一) 予以公开\t125\t12\t0\t137",
        "\t(二) 部分公开\t18\t3\t0\t21",
    ]


def test_line_breaks_inside_a_cell_join_into_one_cell():
    page = "<table><tr><td>本年新制<br>作数量</td><td><p>结果</p><p>维持</p></td><td>总<br/>计</td></tr></table>"
    assert render_html(page).lines == ["本年新制作数量\t结果维持\t总计"]


def test_thead_tbody_and_tfoot_rows_are_all_read():
    page = ("<table><thead><tr><th>项目</th><th>数量</th></tr></thead><tbody><tr><td>规章</td>"
            "<td>0</td></tr></tbody><tfoot><tr><td>合计</td><td>0</td></tr></tfoot></table>")
    assert render_html(page).lines == ["项目\t数量", "规章\t0", "合计\t0"]


def test_junk_span_attributes_are_read_leniently():
    page = '<table><tr><td colspan="2;">a</td><td colspan="x">b</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>'
    assert render_html(page).lines == ["a\t\tb", "1\t2\t3"]


def test_report_embedded_as_an_escaped_string_in_a_script_is_rendered_in_its_place():
    payload = REPORT_BODY + "<table><tr><td>自然人</td><td>231</td></tr></table>"
    page = ("<html><body><nav>首页</nav><p>页面标题</p><div id='content'></div>"
            f"<script>var data = {json.dumps({'content': payload})};\ndocument.getElementById('content').innerHTML = data.content;</script>"
            "<footer>版权</footer></body></html>")
    lines = render_html(page).lines
    assert lines[0] == "页面标题"
    assert lines[1] == "晋江市人民政府2023年政府信息公开工作年度报告"
    assert lines[-1] == "自然人\t231"


def test_script_payload_is_ignored_when_the_page_already_shows_the_report():
    page = f"<body>{REPORT_BODY}<script>var copy = {json.dumps(REPORT_BODY)};</script></body>"
    lines = render_html(page).lines
    assert lines.count("晋江市人民政府2023年政府信息公开工作年度报告") == 1


def test_script_payload_of_entity_escaped_markup_is_unescaped():
    markup = REPORT_BODY.replace("<", "&lt;").replace(">", "&gt;")
    assert best_script_payload(f"var s = '{markup}';").startswith("<p>晋江市人民政府")


def test_unescape_js_decodes_unicode_hex_and_simple_escapes():
    assert unescape_js(r"\u003Cp\u003E\u81ea\x41\n\/\"\u{1F600}") == '<p>自A\n/"\U0001F600'


def test_html_locators_name_the_source_line_and_the_table_row():
    page = "<html>\n<body>\n<p>标题</p>\n<table>\n<tr><td>a</td><td>1</td></tr>\n<tr><td>b</td><td>2</td></tr>\n</table>\n</body>\n</html>"
    rendering = render_html(page)
    assert rendering.locators == ["HTML line 3", "HTML line 5, table 1 row 1", "HTML line 6, table 1 row 2"]


def test_meta_charset_gbk_page_is_decoded_as_gb18030():
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body><p>统计期限</p></body></html>'
    doc = read_document(raw=page.encode("gbk"), source="p.html")
    assert (doc.format, doc.encoding, doc.lines) == ("html", "gb18030", ("统计期限",))


def test_xml_declaration_and_broken_markup_do_not_stop_the_reader():
    page = '<?xml version="1.0" encoding="utf-8"?><html><body><p>一、总体情况<table><tr><td>a<td>1</table></body>'
    assert render_html(page).lines == ["一、总体情况", "a\t1"]


def test_layout_tables_around_the_article_are_read_as_text_with_the_report_tables_inside_as_grids():
    page = ("<body><table width='1000'><tr><td class='left'>"
            "<table><tr><td><p>一、总体情况</p><p>二、主动公开政府信息情况</p>"
            "<table border='1'><tr><td>规章</td><td>0</td></tr><tr><td>规范性文件</td><td>3</td></tr></table>"
            "<p>三、收到和处理政府信息公开申请情况</p></td></tr></table>"
            "</td></tr></table></body>")
    assert render_html(page).lines == ["一、总体情况", "二、主动公开政府信息情况", "规章\t0", "规范性文件\t3",
                                       "三、收到和处理政府信息公开申请情况"]


def test_a_one_column_table_of_paragraphs_keeps_its_paragraphs_apart():
    page = "<table><tr><td><p>第一段</p><p>第二段</p></td></tr><tr><td>第三段</td></tr></table>"
    assert render_html(page).lines == ["第一段", "第二段", "第三段"]
