"""Renderers: a document model in, bytes out. The caller writes the file (atomically,
with :func:`vergoeding.render.files.write_atomic`)."""
