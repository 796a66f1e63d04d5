"""Where an import reads the photos its image cells name, read once, at import, and never again.

A cell holds one or more photos separated by ``;``, each one of:
- a file relative to the spreadsheet's folder (``anh/che-bup.jpg``), which must stay inside that folder:
  no absolute path, no ``..``, no symbolic link out of it;
- the same inside the ``.zip`` that holds the spreadsheet and its photo folder;
- an ``https://`` address, fetched with a size cap and a timeout, each redirect checked: a host whose
  addresses are private, loopback, link-local or reserved is refused, and the connection goes to the
  address that was checked;
- the digest of a photo already in the store (what an export writes).
Whatever a cell names is opened as a picture by :mod:`catalog.photos`, never trusted by its name.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path, PurePosixPath
from typing import Protocol
from urllib.parse import urlsplit

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalog.limits import MB, SPREADSHEET_LIMITS
from catalog.models import Photo
from catalog.photos import MAX_SOURCE_BYTES, PhotoError, is_digest, normalise, photo_file, save_file
from catalog.spreadsheet import SpreadsheetRefused
from catalog.text import nfc

MAX_REDIRECTS = 5
FETCH_TIMEOUT = httpx.Timeout(20.0, connect=5.0)
ZIP_ENTRIES = 5_000
SPREADSHEET_SUFFIXES = (".xlsx", ".csv")
_DRIVE = re.compile(r"[A-Za-z]:")

Resolver = Callable[[str, int], list[str]]


class FileSource(Protocol):
    def read(self, name: str, lang: str | None) -> bytes: ...


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (what a connection to it could reach)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def _relative(name: str, lang: str | None) -> PurePosixPath:
    """A cell's file name as a path inside the spreadsheet's folder (``\\`` read as ``/``, as Windows writes it)."""
    text = name.replace("\\", "/")
    if text.startswith(("/", "~")) or _DRIVE.match(text):
        raise PhotoError("photo_source_absolute", lang)
    parts = [part for part in PurePosixPath(text).parts if part != "."]
    if ".." in parts:
        raise PhotoError("photo_source_parent", lang)
    if not parts:
        raise PhotoError("photo_source_missing", lang)
    return PurePosixPath(*parts)


class FolderPhotos:
    """Photos in the spreadsheet's folder, or below it."""

    def __init__(self, folder: Path) -> None:
        self.root = Path(folder).resolve()

    def read(self, name: str, lang: str | None) -> bytes:
        relative = _relative(name, lang)
        path = (self.root / relative).resolve()
        if not path.exists():  # a file copied from a Mac keeps its name decomposed (NFD); the cell is NFC
            path = (self.root / unicodedata.normalize("NFD", str(relative))).resolve()
        if not path.is_relative_to(self.root):
            raise PhotoError("photo_source_outside", lang)
        if not path.exists():
            raise PhotoError("photo_source_missing", lang)
        if not path.is_file():  # a folder, a FIFO or a device
            raise PhotoError("photo_source_not_file", lang)
        with path.open("rb") as handle:
            return _capped(handle.read(MAX_SOURCE_BYTES + 1), lang)


class ZipPhotos:
    """Photos inside the .zip that holds the spreadsheet, named relative to the spreadsheet's folder in it."""

    def __init__(self, archive: zipfile.ZipFile, base: PurePosixPath) -> None:
        self.archive = archive
        self.base = base
        # names as a cell writes them: "/" between folders, NFC (a Mac's zip decomposes accents)
        self.members = {nfc(info.filename.replace("\\", "/")): info for info in archive.infolist()
                        if not info.is_dir()}

    def read(self, name: str, lang: str | None) -> bytes:
        info = self.members.get(str(self.base / _relative(name, lang)))
        if info is None:
            raise PhotoError("photo_source_missing_zip", lang)
        if info.file_size > MAX_SOURCE_BYTES:
            raise PhotoError("photo_too_large_bytes", lang, limit_mb=MAX_SOURCE_BYTES // MB)
        try:
            with self.archive.open(info) as member:  # its declared size may lie: read no further than the cap
                return _capped(member.read(MAX_SOURCE_BYTES + 1), lang)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise PhotoError("photo_unreadable", lang, detail=type(error).__name__) from None


def _capped(content: bytes, lang: str | None) -> bytes:
    if len(content) > MAX_SOURCE_BYTES:
        raise PhotoError("photo_too_large_bytes", lang, limit_mb=MAX_SOURCE_BYTES // MB)
    return content


# ---------------------------------------------------------------- https addresses


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_address(host: str, port: int, resolve: Resolver, lang: str | None = None) -> str:
    """The address to connect to for ``host``: refused when any address it resolves to is not public
    (private, loopback, link-local, reserved, …), or when it resolves to none."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        addresses = resolve(host, port)
    if not addresses:
        raise PhotoError("photo_source_unresolved", lang, host=host)
    for address in addresses:
        if not _public(address):
            raise PhotoError("photo_source_private", lang, host=host, address=address)
    return addresses[0]


def _https(url: str, lang: str | None) -> httpx.URL:
    scheme = urlsplit(url).scheme.lower()
    if scheme != "https":
        raise PhotoError("photo_source_scheme", lang, scheme=scheme or "?")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise PhotoError("photo_source_bad_url", lang) from None
    if not parsed.host:
        raise PhotoError("photo_source_bad_url", lang)
    return parsed


class UrlFetcher:
    """Fetches a photo from an ``https://`` address, every hop checked by :func:`public_address`."""

    def __init__(self, client: httpx.Client | None = None, resolve: Resolver = system_resolver) -> None:
        # no kept-alive connections: one opened for a host name is not reused for another on the same address
        self.client = client or httpx.Client(timeout=FETCH_TIMEOUT, limits=httpx.Limits(max_keepalive_connections=0))
        self.resolve = resolve

    def fetch(self, url: str, lang: str | None = None) -> bytes:
        for _ in range(MAX_REDIRECTS + 1):
            target = _https(url, lang)
            address = public_address(target.host, target.port or 443, self.resolve, lang)
            try:
                with self._sent(target, address) as response:
                    if not response.is_redirect:
                        return self._body(response, lang)
                    url = str(target.join(response.headers.get("location", "")))
            except httpx.HTTPError as error:
                raise PhotoError("photo_source_fetch_failed", lang, detail=type(error).__name__) from None
        raise PhotoError("photo_source_redirects", lang, limit=MAX_REDIRECTS)

    @contextmanager
    def _sent(self, target: httpx.URL, address: str) -> Iterator[httpx.Response]:
        """GET ``target`` from the address that was checked (not one a second lookup might give), its
        certificate still checked against the host's name."""
        pinned = target.copy_with(host=address)
        request = self.client.build_request("GET", pinned, headers={"Host": target.netloc.decode("ascii")},
                                            extensions={"sni_hostname": target.host})
        response = self.client.send(request, stream=True, follow_redirects=False)
        try:
            yield response
        finally:
            response.close()

    @staticmethod
    def _body(response: httpx.Response, lang: str | None) -> bytes:
        if response.status_code != 200:
            raise PhotoError("photo_source_status", lang, status=response.status_code)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_SOURCE_BYTES:
            raise PhotoError("photo_too_large_bytes", lang, limit_mb=MAX_SOURCE_BYTES // MB)
        content = bytearray()
        for chunk in response.iter_bytes():
            content += chunk
            if len(content) > MAX_SOURCE_BYTES:
                raise PhotoError("photo_too_large_bytes", lang, limit_mb=MAX_SOURCE_BYTES // MB)
        return bytes(content)

    def close(self) -> None:
        self.client.close()


class PhotoSources:
    """Reads what one image cell entry names: a file beside the spreadsheet (or in its .zip), or an address."""

    def __init__(self, files: FileSource, fetcher: UrlFetcher | None = None) -> None:
        self.files = files
        self.fetcher = fetcher
        self.own_fetcher: UrlFetcher | None = None

    def read(self, entry: str, lang: str | None = None) -> bytes:
        scheme = urlsplit(entry).scheme.lower() if "://" in entry else ""
        if scheme == "https":
            return self._fetcher().fetch(entry, lang)
        if scheme:
            raise PhotoError("photo_source_scheme", lang, scheme=scheme)
        return self.files.read(entry, lang)

    def _fetcher(self) -> UrlFetcher:
        if self.fetcher is None:
            self.fetcher = self.own_fetcher = UrlFetcher()
        return self.fetcher

    def close(self) -> None:
        """Close the client made here for addresses (one a caller passed in is theirs to close)."""
        if self.own_fetcher is not None:
            self.own_fetcher.close()


# ---------------------------------------------------------------- an import's spreadsheet and photos


@contextmanager
def opened_import(path: Path, fetcher: UrlFetcher | None = None) -> Iterator[tuple[Path, PhotoSources]]:
    """The spreadsheet to read and where its photos are: ``path`` itself and its folder, or for a ``.zip``
    the one spreadsheet inside it (taken out to a temporary file) and the zip's members.

    Raises :class:`~catalog.spreadsheet.SpreadsheetRefused` for a .zip without exactly one spreadsheet, or
    damaged, or past the limits.
    """
    path = Path(path)
    if path.suffix.lower() != ".zip":
        with closing(PhotoSources(FolderPhotos(path.parent), fetcher)) as sources:
            yield path, sources
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise SpreadsheetRefused("file_damaged", detail=type(error).__name__) from None
    with archive, tempfile.TemporaryDirectory(prefix="syndicator-import-zip-") as folder:
        member = _spreadsheet_member(archive)
        sheet = Path(folder) / f"sheet{PurePosixPath(member.filename).suffix.lower()}"
        _extract(archive, member, sheet)
        base = PurePosixPath(nfc(member.filename.replace("\\", "/"))).parent
        with closing(PhotoSources(ZipPhotos(archive, base), fetcher)) as sources:
            yield sheet, sources


def _spreadsheet_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    entries = archive.infolist()
    if len(entries) > ZIP_ENTRIES:
        raise SpreadsheetRefused("photo_zip_too_many", count=len(entries), limit=ZIP_ENTRIES)
    sheets = [info for info in entries if not info.is_dir() and _visible(info.filename)
              and info.filename.lower().endswith(SPREADSHEET_SUFFIXES)]
    if len(sheets) != 1:
        raise SpreadsheetRefused("photo_zip_sheets", count=len(sheets))
    return sheets[0]


def _visible(name: str) -> bool:
    """Not what a Mac adds to a zip (``__MACOSX/``, ``._name``) nor a name leaving the zip."""
    parts = PurePosixPath(name).parts
    return not name.startswith("/") and ".." not in parts and not any(p.startswith(("__MACOSX", "._")) for p in parts)


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path) -> None:
    limit = SPREADSHEET_LIMITS.uncompressed_bytes
    too_large = SpreadsheetRefused("file_too_large", limit_mb=limit // MB)
    if member.file_size > limit:
        raise too_large
    try:
        with archive.open(member) as source:
            content = source.read(limit + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise SpreadsheetRefused("file_damaged", detail=type(error).__name__) from None
    if len(content) > limit:
        raise too_large
    target.write_bytes(content)


class ImportedPhotos:
    """The photos of one import: each cell entry read and normalised once, its digest for the row.

    Files go into the store as they are read (not in a dry run); :meth:`keep` adds their rows in the
    import's session, :meth:`discard` removes the files this import added when it wrote nothing.
    """

    def __init__(self, engine: Engine, dry_run: bool, lang: str | None) -> None:
        self.sources: PhotoSources | None = None  # set once the file is open
        self.engine = engine
        self.dry_run = dry_run
        self.lang = lang
        self.read: dict[str, str | PhotoError] = {}
        self.found: dict[str, Photo] = {}
        self.created: list[Path] = []

    def digests(self, entries: list[str]) -> list[str]:
        """The store's digests of a cell's entries, in order; :class:`PhotoError` naming the first bad one."""
        digests = [self._digest(entry) for entry in entries]
        return list(dict.fromkeys(digests))

    def _digest(self, entry: str) -> str:
        if entry not in self.read:
            try:
                self.read[entry] = self._stored(entry)
            except PhotoError as error:
                self.read[entry] = PhotoError("photo_entry", self.lang, entry=entry[:120], problem=str(error))
        found = self.read[entry]
        if isinstance(found, PhotoError):
            raise found
        return found

    def _stored(self, entry: str) -> str:
        if is_digest(entry):
            with Session(self.engine) as session:
                known = session.get(Photo, entry)
            if known is None or not photo_file(entry, known.format).is_file():
                raise PhotoError("photo_source_unknown_digest", self.lang)
            return entry
        assert self.sources is not None, "the import's file is not open"
        photo = normalise(self.sources.read(entry, self.lang), self.lang)
        if not self.dry_run and save_file(photo):
            self.created.append(photo_file(photo.digest, photo.format))
        self.found[photo.digest] = Photo(digest=photo.digest, format=photo.format, width=photo.width,
                                         height=photo.height, size_bytes=len(photo.content))
        return photo.digest

    def keep(self, session: Session) -> None:
        """The :class:`Photo` rows of the photos read, in the import's session."""
        for digest, photo in self.found.items():
            if session.get(Photo, digest) is None:
                session.add(photo)

    def discard(self) -> None:
        """The import wrote nothing: the files it added to the store go too (unless, meanwhile, another
        upload of the same photo was saved)."""
        if not self.created:
            return
        with Session(self.engine) as session:
            for path in self.created:
                if session.get(Photo, path.stem) is None:
                    path.unlink(missing_ok=True)
        self.created.clear()

