"""Domain errors of the contacts app; views turn them into form errors or messages."""


class ContactError(Exception):
    """A business rule refused the change (message is German and shown to the user)."""


class ConflictError(ContactError):
    """Someone else saved the record since it was loaded (optimistic locking)."""
