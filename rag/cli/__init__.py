"""Command-line interface: `rag` (main.py) with one module per command group."""
