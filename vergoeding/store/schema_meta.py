"""The schema's one ``MetaData``: every table of :mod:`vergoeding.store.schema` and of the rooms'
table modules (:mod:`~vergoeding.store.schema_mail`, :mod:`~vergoeding.store.schema_portal`) is
defined on it, so that ``metadata.create_all`` and the foreign keys between them see them all.
A module of its own so that those table modules need not import ``schema`` (which imports them)."""

from __future__ import annotations

from sqlalchemy import MetaData

metadata = MetaData()
