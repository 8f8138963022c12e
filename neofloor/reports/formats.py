"""The formats a report is written in: kept apart so the command line can offer them cheaply."""

REPORT_FORMATS = ("md", "csv", "json")
