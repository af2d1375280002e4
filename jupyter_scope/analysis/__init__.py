"""What a report says beyond its graph: diagnostics, the diff of two reports, a checkpoint match."""
