"""Exports: reports, tables and figures."""
