"""Headers: a case-insensitive multi-mapping of HTTP header fields."""
from __future__ import annotations

from typing import Iterable, Iterator, List, Mapping, Optional, Tuple, Union

__all__ = ["Headers", "HeadersLike"]

HeadersLike = Union[Mapping[str, str], Iterable[Tuple[str, str]], None]


class Headers(Mapping[str, str]):
    """Header fields in the order they came, looked up case-insensitively.

    ``headers["content-type"]`` gives the value; a field sent several times gives its
    values joined with ``", "`` (RFC 9110 section 5.3). ``get_all(name)`` gives each value,
    and ``multi_items()`` every ``(name, value)`` pair in order (use these for
    ``Set-Cookie``). Iterating yields each name once, spelled as first sent.
    """

    __slots__ = ("_items", "_index")

    def __init__(self, items: HeadersLike = None) -> None:
        if items is None:
            pairs: List[Tuple[str, str]] = []
        elif isinstance(items, Mapping):
            pairs = [(str(k), str(v)) for k, v in items.items()]
        else:
            pairs = [(str(k), str(v)) for k, v in items]
        self._items = pairs
        self._index: dict = {}
        for name, value in pairs:
            key = name.lower()
            if key in self._index:
                self._index[key][1].append(value)
            else:
                self._index[key] = (name, [value])

    def __getitem__(self, name: str) -> str:
        return ", ".join(self._index[name.lower()][1])

    def __iter__(self) -> Iterator[str]:
        return (entry[0] for entry in self._index.values())

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def get_all(self, name: str) -> List[str]:
        """Every value of the field *name*, in order; [] when absent."""
        entry = self._index.get(name.lower())
        return list(entry[1]) if entry else []

    def multi_items(self) -> List[Tuple[str, str]]:
        """Every ``(name, value)`` pair, repeated names included, in order."""
        return list(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return sorted((k.lower(), v) for k, v in self._items) == sorted(
                (k.lower(), v) for k, v in other._items)
        if isinstance(other, Mapping):
            return {k.lower(): v for k, v in self.items()} == {
                str(k).lower(): str(v) for k, v in other.items()}
        return NotImplemented

    def __repr__(self) -> str:
        return f"Headers({self._items!r})"
