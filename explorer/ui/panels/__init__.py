"""The main window's panels: one per file, each a thin view over analysis results."""
