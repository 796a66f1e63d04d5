"""How much input the catalogue accepts: a spreadsheet's size, rows and cells, and the largest amounts.

A file past a limit is refused before it is parsed (or, if it lied about its size, as soon as reading
passes the limit), so a small hostile file cannot take the memory of the CLI or of the shared app.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class SpreadsheetLimits:
    uncompressed_bytes: int = 50 * MB  # an .xlsx's zip entries, all together, inflated
    zip_entries: int = 1_000
    csv_bytes: int = 50 * MB
    rows: int = 20_000  # below the header row
    columns: int = 100  # cells further right are not read (the layout has 22 columns)
    cell_chars: int = 5_000


SPREADSHEET_LIMITS = SpreadsheetLimits()

PRICE_MAX = 1_000_000_000  # đồng
NUMBER_MAX = 1_000_000_000  # stock, grams, centimetres, days
