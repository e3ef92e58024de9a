"""innograph: a knowledge graph of an innovation ecosystem, every fact traceable to its source.

Importing this package does nothing: no store is opened, no file read.
"""

__all__: list[str] = []
