"""Developer tools for formcheck (not part of the runtime package)."""
