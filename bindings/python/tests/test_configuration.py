"""Configuration: properties round-trip, checked values, constructors."""
import pytest

import urlsession


def test_defaults():
    c = urlsession.Configuration()
    assert c.timeout_interval_for_request == 60.0
    assert c.timeout_interval_for_resource == 7 * 24 * 3600.0
    assert c.max_connections_per_host == 6
    assert c.multipath_service_type == "none"
    assert c.http_version == "default"
    assert c.tls_minimum_version == "1.2"
    assert c.allows_cellular_access is True
    assert c.waits_for_connectivity is False
    assert c.additional_headers == {}
    assert c.user_agent.startswith("liburlsession/")
    assert c.ca_file is None
    assert c.is_ephemeral is False


@pytest.mark.parametrize("kind", ["none", "handover", "interactive", "aggregate"])
def test_multipath_round_trip(kind):
    c = urlsession.Configuration(multipath_service_type=kind)
    assert c.multipath_service_type == kind
    c2 = c.copy()
    assert c2.multipath_service_type == kind


def test_keyword_constructor_and_round_trip(tmp_path):
    c = urlsession.Configuration(
        timeout_interval_for_request=2.5, timeout_interval_for_resource=30,
        additional_headers={"X-One": "1", "X-Two": "two"}, max_connections_per_host=3,
        user_agent="test-agent/1", ca_file=str(tmp_path / "ca.pem"), http_version="2",
        multipath_service_type="handover", waits_for_connectivity=True,
        allows_cellular_access=False, max_buffered_bytes=65536, tls_minimum_version="1.3",
        download_directory=str(tmp_path), allows_expensive_network_access=False,
        allows_constrained_network_access=False)
    assert c.timeout_interval_for_request == 2.5
    assert c.timeout_interval_for_resource == 30.0
    assert c.additional_headers == {"X-One": "1", "X-Two": "two"}
    assert c.max_connections_per_host == 3
    assert c.user_agent == "test-agent/1"
    assert c.ca_file == str(tmp_path / "ca.pem")
    assert c.http_version == "2"
    assert c.multipath_service_type == "handover"
    assert c.waits_for_connectivity is True
    assert c.allows_cellular_access is False
    assert c.max_buffered_bytes == 65536
    assert c.tls_minimum_version == "1.3"
    assert c.download_directory == str(tmp_path)
    assert c.allows_expensive_network_access is False
    assert c.allows_constrained_network_access is False


def test_default_and_ephemeral_constructors():
    assert urlsession.Configuration.default().is_ephemeral is False
    e = urlsession.Configuration.ephemeral(http_version="1.1")
    assert e.is_ephemeral is True
    assert e.http_version == "1.1"


@pytest.mark.parametrize("name,value,error", [
    ("timeout_interval_for_request", 0, ValueError),
    ("timeout_interval_for_request", float("nan"), ValueError),
    ("timeout_interval_for_resource", -1, ValueError),
    ("max_connections_per_host", 0, ValueError),
    ("max_buffered_bytes", 1000, ValueError),
    ("multipath_service_type", "sometimes", ValueError),
    ("multipath_service_type", 1, TypeError),
    ("http_version", "3", ValueError),
    ("tls_minimum_version", "0.9", ValueError),
    ("user_agent", "bad\r\nagent", ValueError),
    ("additional_headers", {"Bad Name": "x"}, ValueError),
    ("additional_headers", {"X-A": "a\nb"}, ValueError),
    ("http_proxy", "http://[broken", ValueError),
    ("https_proxy", 8080, TypeError),
    ("dns_servers", "not-an-address", ValueError),
    ("dns_over_https_url", "http://dns.test/dns-query", ValueError),
    ("nat64_prefix", "64:ff9b::/97", ValueError),
    ("connection_attempt_delay", 5, ValueError),
    ("address_family", "ipx", ValueError),
    ("http_cookie_accept_policy", "sometimes", ValueError),
    ("interface_types", {"wifi0": "satellite"}, ValueError),
    ("interface_types", {"a-name-far-too-long": "wifi"}, ValueError),
    ("max_decoded_body_size", -1, ValueError),
    ("max_decoded_body_size", 1 << 63, ValueError),
    ("max_decoded_body_size", 1.5, TypeError),
    ("max_decoded_body_size", "1024", TypeError),
    ("wifi_assist_head_start", -0.5, ValueError),
    ("wifi_assist_head_start", 61, ValueError),
    ("wifi_assist_head_start", float("nan"), ValueError),
    ("wifi_assist_head_start", "1", TypeError),
])
def test_invalid_values_raise_and_change_nothing(name, value, error, capfd):
    c = urlsession.Configuration(additional_headers={"X-Keep": "1"})
    before = getattr(c, name)
    with pytest.raises(error):
        setattr(c, name, value)
    assert getattr(c, name) == before
    assert capfd.readouterr().err == ""  # no library warning leaks out


def test_unknown_keyword():
    with pytest.raises(TypeError):
        urlsession.Configuration(no_such_property=1)


def test_additional_headers_replace():
    c = urlsession.Configuration(additional_headers={"X-A": "1"})
    c.additional_headers = {"X-B": "2"}
    assert c.additional_headers == {"X-B": "2"}
    c.additional_headers = {}
    assert c.additional_headers == {}


def test_session_copies_configuration():
    c = urlsession.Configuration(multipath_service_type="interactive")
    with urlsession.Session(c) as s:
        c.multipath_service_type = "none"
        assert s.configuration.multipath_service_type == "interactive"


def test_transport_and_policy_defaults():
    c = urlsession.Configuration()
    assert c.http_proxy is None and c.https_proxy is None and c.socks_proxy is None
    assert c.no_proxy is None
    assert c.uses_environment_proxies is True
    assert c.allows_https_to_http_redirects is False
    assert c.http_should_set_cookies is True
    assert c.http_cookie_accept_policy == "only_from_main_document_domain"
    assert c.dns_servers is None
    assert c.dns_over_https_url is None
    assert c.nat64_prefix is None
    assert c.connection_attempt_delay == 0.25
    assert c.address_family == "any"
    assert c.tcp_fast_open is False
    assert c.interface_types == {}
    assert c.manages_mptcp_endpoints is False
    assert c.max_decoded_body_size == 1 << 30
    assert c.wifi_assist is False
    assert c.wifi_assist_head_start == 1.0


TRANSPORT = dict(
    http_proxy="http://proxy.test:3128", https_proxy="socks5h://proxy.test:1080",
    socks_proxy="socks5://192.0.2.1:1080", no_proxy="localhost,10.0.0.0/8",
    uses_environment_proxies=False, allows_https_to_http_redirects=True,
    http_should_set_cookies=False, http_cookie_accept_policy="never",
    dns_servers="192.0.2.53:5353,[2001:db8::53]:53", nat64_prefix="64:ff9b::/96",
    dns_over_https_url="https://192.0.2.53/dns-query",
    connection_attempt_delay=0.1, address_family="ipv6", tcp_fast_open=True,
    interface_types={"wifi0": "wifi", "cell0": "cellular"}, manages_mptcp_endpoints=True,
    multipath_service_type="handover", waits_for_connectivity=True,
    max_decoded_body_size=65536, wifi_assist=True, wifi_assist_head_start=0.5)


def test_transport_and_policy_round_trip():
    c = urlsession.Configuration(**TRANSPORT)
    for name, value in TRANSPORT.items():
        assert getattr(c, name) == value, name
        assert getattr(c.copy(), name) == value, name
    c.interface_types = {"usb0": "wired"}
    assert c.interface_types == {"usb0": "wired"}
    for name in ("http_proxy", "https_proxy", "socks_proxy", "no_proxy", "dns_servers",
                 "nat64_prefix", "dns_over_https_url"):
        setattr(c, name, None)
        assert getattr(c, name) is None, name


def test_session_keeps_transport_and_policy():
    """What a Session was made with is what it runs with (read back from the C session)."""
    with urlsession.Session(urlsession.Configuration(**TRANSPORT)) as s:
        got = s.configuration
        for name, value in TRANSPORT.items():
            if name != "interface_types":  # the C API cannot list them back
                assert getattr(got, name) == value, name


def test_proxy_error_names_the_property():
    with pytest.raises(ValueError, match="http_proxy"):
        urlsession.Configuration(http_proxy="ftp://proxy.test:21")


@pytest.mark.parametrize("name,value", [
    ("max_decoded_body_size", -1), ("max_decoded_body_size", 2.0),
    ("wifi_assist_head_start", -1), ("wifi_assist_head_start", 90),
    ("wifi_assist_head_start", None),
])
def test_decoding_and_wifi_assist_errors_name_the_property(name, value):
    with pytest.raises((ValueError, TypeError), match=name):
        urlsession.Configuration(**{name: value})


def test_decoding_limit_and_wifi_assist_edges():
    c = urlsession.Configuration(max_decoded_body_size=0, wifi_assist_head_start=0)
    assert c.max_decoded_body_size == 0  # no limit
    assert c.wifi_assist_head_start == 0.0
    c.max_decoded_body_size = (1 << 63) - 1
    c.wifi_assist_head_start = 60
    assert c.max_decoded_body_size == (1 << 63) - 1
    assert c.wifi_assist_head_start == 60.0
