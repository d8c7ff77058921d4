"""Chargely: the Smartcar side of a small EV companion app.

This is the code a pytest-smartcar user owns: an httpx client with retries, an API V3
client (app token, signals, a command), a mapper
from errors to user-facing text, a re-authentication link, an official-SDK variant and a
WSGI callback for Smartcar Connect and webhooks. Its tests in ``../tests`` show every
feature of the plugin; nothing here imports pytest-smartcar.
"""

from app.client import Battery, SmartcarClient
from app.dashboard import Dashboard, Tile
from app.errors import SmartcarApiError, parse_error
from app.messages import user_message
from app.reauth import reauth_url
from app.sdk_service import SdkOdometerService
from app.v3_client import SmartcarV3Client
from app.web import ChargelyWeb

__all__ = [
    "Battery",
    "ChargelyWeb",
    "Dashboard",
    "SdkOdometerService",
    "SmartcarApiError",
    "SmartcarClient",
    "SmartcarV3Client",
    "Tile",
    "parse_error",
    "reauth_url",
    "user_message",
]
