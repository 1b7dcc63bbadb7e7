"""Mail: documents and messages reach people by e-mail, exactly once (docs/MAIL.md).

A room above ``vergoeding.api``: it uses the api and the store; ``core/`` and ``store/``
never import it. Every mail is first a row in the outbox (table ``outbox``, store/schema.py);
sending is a separate step that can be killed and run again.

The contract (kept stable; the portal, ``vergoeding.web``, calls it)::

    from vergoeding.mail.outbox import Attachment, queue_mail, send_queued

    queue_mail(ws, *, kind: str, to: str, subject: str, text: str, html: str | None = None,
               attachments: Sequence[Attachment] = (), ref: str | None = None,
               key: str | None = None) -> int
        Records one mail (nothing is sent) and returns its outbox id. ``kind``: a short word
        ('statement', 'invoice', 'reminder', 'invitation', 'login', ...). ``ref``: the
        document or record it belongs to ('invoice:F2026-0001', 'account:17'). ``key``: a
        unique dedup key; queueing the same key again returns the existing id and queues
        nothing. ``html`` None: an HTML part is made from the text. Refused (InputError):
        an address that is no e-mail address, a subject with a line break, a BSN in the
        subject or body. ``Attachment(filename, mime_type, data: bytes)``: the bytes are
        stored with their SHA-256 (pruned with the body after the retention period).

    send_queued(ws, *, ids: Sequence[int] | None = None, progress=None) -> SendReport
        Sends what is due (``ids``: only those rows, at once, e.g. a login link that must go
        now). ``progress(done, total)`` is called after each mail. Returns a SendReport:
        ``sent``, ``retry`` (temporary error, tried again later with backoff), ``failed``
        (permanent, per recipient, with the server's answer), ``stopped`` (the server
        cannot be used: one Dutch line; the mails stay queued), ``summary()`` (Dutch lines).
        Raises ConfigError when no SMTP server or sender is configured (mail.config).

Configuration: ``VERGOEDING_SMTP`` / ``VERGOEDING_MAIL_FROM`` or ``[mail]`` in
vergoeding.toml (:mod:`vergoeding.mail.config`).
"""
