"""Exercises as data: the file schema, the loader, routines, and the bundled files
(``poses/`` and ``routines/`` at the top of the repository, installed inside this package)."""
