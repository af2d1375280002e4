"""One module per export format, each with `render(report) -> str` (see `report/io.py`)."""
