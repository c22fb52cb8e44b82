"""The files of a release on disk: rendered formats, the unit snapshot, the manifest, the ZIP.

No database here: :mod:`app.services.releases` decides *whether* and *what* to publish, this
module turns rendered bytes into a release folder, atomically — everything is written into a
hidden temporary folder beside the final one, then renamed into place, so a reader (or a
crash) never sees half a release, and an existing release folder is never overwritten.

The ZIP is deterministic: entries in manifest order, every entry dated with the release's
creation time, fixed permissions — the same release always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.export.base import Localized, Renderer

MANIFEST = "manifest.json"
UNITS = "units.json"
#: Manifest format; bump when a field changes meaning.
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class BundleFile:
    """One file of a release and what the manifest says about it."""

    name: str
    language: str  # BCP 47 tag of its text
    format: str  # renderer name, or "units" for the snapshot
    media_type: str
    label: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def entry(self) -> dict:
        return {"name": self.name, "language": self.language, "format": self.format,
                "media_type": self.media_type, "size": self.size, "sha256": self.sha256,
                "label": self.label}


def safe_name(name: str) -> str:
    """A renderer's file name, refused unless it is one plain file name (no folders)."""
    if (not name or name in (".", "..") or name.startswith(".") or "/" in name or "\\" in name
            or "\x00" in name or name in (MANIFEST, UNITS)):
        raise ValueError(f"a renderer produced an unusable file name: {name!r}")
    return name


def render_files(items: Iterable[tuple[Localized, list[Renderer]]],
                 step: Callable[[], None] | None = None) -> list[BundleFile]:
    """Render each localized item with each of its renderers (``step`` after every file)."""
    files: list[BundleFile] = []
    seen: set[str] = set()
    for item, renderers in items:
        for renderer in renderers:
            name = safe_name(renderer.filename(item))
            if name in seen:
                raise ValueError(f"two files of one release are both called {name!r}")
            seen.add(name)
            label = f"{renderer.label} · {item.label}" if item.label else renderer.label
            files.append(BundleFile(name=name, language=item.language.bcp47,
                                    format=renderer.name, media_type=renderer.media_type,
                                    label=label[:200], data=renderer.render(item)))
            if step is not None:
                step()
    return files


def units_file(item: Localized) -> BundleFile:
    """The snapshot of every segment's text: what the next release is compared with."""
    payload = {
        "document": item.name, "language": item.language.bcp47, "release": item.release,
        "source_revision": item.source_revision, "created": item.created.isoformat(),
        "units": [{"context": unit.context, "source": unit.source, "target": unit.target,
                   "state": unit.state} for unit in item.units],
    }
    return BundleFile(name=UNITS, language=item.language.bcp47, format="units",
                      media_type="application/json", label="Segment snapshot (JSON)",
                      data=_json(payload))


def manifest(item: Localized, files: list[BundleFile]) -> bytes:
    """What a reader of the bundle needs to trust it; no personal names, ever."""
    return _json({
        "manifest_version": MANIFEST_VERSION,
        "document": item.name,
        "language": item.language.bcp47,
        "release": item.release,
        "source_revision": item.source_revision,
        "created": item.created.isoformat(),
        "files": [file.entry() for file in files],
    })


def _json(payload: Mapping) -> bytes:
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def zip_name(item: Localized) -> str:
    return f"{item.name}.{item.language.bcp47}.release-{item.release}.zip"


def zip_bytes(item: Localized, files: list[BundleFile], manifest_data: bytes) -> bytes:
    """Every file and the manifest in one folder named after the release, deterministic."""
    folder = zip_name(item).removesuffix(".zip")
    stamp = item.created.timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in [*((f.name, f.data) for f in files), (MANIFEST, manifest_data)]:
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, so the permissions above are read as such
            bundle.writestr(info, data)
    return buffer.getvalue()


def write_folder(target: Path, contents: Mapping[str, bytes]) -> None:
    """Write ``contents`` as a new folder ``target``: all of it appears at once, or nothing.

    Raises :class:`FileExistsError` when ``target`` exists (a release is never overwritten).
    """
    if target.exists():
        raise FileExistsError(f"{target} already exists; a release is never overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, data in contents.items():
            with open(staging / name, "xb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(staging, 0o755)
        if target.exists():  # someone published the same number meanwhile
            raise FileExistsError(f"{target} already exists; a release is never overwritten")
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_zip(path: Path, expected: Mapping[str, str]) -> list[str]:
    """Problems inside a release ZIP: its entries must be exactly the release's files and the
    manifest, each with the recorded checksum (``expected``: name → SHA-256)."""
    wanted = {name: digest for name, digest in expected.items() if name != path.name}
    found: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as bundle:
            for info in bundle.infolist():
                found[info.filename.rpartition("/")[2]] = sha256_bytes(bundle.read(info))
    except (zipfile.BadZipFile, OSError) as exc:
        return [f"{path.name}: unreadable ({exc})"]
    problems = [f"{path.name}: {name} missing" for name in wanted if name not in found]
    problems += [f"{path.name}: unexpected {name}" for name in found if name not in wanted]
    problems += [f"{path.name}: {name} checksum mismatch" for name, digest in found.items()
                 if name in wanted and wanted[name] != digest]
    return problems
