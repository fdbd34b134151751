"""One-time codes for tests: the current one lives in conftest, a surely wrong one here."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def wrong_code(device: TOTPDevice) -> str:
    """A code the device refuses: none of the codes inside its tolerance window."""
    accepted = {
        totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
        for drift in range(-device.tolerance - 1, device.tolerance + 2)
    }
    return next(f"{code:06d}" for code in (123456, 654321, 111111) if code not in accepted)
