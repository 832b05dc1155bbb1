"""表二: blocks of 第二十条 items, their measures from the header, units from cell or header."""

from __future__ import annotations

from govdata import parse_report

TABLE2_2019 = """某区 2019 年政府信息公开工作年度报告
统计期限自2019年1月1日至2019年12月31日。
二、主动公开政府信息情况
第二十条第（一）项\t\t\t
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t61\t61\t110
第二十条第（五）项\t\t\t
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t499\t+21\t13514
其他对外管理服务事项\t1361\t-136\t29991
第二十条第（八）项\t\t\t
信息内容\t上一年项目数量\t本年增/减\t

行政事业性收费\t50\t/
第二十条第（九）项\t\t
信息内容\t采购项目数量\t采购总金额
政府集中采购\t420\t86715327.21元
三、收到和处理政府信息公开申请情况
"""

TABLE2_2021 = """某市人民政府 2022 年政府信息公开工作年度报告
第二十条第（一）项
信息内容\t本年制发件数\t本年废止件数\t现行有效件数
規章\t0\t0\t0
行政规范性文件\t64\t45\t179
第二十条第（八）项
信息内容\t本年收费金额（单位：万元）
行政事业性收费\t694.8841
"""


def _cells(report) -> dict[tuple[str, str], tuple]:
    return {(r["item"], r["measure"]): (r["value"], r["unit"], r["raw"], r["line"]) for r in report.table2.iter_rows(named=True)}


def test_table2_2019_blocks_measures_signed_numbers_and_amount_with_unit():
    cells = _cells(parse_report(text=TABLE2_2019))
    assert cells[("normative_documents", "total_published")] == (110.0, "件", "110", 7)
    assert cells[("licensing", "change")] == (21.0, "件", "+21", 10)
    assert cells[("other_services", "change")][0] == -136.0
    assert cells[("procurement", "procurement_amount")] == (86715327.21, "元", "86715327.21元", 18)
    assert cells[("fees", "change")][:3] == (None, "件", "/")
    assert len(cells) == 2 * 3 + 2 * 3 + 2 + 2


def test_table2_2021_header_unit_applies_to_fee_amount_and_template_is_2021():
    report = parse_report(text=TABLE2_2021)
    cells = _cells(report)
    assert cells[("fees", "fee_amount")][:2] == (694.8841, "万元")
    assert cells[("regulations", "in_force")][0] == 0.0
    assert report.report["template"] == "2021"


def test_table2_row_without_measure_header_is_reported_not_guessed():
    text = TABLE2_2021.replace("信息内容\t本年制发件数\t本年废止件数\t现行有效件数\n", "")
    report = parse_report(text=text)
    assert ("regulations", "made") not in _cells(report)
    assert report.checks.filter(check="missing_cells", scope="item=regulations").height == 1
