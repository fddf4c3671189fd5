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
