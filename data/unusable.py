"""The one error of an import that cannot use a file at all: raised by the reader, the workbook
check, the archive and the lists' checks, shown to the user as its one-line message."""


class UnusableFile(Exception):
    """The file cannot be imported at all; the message is one line for the user."""
