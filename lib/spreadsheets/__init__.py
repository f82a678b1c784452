"""Spreadsheets, read and written one way everywhere: reading.py reads what organisers
fill in, tables.py checks an import's columns and rows, writing.py writes .xlsx and .csv
files (no .csv cell can run as a formula), forms.py is the upload field."""
