from pathlib import Path

from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from apps.inventory.imports import FeedRejected, import_stock


class Command(BaseCommand):
    help = (
        "Import a stock feed (CSV or JSON lines) with the header location,sku,on_hand (a full count) "
        "or location,sku,delta (a receipt or correction). A bad row rejects the whole file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv or .jsonl file")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, report the bad ones"
        )
        parser.add_argument(
            "--idempotency-key", help="importing again with the same key changes nothing"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self, *args, file, skip_bad_rows, idempotency_key, no_progress, verbosity, **options
    ):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        rows = max(sum(1 for line in text.splitlines() if line.strip()) - 1, 0)
        with tqdm(total=rows, unit="row", disable=no_progress or verbosity == 0) as bar:
            try:
                result = import_stock(
                    text=text,
                    filename=path.name,
                    skip_bad_rows=skip_bad_rows,
                    idempotency_key=idempotency_key,
                    progress=bar.update,
                )
            except FeedRejected as exc:
                raise CommandError(f"{file}: {exc}") from exc
        if result.already_applied:
            self.stdout.write(
                f"Already imported with key {idempotency_key!r} (import #{result.stock_import.pk}); nothing changed."
            )
            return
        for error in result.skipped:
            self.stderr.write(f"skipped {error}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.rows_applied} of {result.rows_total} rows ({result.mode}) as import #{result.stock_import.pk}"
                + (f"; skipped {len(result.skipped)}." if result.skipped else ".")
            )
        )
