"""Register a unit device and print its token (shown once; only its hash is kept)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dispatch.models import MobileUnit
from dispatch.services.positions import device_register


class Command(BaseCommand):
    help = "Register a position-reporting device for a mobile unit and print its token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("call_sign", help="the unit's call sign, e.g. MU-A1")
        parser.add_argument("name", help="what the device is, e.g. 'patrol car tracker'")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = MobileUnit.objects.filter(call_sign=options["call_sign"]).first()
        if unit is None:
            raise CommandError(f"No mobile unit with call sign {options['call_sign']!r}.")
        device, token = device_register(actor=None, unit=unit, name=options["name"])
        self.stdout.write(f"Device {device.pk} registered for {unit.call_sign}.")
        self.stdout.write(f"Token (shown once): {token}")
        self.stdout.write("Send positions with the header:  Authorization: Device <token>")
