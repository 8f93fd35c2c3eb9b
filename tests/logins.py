"""Logging in as a person would, for the tests of the login itself (other tests log in
with the ``client_of`` fixture, past the second step)."""

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from tests.factories import PASSWORD


def code_for(device):
    """The code an authenticator app with this device's key shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def password_login(user, client=None, **extra):
    """A client past the first step, the password (``extra``: the request's headers)."""
    client = client or Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, **extra)
    assert response.status_code == 302, response.status_code
    return client


def verified_login(user, device):
    """A client past both steps: the password, then a code of ``device``."""
    client = password_login(user)
    client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    return client
