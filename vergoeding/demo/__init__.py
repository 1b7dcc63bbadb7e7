"""The demo administration (fictional data; see ``data``)."""
