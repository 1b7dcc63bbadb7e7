"""The demo (``vergoeding demo``): a fictional administration (``data``), built and run through
the public api (``run``; invoice and contract steps in ``invoices``, payout steps in
``payout``). It sits above :mod:`vergoeding.api` and only calls it; nothing in the library
imports it."""
