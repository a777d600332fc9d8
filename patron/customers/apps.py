from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "patron.customers"

    def ready(self):
        from patron.customers.registry import discover

        # Each app declares what it holds about a customer in customer_data.py.
        discover()
