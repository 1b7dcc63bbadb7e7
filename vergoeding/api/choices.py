"""The fixed choices of the public functions, in a module that imports nothing: the command
line shows them in ``--help`` without loading the database or document code."""

CONTRACT_KINDS = ("expert", "client")
INVOICE_GROUP_BY = ("engagement", "expert", "role", "date")
INVOICE_FORMATS = ("pdf", "xlsx", "ubl")
