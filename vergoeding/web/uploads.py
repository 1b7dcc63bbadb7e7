"""Receipts uploaded with submitted hours.

Accepted: JPEG, PNG and PDF, decided by the content (the first bytes), never by the name or
the type the browser claims; at most 10 MB; an image at most 40 million pixels (a small file
that unpacks into a huge image is refused before it is decoded); archives (zip and the
like, which could unpack into much more) are never accepted. The file is stored under a
random name in the upload folder (``VERGOEDING_WEB_UPLOADS``), outside anything the web
server serves; it is only sent back through a view that checks whose it is, as a download.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import struct
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app
from sqlalchemy import insert, select

from vergoeding.api.workspace import Workspace
from vergoeding.errors import InputError
from vergoeding.store import schema as s
from vergoeding.store.base import _new_id, audit
from vergoeding.store.db import now_utc, transaction
from vergoeding.web.accounts import Account

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def sniff(data: bytes) -> str | None:
    """The content type by the first bytes (None: not accepted)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def _png_pixels(data: bytes) -> int:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise InputError("Dit PNG-bestand is kapot. Maak een nieuwe foto.", field="bonnetje")
    w, h = struct.unpack(">II", data[16:24])
    return int(w) * int(h)


def _jpeg_pixels(data: bytes) -> int:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return int(w) * int(h)
        i += 2 + length
    raise InputError("Dit JPEG-bestand is kapot. Maak een nieuwe foto.", field="bonnetje")


def check_bytes(data: bytes) -> str:
    """The content type of an acceptable receipt, or an InputError that says what to do."""
    if not data:
        raise InputError("Het bestand is leeg. Kies de foto of de PDF van het bonnetje.", field="bonnetje")
    if len(data) > MAX_BYTES:
        raise InputError("Het bestand is te groot. Een bonnetje mag hoogstens 10 MB zijn. Maak een kleinere foto.",
                         field="bonnetje")
    kind = sniff(data)
    if kind is None:
        raise InputError("Dit bestand kunnen we niet gebruiken. Stuur een foto (JPG of PNG) of een PDF.",
                         field="bonnetje")
    if kind != "application/pdf":
        pixels = _png_pixels(data) if kind == "image/png" else _jpeg_pixels(data)
        if pixels > MAX_PIXELS or pixels <= 0:
            raise InputError("Deze foto is te groot. Maak een foto met minder pixels.", field="bonnetje")
    elif b"%%EOF" not in data[-2048:]:
        raise InputError("Deze PDF is niet compleet. Sla hem opnieuw op en probeer het nog eens.", field="bonnetje")
    return kind


def _read(upload: Any) -> bytes:
    data = upload.stream.read(MAX_BYTES + 1)
    upload.stream.seek(0)
    return bytes(data)


def check_upload(upload: Any) -> str:
    return check_bytes(_read(upload))


def store_upload(ws: Workspace, acc: Account, entry_id: int, upload: Any) -> int:
    data = _read(upload)
    kind = check_bytes(data)
    folder = Path(current_app.config["UPLOAD_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.{TYPES[kind]}"
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    filename = "".join(c for c in Path(upload.filename or "bonnetje").name if c.isprintable())[:120] or "bonnetje"
    u = s.portal_uploads
    with transaction(ws.engine) as conn:
        new_id = _new_id(conn.execute(insert(u).values(
            entry_id=entry_id, expert_id=acc.expert_id, account_id=acc.id, filename=filename, content_type=kind,
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), stored_name=name,
            created_at=now_utc())))
        audit(conn, acc.actor, "portal.upload", "entry", entry_id, {"upload": new_id, "size": len(data), "type": kind})
    return new_id


def send_upload(ws: Workspace, upload_id: int, *, expert_id: int | None) -> Response:
    """The file as a download; ``expert_id``: only when it is that expert's (None: finance)."""
    u = s.portal_uploads
    with ws.engine.connect() as conn:
        row = conn.execute(select(u).where(u.c.id == upload_id)).first()
    if row is None or (expert_id is not None and row.expert_id != expert_id):
        abort(404)
    path = Path(current_app.config["UPLOAD_DIR"]) / row.stored_name
    if not path.is_file():
        abort(404)
    ext = TYPES.get(row.content_type, "bin")
    return Response(path.read_bytes(), mimetype=row.content_type,
                    headers={"Content-Disposition": f'attachment; filename="bonnetje-{row.id}.{ext}"'})
