from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin with the staff sign-in (onestop/staff/admin_site.py) as its default site."""

    default_site = "onestop.staff.admin_site.StaffAdminSite"
