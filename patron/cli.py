"""The `patron` command: every Django management command plus Patron's own."""

import os
import sys


def main():
    if sys.argv[1:2] == ["analytics"]:
        from patron.analytics.cli import main as analytics

        sys.exit(analytics(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["patron", *sys.argv[1:]])


if __name__ == "__main__":
    main()
