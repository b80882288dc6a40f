"""Where each phrasing of a knowledge base was written, kept compactly until the engine is built.

A 10,000-entry base has 120,000 phrasings; a dict of (entry id, language, position) → (file, Mark)
held 30 MB of tuples while the index was built. Here each (entry id, language) has one array of
packed (file, line, column) numbers: a tenth of that.
"""

from __future__ import annotations

from array import array

from bot.knowledge.located import Mark

_BITS = 24      # lines and columns of a file under MAX_FILE_BYTES (2 MB) fit in 24 bits each


class PhrasingMarks:
    """(entry id, language, position) → (file, Mark), with a dict's `[]=`, `get` and `len`:
    setting a key twice keeps the last value, as a dict would."""

    def __init__(self) -> None:
        self._files: list[str] = []
        self._file_numbers: dict[str, int] = {}
        self._packed: dict[tuple[str, str], array[int]] = {}
        self._count = 0

    def __setitem__(self, key: tuple[str, str, int], value: tuple[str, Mark]) -> None:
        self.add(*key, *value)

    def add(self, entry_id: str, lang: str, position: int, file: str, mark: Mark) -> None:
        """`[(entry_id, lang, position)] = (file, mark)`, without making the two tuples."""
        number = self._file_numbers.get(file)
        if number is None:
            number = self._file_numbers[file] = len(self._files)
            self._files.append(file)
        row = self._packed.get((entry_id, lang))
        if row is None:
            row = self._packed[(entry_id, lang)] = array("q")
        while len(row) <= position:
            row.append(-1)
        if row[position] < 0:
            self._count += 1
        row[position] = (number << 2 * _BITS) | (mark.line << _BITS) | mark.column

    def get(self, key: tuple[str, str, int], default: tuple[str, Mark]) -> tuple[str, Mark]:
        entry_id, lang, position = key
        row = self._packed.get((entry_id, lang))
        if row is None or not 0 <= position < len(row) or row[position] < 0:
            return default
        packed = row[position]
        mask = (1 << _BITS) - 1
        return self._files[packed >> 2 * _BITS], Mark((packed >> _BITS) & mask, packed & mask)

    def __len__(self) -> int:
        return self._count
