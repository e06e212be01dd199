"""Page links for the long lists (1,700 villages are 34 pages): previous and next, the first
and last pages, those around the current one and an ellipsis between, each keeping the
list's filters."""

from dataclasses import dataclass

from django import template
from django.core.paginator import Page
from django.http import HttpRequest
from django.utils.translation import gettext as _

register = template.Library()


@dataclass(frozen=True)
class Link:
    label: str
    url: str = ""  # none: the current page, or an ellipsis
    current: bool = False


@register.simple_tag
def page_links(page: Page, request: HttpRequest) -> list[Link]:
    query = request.GET.copy()

    def to(number: int) -> str:
        query["page"] = number
        return f"?{query.urlencode()}"

    links = [Link(_("Previous"), to(page.previous_page_number()))] if page.has_previous() else []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append(Link("…"))
        elif number == page.number:
            links.append(Link(str(number), current=True))
        else:
            links.append(Link(str(number), to(number)))
    if page.has_next():
        links.append(Link(_("Next"), to(page.next_page_number())))
    return links
