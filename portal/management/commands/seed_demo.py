"""Seed the demo organisation and one account per role; safe to run again."""

import os
from typing import Any

from django.core.management.base import BaseCommand

from portal.services.demo import demo_password_generate, demo_seed


class Command(BaseCommand):
    help = "Create demo accounts (officer, dispatcher, analyst, admin) and the organisation tree."

    def handle(self, *args: Any, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD") or demo_password_generate()
        accounts = demo_seed(password=password)
        self.stdout.write(self.style.MIGRATE_HEADING("Demo accounts"))
        for account in accounts:
            state = "created" if account.created else "exists"
            self.stdout.write(f"  {account.username:<11} {', '.join(account.roles):<15} ({state})")
            if account.otpauth_uri:
                self.stdout.write(f"      TOTP: {account.otpauth_uri}")
        self.stdout.write(f"  password:   {password}")
