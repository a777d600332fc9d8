"""The `patron` command: every Django management command plus Patron's own."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["patron", *sys.argv[1:]])


if __name__ == "__main__":
    main()
