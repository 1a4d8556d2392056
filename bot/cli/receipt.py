"""``brewbot receipt``: check a receipt for time given (/mytime receipt).

Check that a receipt code was signed by this brewbot (with its token), and say the minutes
and month it holds. It holds nothing else.
"""

from __future__ import annotations

import argparse

from bot.cli import refused
from bot.keyed import NotOurReceipt, check_receipt
from bot.settings import SettingsError, load_settings
from conversations.messages import load_messages


def arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``brewbot receipt``'s options."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check one code")
    check.add_argument("code", help="the code, such as BREW-25-202611-ABCDEFGH23")


def run(args: argparse.Namespace) -> int:
    """Print what a good code vouches for (exit 0), or that it is not ours (exit 1)."""
    messages = load_messages()
    try:
        secret = load_settings().require_token()
    except SettingsError as exc:
        return refused(exc)
    try:
        receipt = check_receipt(secret, args.code)
    except NotOurReceipt:
        print(messages.text("receipt_bad"))
        return 1
    time = messages.count("count_minutes", receipt.minutes)
    print(messages.text("receipt_good", time=time, month=receipt.month_name))
    return 0
