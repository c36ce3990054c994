"""Exceptions raised by Nanbei."""


class DataError(ValueError):
    """A data file or table does not meet Nanbei's data contract.

    The message always names the file (or table), the offending row/column and
    what was expected, so that a user can fix the input without reading a
    pandas traceback.
    """
