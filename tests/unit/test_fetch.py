"""The parts of `govdata fetch` that need no server: User-Agent, rate limit, robots.txt rules, sources, links."""

from __future__ import annotations

import pytest

from govdata import fetch
from govdata.fetch import FetchError, HostRateLimiter, Response, Robots, attachment_links, index_entries, read_sources, user_agent


def test_user_agent_names_govdata_its_version_and_the_contact(monkeypatch):
    monkeypatch.delenv("GOVDATA_CONTACT", raising=False)
    assert user_agent().startswith("govdata/") and "annual reports" in user_agent() and "+" not in user_agent()
    assert user_agent("me@uni.example").endswith("; +mailto:me@uni.example)")
    monkeypatch.setenv("GOVDATA_CONTACT", "https://lab.example/crawler")
    assert user_agent().endswith("; +https://lab.example/crawler)")


def test_user_agent_is_ascii_whatever_the_contact_holds():
    agent = user_agent("研究者 (me)@uni.example\r\nX-Evil: 1")
    agent.encode("ascii")
    assert "\r" not in agent and "\n" not in agent and agent.count("(") == 1


def test_rate_limit_spaces_requests_to_one_host_and_not_across_hosts():
    now, waits = [0.0], []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    limiter = HostRateLimiter(clock=lambda: now[0], sleep=sleep)
    for host in ("a.gov.cn", "b.gov.cn", "a.gov.cn", "a.gov.cn"):
        limiter.wait(host, 1.0)
    assert waits == [1.0, 1.0]
    now[0] += 5.0
    limiter.wait("a.gov.cn", 1.0)
    assert waits == [1.0, 1.0], "no wait after a pause longer than the delay"


def _robots(status: int, text: str = "", *, error: str | None = None) -> Robots:
    def get(url: str) -> Response:
        if error:
            raise FetchError(url, error)
        return Response(url, url, status, {}, text.encode())

    return Robots(get)


def test_robots_txt_rules_are_matched_for_govdata():
    robots = _robots(200, "User-agent: *\nDisallow: /private/\n\nUser-agent: govdata\nDisallow: /nogov/\nCrawl-delay: 4\n")
    assert robots.check("http://a.gov.cn/zwgk/report.htm") is None
    assert robots.check("http://a.gov.cn/nogov/report.htm").startswith("disallowed by robots.txt")
    assert robots.crawl_delay("http://a.gov.cn/zwgk/report.htm") == 4.0


def test_a_missing_robots_txt_allows_everything():
    assert _robots(404).check("http://a.gov.cn/any.htm") is None


@pytest.mark.parametrize(("robots", "says"), [
    (_robots(503), "answered HTTP 503"),
    (_robots(403), "answered HTTP 403"),
    (_robots(0, error="timed out (read time-out 1 s) after 4 attempts"), "could not be read (timed out"),
])
def test_a_robots_txt_that_cannot_be_read_forbids_the_host(robots, says):
    reason = robots.check("http://a.gov.cn/report.htm")
    assert reason.startswith("disallowed by robots.txt") and says in reason


def test_sources_csv_needs_a_url_and_may_give_agency_year_and_note(tmp_path):
    path = tmp_path / "sources.csv"
    path.write_text("url,agency,year,note\nhttps://a.gov.cn/1.htm,某局,2019,first\n#https://a.gov.cn/2.htm,,,\n"
                    "https://a.gov.cn/3.htm,,,\n,,,\n", encoding="utf-8")
    assert read_sources(path) == [fetch.Source("https://a.gov.cn/1.htm", "某局", 2019, "first"), fetch.Source("https://a.gov.cn/3.htm")]


@pytest.mark.parametrize(("text", "error"), [("link\nhttps://a.gov.cn\n", "needs a 'url' column"),
                                             ("url,year\nhttps://a.gov.cn/1.htm,2019年\n", "sources.csv:2: year")])
def test_a_sources_csv_that_cannot_be_read_says_where(tmp_path, text, error):
    path = tmp_path / "sources.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        read_sources(path)


def test_attachment_links_are_the_report_files_of_the_article_not_the_navigation():
    page = """<html><body><nav><a href="/guide.pdf">指南</a></nav>
      <div class="article"><p>附件：<a href="files/report.DOCX">报告</a> <a href="files/report.DOCX#p2">同上</a>
      <a href="/files/table.xls?v=2">附表</a> <a href="https://other.gov.cn/r.pdf">外站</a>
      <a href="javascript:download('a.pdf')">下载</a> <a href="mailto:x@a.gov.cn">邮件</a> <a href="/page.htm">页面</a></p></div>
    </body></html>""".encode()
    assert attachment_links(page, "http://a.gov.cn/zwgk/2019/t1.htm") == [
        "http://a.gov.cn/zwgk/2019/files/report.DOCX", "http://a.gov.cn/files/table.xls?v=2", "https://other.gov.cn/r.pdf"]


LIST_PAGE = """<html><body><nav><a href="/">首页</a><a href="/zwgk/zfxxgkzn/">某某区政府信息公开指南</a></nav>
  <ul>
    <li><a href="./202301/t1.htm" title="某某区2022年度政府信息公开工作年度报告">某某区2022年度政府信息公开工作…</a></li>
    <li><a href="./201412/t2.htm">关于报送2014年政府信息公开工作情况的函</a></li>
    <li><a href="./202201/t3.htm">某某区地方税务局2021年信息公开年度报告</a></li>
    <li><a href="./202201/t3.htm">某某区地方税务局2021年信息公开年度报告</a></li>
    <li><a href="/other/t4.htm">某某区2021年度政府信息公开工作年度报告（另一栏目）</a></li>
    <li><a href="./logout">注销</a></li>
  </ul>
  <a href="index_1.htm">下一页</a></body></html>""".encode()


def test_list_page_keeps_the_reports_of_its_column_with_year_and_agency_and_skips_the_rest_with_reasons():
    reports, skipped, pages = index_entries(LIST_PAGE, "http://a.gov.cn/zwgk/nb/")
    assert [(s.url, s.agency, s.year) for s in reports] == [
        ("http://a.gov.cn/zwgk/nb/202301/t1.htm", "某某区", 2022), ("http://a.gov.cn/zwgk/nb/202201/t3.htm", "某某区地方税务局", 2021)]
    assert reports[0].title == "某某区2022年度政府信息公开工作年度报告", "the full title from the title attribute"
    assert [(o.url, o.status) for o in skipped] == [("http://a.gov.cn/zwgk/nb/201412/t2.htm", "skipped")]
    assert "函 (letter)" in skipped[0].reason
    assert pages == ["http://a.gov.cn/zwgk/nb/index_1.htm"]


@pytest.mark.parametrize(("value", "seconds"), [("7", 7.0), (None, None), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)])
def test_retry_after_is_read_as_seconds_or_a_date(value, seconds):
    assert fetch._retry_after(value) == seconds


def test_reasons_and_outcomes_print_without_control_characters_from_untrusted_urls():
    error = FetchError("http://a.gov.cn/x", "redirected to http://a.gov.cn/\x1b]0;pwned\x07\u202eevil, disallowed")
    assert error.reason == "redirected to http://a.gov.cn/]0;pwnedevil, disallowed"
    assert "\x1b" not in str(fetch.Outcome("http://a.gov.cn/\x1b[2J", "failed", "x"))


def test_fetch_and_collection_docstring_examples_hold():
    import doctest

    from govdata import collection

    assert doctest.testmod(fetch).failed == 0 and doctest.testmod(collection).failed == 0
