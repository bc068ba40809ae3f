"""Producing ahead: an iterator's items made by a worker thread while the consumer uses the
one before (pyarrow parses without holding the GIL)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from queue import Full, Queue
from typing import Any, TypeVar

__all__ = ["read_ahead"]

_T = TypeVar("_T")


def read_ahead(items: Iterable[_T], depth: int = 1) -> Iterator[_T]:
    """``items``, produced ahead by a worker thread (up to ``depth`` of them waiting), so
    that producing the next overlaps using this one: pyarrow parses the next block (without
    the GIL) while this one is converted, and the batch classified and written. An
    exception of ``items`` is raised here, after the items before it; closing this iterator
    (or an exception in the caller) stops the worker."""
    queue: Queue[tuple[bool, Any]] = Queue(depth)
    stop = threading.Event()
    iterator = iter(items)

    def put(item: tuple[bool, Any]) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def work() -> None:
        try:
            for item in iterator:
                if not put((True, item)):
                    return
        except BaseException as e:  # handed over to the consumer
            put((False, e))
        else:
            put((False, None))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="regencord-csv-reader", daemon=True)
    worker.start()
    try:
        while True:
            ok, item = queue.get()
            if ok:
                yield item
            elif item is None:
                return
            else:
                raise item
    finally:
        stop.set()
        worker.join()
