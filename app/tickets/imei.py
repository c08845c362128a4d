"""IMEI check digits (Luhn), pure. Only a 15-digit identifier is an IMEI to check: MEIDs
(14 hex digits, or 18 decimal) and longer identifiers are plain serials."""

from __future__ import annotations

from app.errors import InvalidInput

IMEI_LENGTH = 15


def luhn_digit(body: str) -> int:
    """The Luhn check digit for a string of digits (the IMEI's first 14)."""
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char)
        if index % 2 == 0:  # doubled: every second digit from the right of the body
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_imei_shaped(serial: str) -> bool:
    return len(serial) == IMEI_LENGTH and serial.isascii() and serial.isdigit()


def check_imei(serial: str) -> None:
    """Refuses a 15-digit IMEI whose last digit is not its Luhn check digit, saying why."""
    text = serial.strip()
    if not is_imei_shaped(text):
        return
    expected = luhn_digit(text[:14])
    if int(text[14]) != expected:
        raise InvalidInput(
            f"IMEI {text} is not valid: its check digit is {text[14]}, it should be {expected}"
            " (a digit was mistyped)"
        )
