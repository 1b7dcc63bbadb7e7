"""English that leaked into messages before (pydantic's "Input should...", the OS's "File name
too long", tomllib, Jinja, SQLAlchemy, zipfile, calamine, the csv module): the hostile corpora
(round 2, round 3, the import corpus) check every output against it (issue 20, item 4)."""

from __future__ import annotations

import re

ENGLISH = re.compile(r"Input should|File name too long|No such file|Permission denied|is undefined|unexpected|"
                     r"Unexpected|invalid literal|Can't load plugin|No module named|at line \d|Traceback|Error:|"
                     r"not a zip|Range too big|maximum recursion|expected after|File not found|Worksheet|Calamine|"
                     r"BadZip|Errno|Expecting|field larger|new-line|[Ii]nvalid|[Mm]issing|is not|cannot|must be|"
                     r"\bthe\b|\bshould\b|\bfailed\b|\bError\b")


_FILE_NAME = re.compile(r"[\w.-]+\.(?:xlsx|xls|ods|csv|db|sqlite|pdf|toml|html|xml|ubl)\b")


def assert_dutch(text: str) -> None:
    """No English fragment in ``text`` (a command's stdout and stderr); the corpus's own file
    names (``missing-column.xlsx``) are not messages."""
    found = ENGLISH.search(_FILE_NAME.sub("", text))
    assert found is None, f"Engels in de uitvoer ({found.group(0)!r}): {text}"
