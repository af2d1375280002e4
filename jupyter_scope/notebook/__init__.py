"""The notebook's side: the magics, the cell runner, the report history, the widget."""
