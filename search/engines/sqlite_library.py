"""The SQLite library the FTS5 engine runs on (only that engine imports this module).

pysqlite3-binary (requirements.txt, a wheel for Linux x86-64) bundles a current SQLite, where
Python's own module links the system's (3.40 on Debian 12). From SQLite 3.43 an FTS5 table can be
*contentless* and still delete rows (``contentless_delete``): the index no longer keeps a copy of
every token string it was given, which was half of its size on disk (at 300,000 articles 3.9 of
7.8 GB) and a large part of the time a write takes. Without it (another platform, no wheel) the
engine falls back to Python's module and the tables that store their content.
"""

try:
    from pysqlite3 import dbapi2 as sqlite3
except ImportError:  # pragma: no cover - where the wheel is not installed
    import sqlite3  # noqa: F401

CONTENTLESS = sqlite3.sqlite_version_info >= (3, 43, 0)  # FTS5's contentless_delete
