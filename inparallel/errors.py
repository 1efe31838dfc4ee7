"""The one exception type that tasks turn into a one-line error and an exit code."""


class UserError(Exception):
    """Bad input or an unmet requirement: printed as one line that names the fix.

    `code` is the process exit status; 2 follows the convention for usage errors.
    """

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code
