from django.contrib.admin.apps import AdminConfig


class PatronAdminConfig(AdminConfig):
    default_site = "patron.web.admin_site.PatronAdminSite"
