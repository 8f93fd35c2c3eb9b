from django.core.management.base import BaseCommand
from django.utils import translation

from privacy.register import as_markdown


class Command(BaseCommand):
    help = "Print the processing register (what is kept, why, for how long, who sees it) as a Markdown table."

    def add_arguments(self, parser):
        parser.add_argument("--language", default="en", choices=["en", "id"])

    def handle(self, *args, language, **options):
        with translation.override(language):
            self.stdout.write(as_markdown())
