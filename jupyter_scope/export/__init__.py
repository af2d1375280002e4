"""Writing a report to files, one writer per format."""
