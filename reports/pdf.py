"""The research report as a PDF, rendered by WeasyPrint from reports.document's HTML.

Slow (seconds for a city's report): call it from a worker, never in a request. Nothing is
fetched over the network: the stylesheet is handed over directly and any URL other than a
data: URI is refused (the deployment sits on an intranet).
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from reports.document import render_html
from reports.models import Report

STYLESHEET = "reports/report.css"


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_footer_css() -> str:
    """第 X 页 共 Y 页, from a translated message: CSS content can hold no gettext call."""
    marker = "\x00"
    text = _("Page %(page)s of %(pages)s") % {"page": marker, "pages": marker}
    before, between, after = text.split(marker)
    content = " ".join(
        [
            css_string(before),
            "counter(page)",
            css_string(between),
            "counter(pages)",
            css_string(after),
        ]
    )
    return f"@page {{ @bottom-center {{ content: {content}; }} }}"


def stylesheets() -> list[CSS]:
    path = finders.find(STYLESHEET)
    if not path:
        raise FileNotFoundError(STYLESHEET)
    return [CSS(filename=path), CSS(string=page_footer_css())]


def render_pdf(report: Report) -> tuple[bytes, int]:
    """The report's PDF and its number of pages."""
    html = render_html(report, for_pdf=True)
    with translation.override(settings.LANGUAGE_CODE):
        sheets = stylesheets()
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).render(
        stylesheets=sheets
    )
    return document.write_pdf(), len(document.pages)
