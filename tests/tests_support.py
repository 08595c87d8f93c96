"""Helpers shared by test modules (imported as `tests_support`)."""

from django.test import Client


def login_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
