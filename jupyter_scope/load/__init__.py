"""TF files (checkpoints, SavedModels, GraphDefs, event files) → a report, without running code."""
