"""English formats (FORMAT_MODULE_PATH) next to their strftime twins (see `ui.display`)."""

DATE_FORMAT = "m/d/Y"
DATETIME_FORMAT = "m/d/Y h:i A"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y h:i A"
TIME_FORMAT = "h:i A"
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
DATE_INPUT_FORMATS = ["%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"]
DATETIME_INPUT_FORMATS = [
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 0

STRFTIME_DATE = "%m/%d/%Y"
STRFTIME_DATETIME = "%m/%d/%Y %I:%M %p"
