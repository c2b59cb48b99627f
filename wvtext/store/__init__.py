"""The embedded SQLite store (see `db.py`)."""
from .db import Store, open_store

__all__ = ["Store", "open_store"]
