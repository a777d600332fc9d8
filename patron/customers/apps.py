from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "patron.customers"
