"""Remote database aliases at run time: a remote alias's child transaction through the official driver, the
drivers' pools, and values between the two."""
from graphplex.remote.drivers import RemoteDrivers
from graphplex.remote.transaction import (
    REMOTE_BOOKMARK, RemoteTransaction, bookmarks_for, carried_bookmarks, remote_text,
)

__all__ = ["RemoteDrivers", "RemoteTransaction", "REMOTE_BOOKMARK", "bookmarks_for", "carried_bookmarks", "remote_text"]
