from django.core.exceptions import ValidationError
from django.urls import reverse


def url_for(name, request, **kwargs):
    return reverse(f"scanning:{name}", kwargs={"agency_slug": request.agency.slug, **kwargs})


def form_errors(form, error: ValidationError):
    """Put a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
