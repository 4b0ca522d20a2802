from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lms.assessments.instruments import (
    InstrumentError,
    read_json,
    validate_definition,
    validate_item_texts,
)
from lms.assessments.records import sync_instruments
from lms.models.assessment import Instrument


class Command(BaseCommand):
    help = (
        "Install an instrument: a full definition file, or a licensed item-text file "
        '({"key": "scl90", "items": [{"number": 1, "text": "..."}, ...]}) checked against '
        "the installed definition."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    @transaction.atomic
    def handle(self, *args, file, **options):
        try:
            data = read_json(file)
            if isinstance(data, dict) and "scoring" in data:
                definition = validate_definition(data)
                Instrument.objects.update_or_create(
                    key=definition["key"],
                    defaults={
                        "name": definition["name"],
                        "version": definition.get("version", 1),
                        "definition": definition,
                    },
                )
                self.stdout.write(f"Installed the definition of {definition['key']}.")
                return
            sync_instruments()
            key = data.get("key") if isinstance(data, dict) else None
            instrument = Instrument.objects.filter(key=key).first()
            if instrument is None:
                raise InstrumentError("key", f"no installed instrument is called {key!r}")
            items = validate_item_texts(instrument.definition, data)
        except InstrumentError as error:
            raise CommandError(f"{file}: {error.where}: {error.problem}") from error
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        instrument.definition = {**instrument.definition, "items": items}
        instrument.texts_licensed = True
        instrument.save(update_fields=["definition", "texts_licensed", "updated_at"])
        self.stdout.write(f"Installed {len(items)} licensed item texts for {instrument.key}.")
