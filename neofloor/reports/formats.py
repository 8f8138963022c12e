"""The formats a report is written in: kept apart so the command line can offer them cheaply."""

REPORT_FORMATS = ("md", "csv", "json")
# What a command can write to a file: the text formats and the .xlsx spreadsheet (reports/xlsx.py).
EXPORT_FORMATS = (*REPORT_FORMATS, "xlsx")
