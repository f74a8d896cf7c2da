"""What every importer shares: the largest file it reads and the error for a file it refuses."""

from __future__ import annotations

from typing import Optional

MAX_FILE_BYTES = 20 * 1024 * 1024


class CatalogueImportError(ValueError):
    """A file that cannot be imported. str() is a Dutch sentence with file and record."""

    def __init__(self, file: str, record: Optional[str], message: str):
        self.file, self.record, self.message = file, record, message
        where = f"{file}, record {record}" if record else file
        super().__init__(f"Importfout in {where}: {message}. Er is niets uit dit bestand opgeslagen.")
