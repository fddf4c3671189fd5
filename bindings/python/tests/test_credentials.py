"""Credentials from Python: Configuration.credential_storage answers nginx's HTTP Basic
challenge (user alice, password wonderland, realm "liburlsession") by itself."""
from urllib.parse import urlsplit

import pytest

import urlsession


def basic_space(server, realm="liburlsession"):
    url = urlsplit(server.http)
    return urlsession.ProtectionSpace(url.hostname, url.port, protocol="http", realm=realm,
                                      method="basic")


def fetch(server, storage):
    configuration = urlsession.Configuration(credential_storage=storage)
    with urlsession.Session(configuration) as s:
        return s.data(server.http + "/auth/basic/small.txt")


def test_stored_credential_answers_the_challenge(server):
    storage = urlsession.CredentialStorage()
    storage.set_credential(urlsession.Credential("alice", "wonderland"), basic_space(server))
    assert len(storage) == 1
    body, response = fetch(server, storage)
    assert response.status == 200
    assert body == b"hello world\n"


def test_without_or_with_a_wrong_credential_the_401_comes_back(server):
    assert fetch(server, urlsession.CredentialStorage())[1].status == 401
    assert fetch(server, None)[1].status == 401
    storage = urlsession.CredentialStorage()
    storage.set_credential(urlsession.Credential("alice", "wrong"), basic_space(server))
    assert fetch(server, storage)[1].status == 401
    other_realm = urlsession.CredentialStorage()
    other_realm.set_credential(urlsession.Credential("alice", "wonderland"),
                               basic_space(server, realm="elsewhere"))
    assert fetch(server, other_realm)[1].status == 401


def test_storage_api_and_defaults():
    assert urlsession.Configuration().credential_storage == urlsession.CredentialStorage.shared()
    assert urlsession.Configuration.ephemeral().credential_storage != \
        urlsession.CredentialStorage.shared()
    storage = urlsession.CredentialStorage()
    space = urlsession.ProtectionSpace("example.org", 443, realm="r", method="digest")
    assert (space.host, space.port, space.protocol, space.realm, space.method, space.proxy) == \
        ("example.org", 443, "https", "r", "digest", False)
    assert storage.credential(space) is None
    storage.set_credential(urlsession.Credential("bob", "pw", persistence="permanent"), space)
    got = storage.credential(space)
    assert (got.user, got.password, got.persistence) == ("bob", "pw", "permanent")
    assert storage.remove_credential(space) is True
    assert storage.remove_credential(space) is False and len(storage) == 0
    with pytest.raises(ValueError):
        urlsession.ProtectionSpace("example.org", 443, method="ntlm")
    with pytest.raises(ValueError):
        urlsession.ProtectionSpace("example.org", 0)
    with pytest.raises(ValueError):
        urlsession.Credential("u", "p", persistence="forever")
    with pytest.raises(TypeError):
        storage.credential("example.org")
    with pytest.raises(TypeError):
        urlsession.Configuration(credential_storage={})
