from pathlib import Path

from django.core.management.base import BaseCommand

from patron.imports.samples import SAMPLES_DIR, write_samples


class Command(BaseCommand):
    help = "Write the sample import files, and their README, made by patron/imports/samples.py."

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            default=SAMPLES_DIR,
            metavar="DIR",
            help="The folder to write them into (default: the samples/ folder of the repository).",
        )

    def handle(self, *args, **options):
        written = write_samples(options["out"])
        self.stdout.write(f"Wrote {len(written)} files into {options['out']}.")
