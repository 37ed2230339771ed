from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """Django's admin app with the product's admin site (see config/admin_site.py)."""

    default_site = "config.admin_site.TrackerAdminSite"
