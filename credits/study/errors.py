"""Errors the study services raise, shared by their modules and the API."""


class ReportRefused(Exception):
    """A report that changes nothing, with the HTTP status and the reason to show."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
