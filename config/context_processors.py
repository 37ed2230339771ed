"""Template context shared by every page."""

from django.conf import settings


def service(request):
    """The service and council names the base template shows."""
    return {"service_name": settings.SERVICE_NAME, "council_name": settings.COUNCIL_NAME}
