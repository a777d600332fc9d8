from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from patron.imports.samples import write_samples


class Command(BaseCommand):
    help = "Write the sample import files (and their README) into a folder."

    def add_arguments(self, parser):
        default = Path(settings.BASE_DIR).parent / "samples"
        parser.add_argument("--out", type=Path, default=default, help="Default: samples/ in the project.")

    def handle(self, *args, **options):
        for path in write_samples(options["out"]):
            self.stdout.write(str(path))
