"""urlsession — URLSession for Python, on liburlsession.

Blocking::

    import urlsession
    with urlsession.Session() as session:
        body, response = session.data("https://example.org/")

asyncio::

    async with urlsession.Session() as session:
        body, response = await session.adata("https://example.org/")

See doc/python.md for streaming, downloads, uploads and delegates.
"""
from ._urlsession import (  # noqa: F401  (re-exported)
    BadServerResponse, BadURL, Cancelled, CannotCloseFile, CannotConnectToHost,
    CannotCreateFile, CannotDecodeContentData, CannotDecodeRawData, CannotFindHost,
    CannotLoadFromNetwork, CannotMoveFile, CannotOpenFile, CannotParseResponse,
    CannotRemoveFile, CannotWriteToFile, ClientCertificateRejected, ClientCertificateRequired,
    Cache, CachedResponse, Configuration, Cookie, CookieStorage, Credential, CredentialStorage, ProtectionSpace, DataLengthExceedsMaximum, DataNotAllowed, DNSLookupFailed, FileDoesNotExist,
    FileIsDirectory, NetworkConnectionLost, NoPermissionsToReadFile, NotConnectedToInternet,
    RedirectToNonExistentLocation, RequestBodyStreamExhausted, ResourceUnavailable,
    SecureConnectionFailed, ServerCertificateHasBadDate, ServerCertificateHasUnknownRoot,
    ServerCertificateNotYetValid, ServerCertificateUntrusted, TimedOut, TooManyRedirects,
    UnsupportedURL, URLError, UserAuthenticationRequired, UserCancelledAuthentication,
    ZeroByteResource, version)
from .headers import Headers
from .request import Request, Response
from .session import Session
from .streaming import StreamingResponse
from .tasks import DataTask, Disposition, DownloadTask, Task, TaskState, UploadTask

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_") and name not in (
    "headers", "request", "session", "streaming", "tasks")]
