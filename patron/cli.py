"""The `patron` command: every Django management command plus Patron's own."""

import os
import signal
import sys


def main():
    # A Ctrl-C the process was started ignoring (a shell's background job) is also blocked, before
    # any thread exists so that every thread inherits the block: Polars sets a Ctrl-C handler of
    # its own while it computes, and would otherwise take the signal in one of its threads.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    if sys.argv[1:2] == ["analytics"]:
        from patron.analytics.cli import main as analytics

        sys.exit(analytics(sys.argv[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "patron.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["patron", *sys.argv[1:]])


if __name__ == "__main__":
    main()
