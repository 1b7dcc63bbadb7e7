"""Reconciling with the bank (issue 22): ``vergoeding bank import FILE`` reads a CAMT.053
statement (:mod:`vergoeding.bank.camt`) and matches it (:mod:`vergoeding.bank.reconcile`).
A room of its own above ``api/``: core and store never import it."""
