"""Turning a service's ValidationError into errors on a Django form."""


def add_service_errors(form, error):
    """Put each message on the form field it names ("phones.1" lands on "phones")."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for path, messages in error.message_dict.items():
        name = path.split(".")[0]
        form.add_error(name if name in form.fields else None, messages)
