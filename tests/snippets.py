"""Small report texts for unit tests, written the way real reports print their tables.

Each builder returns text; tests then bend it into the awkward shapes real reports take
(labels broken across lines, blank cells, letter-spaced headers, …).
"""

from __future__ import annotations

T3_LABELS_2021 = [
    ("new", ["一、本年新收政府信息公开申请数量"]),
    ("carried_over", ["二、上年结转政府信息公开申请数量"]),
    ("granted", ["三、本年度办理结果", "(一)予以公开"]),
    ("partial", ["", "(二)部分公开（区分处理的，只计这一情形，不计其他情形）"]),
    ("withheld.state_secret", ["", "(三)不予公开", "1.属于国家秘密"]),
    ("withheld.prohibited_by_law", ["", "", "2.其他法律行政法规禁止公开"]),
    ("withheld.security_stability", ["", "", "3.危及“三安全一稳定”"]),
    ("withheld.third_party", ["", "", "4.保护第三方合法权益"]),
    ("withheld.internal_affairs", ["", "", "5.属于三类内部事务信息"]),
    ("withheld.process_info", ["", "", "6.属于四类过程性信息"]),
    ("withheld.enforcement_files", ["", "", "7.属于行政执法案卷"]),
    ("withheld.query_matter", ["", "", "8.属于行政查询事项"]),
    ("unable.not_held", ["", "(四)无法提供", "1.本机关不掌握相关政府信息"]),
    ("unable.needs_creation", ["", "", "2.没有现成信息需要另行制作"]),
    ("unable.unclear", ["", "", "3.补正后申请内容仍不明确"]),
    ("not_processed.petition", ["", "(五)不予处理", "1.信访举报投诉类申请"]),
    ("not_processed.duplicate", ["", "", "2.重复申请"]),
    ("not_processed.publication", ["", "", "3.要求提供公开出版物"]),
    ("not_processed.excessive", ["", "", "4.无正当理由大量反复申请"]),
    ("not_processed.confirmation", ["", "", "5.要求行政机关确认或重新出具已获取信息"]),
    ("other.no_amendment", ["", "(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"]),
    ("other.unpaid_fee", ["", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"]),
    ("other.other", ["", "", "3.其他"]),
    ("total", ["", "(七)总计"]),
    ("carried_forward", ["四、结转下年度继续办理"]),
]
T3_LABELS_2019 = [*T3_LABELS_2021[:20], ("other", ["", "(六)其他处理"]), *T3_LABELS_2021[23:]]

T3_HEADER = [
    ["(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", "", "申请人情况"],
    ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
]

T4_HEADER = [
    ["行政复议", "", "", "", "", "行政诉讼"],
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "", "复议后起诉"],
    ["", "", "", "", "", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)],
]


def t3_values(row_index: int) -> list[str]:
    """Distinct, consistent-looking numbers so a shifted column is caught: row r, column c."""
    return [str(row_index * 10 + column) for column in range(7)]


def table3_rows(template: str = "2021") -> list[tuple[str, list[str], list[str]]]:
    """(row key, label cells, 7 value cells) for every 表三 row of a template."""
    labels = T3_LABELS_2021 if template == "2021" else T3_LABELS_2019
    return [(key, cells, t3_values(index)) for index, (key, cells) in enumerate(labels)]


def tabbed_report(template: str = "2021", *, title: str = "某某市人民政府 2022 年政府信息公开工作年度报告") -> str:
    """A whole minimal report: title, 统计期限, 表三 and 表四 in the tabbed layout."""
    lines = [title, "", "本报告所列数据的统计期限自 2022 年 1 月 1 日至 2022 年 12 月 31 日。", "",
             "三、收到和处理政府信息公开申请情况", ""]
    lines += ["\t".join(cells) for cells in T3_HEADER]
    for _key, label_cells, values in table3_rows(template):
        lines.append("\t".join([*label_cells, *values, ""]))
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", ""]
    lines += ["\t".join(cells) for cells in T4_HEADER]
    lines.append("\t".join(str(n) for n in range(1, 16)))
    lines += ["", "五、存在的主要问题及改进情况", "无"]
    return "\n".join(lines) + "\n"


def cell_per_line_report(template: str = "2021", *, blank_between_cells: bool = False, trailing_pipe: bool = False,
                         pipe_lines: bool = False) -> str:
    """The same report with one cell per line (tab-prefixed), rows separated by blank lines."""
    lines = ["某某市人民政府 2022 年政府信息公开工作年度报告", "", "统计期限自2022年1月1日至2022年12月31日。", "",
             "三、收到和处理政府信息公开申请情况", ""]

    def emit(cells: list[str]) -> None:
        for cell in cells:
            text = "\t" + cell + ("|" if trailing_pipe else "")
            lines.append(text)
            if pipe_lines:
                lines.append("|")
            if blank_between_cells:
                lines.append("")
        lines.append("")

    emit(["(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", "申请人情况"])
    emit(["", "自然人", "法人或其他组织", "总计"])
    emit(["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""])
    for _key, label_cells, values in table3_rows(template):
        emit([*label_cells, *values])
    lines += ["四、政府信息公开行政复议、行政诉讼情况", ""]
    emit(["行政复议", "行政诉讼"])
    emit(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"])
    emit(["", "", "", "", "", *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)])
    emit([str(n) for n in range(1, 16)])
    lines += ["五、存在的主要问题及改进情况", "无"]
    return "\n".join(lines) + "\n"


def pipe_report(template: str = "2021") -> str:
    """The same report as markdown-like pipe rows."""
    lines = ["某某市人民政府 2022 年政府信息公开工作年度报告", "", "统计期限自2022年1月1日至2022年12月31日。", "",
             "三、收到和处理政府信息公开申请情况", ""]
    lines += ["| " + " | ".join(cells) + " |" for cells in T3_HEADER]
    lines.append("|" + "---|" * 10)
    for _key, label_cells, values in table3_rows(template):
        padded = [*label_cells, "", "", ""][:3]
        lines.append("| " + " | ".join([*padded, *values]) + " |")
    lines += ["", "四、政府信息公开行政复议、行政诉讼情况", ""]
    lines += ["| " + " | ".join(cells) + " |" for cells in T4_HEADER]
    lines.append("| " + " | ".join(str(n) for n in range(1, 16)) + " |")
    lines += ["", "五、存在的主要问题及改进情况", "无"]
    return "\n".join(lines) + "\n"
