"""vergoeding: pay and contract experts by experience (ervaringsdeskundigen) correctly.

Importing this package is cheap: it pulls in no click, weasyprint, openpyxl or database
driver. The public functions live in :mod:`vergoeding.api`.
"""

__version__ = "0.1.0"
