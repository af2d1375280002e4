"""Report: the networkx model of a recording, its analysis, diff and file formats."""
