from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """Django's admin app with the product's admin site (see strategy/admin_site.py)."""

    default_site = "strategy.admin_site.TrackerAdminSite"
