from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "patron.demo"
