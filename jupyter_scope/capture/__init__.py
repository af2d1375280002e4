"""Capture: hooks into TensorFlow that turn what a block does into plain events."""
