"""Which address login throttling counts, with and without trusted proxies."""

import pytest
from django.test import RequestFactory

from accounts.lockout import client_ip


def request(remote: str, forwarded: str | None = None) -> object:
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/accounts/login/", **headers)


def test_it_uses_the_socket_address_without_a_proxy(settings: object) -> None:
    settings.PROXY_COUNT = 0

    # A client-sent header means nothing when no proxy is trusted.
    assert client_ip(request("203.0.113.5", "198.51.100.1")) == "203.0.113.5"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.5", "203.0.113.5"),  # nginx set the header to $remote_addr
        ("6.6.6.6, 203.0.113.5", "203.0.113.5"),  # client forged one, nginx appended
        ("6.6.6.6,7.7.7.7 , 203.0.113.5", "203.0.113.5"),
    ],
)
def test_it_takes_the_address_the_trusted_proxy_saw(
    settings: object, forwarded: str, expected: str
) -> None:
    settings.PROXY_COUNT = 1

    assert client_ip(request("127.0.0.1", forwarded)) == expected


def test_it_counts_two_trusted_proxies_from_the_right(settings: object) -> None:
    settings.PROXY_COUNT = 2

    assert client_ip(request("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.0.0.1")) == "203.0.113.5"


def test_it_falls_back_to_the_socket_address_when_the_header_is_missing(settings: object) -> None:
    settings.PROXY_COUNT = 1

    assert client_ip(request("127.0.0.1")) == "127.0.0.1"
