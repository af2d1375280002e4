"""The networkx graph of a report: records → nodes and edges, totals, devices."""
