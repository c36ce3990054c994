"""Exceptions raised by Nanbei."""


class DataError(ValueError):
    """A data file or table does not meet Nanbei's data contract.

    The message always names the file (or table), the offending row/column and
    what was expected, so that a user can fix the input without reading a
    pandas traceback.
    """


class DataWarning(UserWarning):
    """A value is suspicious but not impossible (e.g. a jump that reverses at once).

    The message names the file, the values and what was done with them (masked to
    NaN or kept); the loader's result lists them in full.
    """
