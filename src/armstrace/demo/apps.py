from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "armstrace.demo"
    label = "demo"
    verbose_name = "Demonstration data"
