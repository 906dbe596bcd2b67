"""pyqtgraph plots: narrow inputs (arrays from analysis), items built once, updated with setData."""
