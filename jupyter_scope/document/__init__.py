"""The versioned JSON document: writing, reading and validating it, and its packed form."""
