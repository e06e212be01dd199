"""Nothing the browser loads comes from another host: the intranet has no Internet access.

Every template and every static file (vendored libraries included) is scanned for the ways a
page pulls in an outside resource: src/href attributes, CSS url() and @import, JS fetch(),
import(), XMLHttpRequest, workers and sockets, CDN and web-font hosts. Namespace URIs such as
http://www.w3.org/2000/svg name a vocabulary and are never fetched; licence URLs sit in
comments and strings nobody loads. Neither matches the patterns below.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(settings.BASE_DIR)
ROOTS = [BASE_DIR / "templates", BASE_DIR / "static"]
TEXT_SUFFIXES = {".html", ".txt", ".css", ".js", ".mjs", ".svg", ".xml", ".json", ".map"}

# An absolute URL to another host: http(s)://, ws(s):// or protocol-relative //host.
REMOTE = r"""(?:(?:https?|wss?):)?//[a-z0-9][a-z0-9.-]*\.[a-z]{2,}"""
QUOTE = r"""["'`]?\s*"""

LOADERS = {
    "HTML attribute": re.compile(
        rf"""\b(?:src|href|srcset|action|formaction|poster|data|background|manifest)\s*=\s*"""
        rf"""{QUOTE}{REMOTE}""",
        re.IGNORECASE,
    ),
    "CSS url()": re.compile(rf"""url\(\s*{QUOTE}{REMOTE}""", re.IGNORECASE),
    "CSS @import": re.compile(rf"""@import\s+(?:url\(\s*)?{QUOTE}{REMOTE}""", re.IGNORECASE),
    "JS fetch/import/XHR/worker/socket": re.compile(
        rf"""(?:\bfetch|\bimport|\.open\s*\(\s*["'][A-Z]+["']\s*,|\bWorker|\bWebSocket|"""
        rf"""\bEventSource|\bsendBeacon|\bimportScripts)\s*\(?\s*{QUOTE}{REMOTE}""",
        re.IGNORECASE,
    ),
    "JS static import": re.compile(
        rf"""\bimport\b[\w\s{{}},*$]*?\bfrom\s*{QUOTE}{REMOTE}|\bimport\s+{QUOTE}{REMOTE}"""
    ),
    "JS .src/.href assignment": re.compile(rf"""\.(?:src|href)\s*=\s*{QUOTE}{REMOTE}"""),
    "CDN host": re.compile(
        r"""//(?:cdn\b|cdnjs\.|[a-z0-9.-]*\.cdn\.|unpkg\.com|cdn\.jsdelivr\.net|"""
        r"""[a-z0-9.-]*bootcdn|[a-z0-9.-]*staticfile\.org)""",
        re.IGNORECASE,
    ),
    "web-font host": re.compile(
        r"""fonts\.(?:googleapis|gstatic)\.com|use\.typekit|fonts\.loli\.net""", re.IGNORECASE
    ),
}


def outside_loads(text: str) -> list[str]:
    """Each way ``text`` would make a browser load something from another host."""
    found = []
    for label, pattern in LOADERS.items():
        for match in pattern.finditer(text):
            start = max(match.start() - 30, 0)
            found.append(f"{label}: …{text[start : match.end() + 30]}…")
    return found


def scanned_files() -> list[Path]:
    files = [
        path
        for root in ROOTS
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES
    ]
    return files


@pytest.mark.parametrize(
    "sample",
    [
        '<script src="https://cdn.example.com/x.js"></script>',
        "<link rel='stylesheet' href='//cdn.example.com/x.css'>",
        '<img srcset="http://img.example.com/a.png 2x">',
        "body { background: url(https://img.example.com/bg.png) }",
        'body { background: url("//img.example.com/bg.png") }',
        '@import "https://fonts.googleapis.com/css?family=Noto+Sans+SC";',
        "@import url(http://example.com/x.css);",
        'fetch("https://api.example.com/data")',
        "fetch(`//api.example.com/data`)",
        'import("https://esm.example.com/mod.js")',
        'import x from "https://esm.example.com/mod.js"',
        "import { a, b } from 'https://esm.example.com/mod.js'",
        'import "https://esm.example.com/side-effect.js"',
        'xhr.open("GET", "https://api.example.com/data")',
        'new WebSocket("wss://push.example.com/")',
        'e.src="https://track.example.com/p.gif"',
        "https://cdn.jsdelivr.net/npm/echarts",
        "//unpkg.com/htmx.org",
    ],
)
def test_it_detects_an_outside_load(sample: str) -> None:
    # The scan must be able to fail: each of these would reach the Internet.
    assert outside_loads(sample), sample


@pytest.mark.parametrize(
    "sample",
    [
        # SVG and XML namespaces: identifiers, never fetched.
        "<svg xmlns='http://www.w3.org/2000/svg'></svg>",
        """url("data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e%3c/svg%3e")""",
        'var iw="http://www.w3.org/2000/svg",rw="http://www.w3.org/1999/xlink"',
        'i.setAttributeNS("http://www.w3.org/2000/xmlns/",n,a)',
        # Licence headers and error texts naming a web page.
        "/*! Bootstrap v5.3.9 (https://getbootstrap.com/) */",
        " * Licensed under the Apache License at http://www.apache.org/licenses/LICENSE-2.0",
        'throw new TypeError("Bootstrap\'s tooltips require Popper (https://popper.js.org)")',
        # Our own pages and static files.
        '<script src="/static/vendor/htmx/htmx.min.js"></script>',
        "<a href=\"{% url 'home' %}\">",
        "// a JavaScript comment",
    ],
)
def test_it_allows_what_a_browser_does_not_load(sample: str) -> None:
    assert outside_loads(sample) == []


def test_it_scans_the_vendored_libraries() -> None:
    names = {path.relative_to(BASE_DIR).as_posix() for path in scanned_files()}

    assert "templates/base.html" in names
    assert "static/vendor/htmx/htmx.min.js" in names
    assert "static/vendor/bootstrap/bootstrap.min.css" in names
    assert "static/vendor/echarts/echarts.min.js" in names


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: p.relative_to(BASE_DIR).as_posix())
def test_it_loads_nothing_from_another_host(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")

    assert outside_loads(text) == []


def test_the_pages_name_their_own_icon(client: Client) -> None:
    """The tab's icon is one of ours: a page that names none makes every browser ask for
    /favicon.ico, a 404 in the server's log on each visit."""
    page = client.get(reverse("accounts:login")).content.decode()
    icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)

    assert icon is not None
    assert finders.find(icon[1]) is not None
