"""Qt user interface: item models, panels, plots and the main window."""
