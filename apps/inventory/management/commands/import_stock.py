from pathlib import Path

from django.core.management import BaseCommand, CommandError
from tqdm import tqdm

from apps.inventory.imports import FeedRejected, import_stock, preview_feed, read_upload


class Command(BaseCommand):
    help = (
        "Import a stock feed (CSV, XLSX or JSON lines) with the header location,sku,on_hand (a "
        "full count) or location,sku,delta (a receipt or correction), and optionally "
        "bin_location. A bad row rejects the whole file. --preview says what each row would "
        "change and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv, .xlsx or .jsonl file")
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="import the good rows, report the bad ones"
        )
        parser.add_argument(
            "--idempotency-key", help="importing again with the same key changes nothing"
        )
        parser.add_argument(
            "--preview",
            action="store_true",
            help="print what each row would change (on hand, bin location, refusals); apply nothing",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(
        self,
        *args,
        file,
        skip_bad_rows,
        idempotency_key,
        preview,
        no_progress,
        verbosity,
        **options,
    ):
        path = Path(file)
        try:
            text = read_upload(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        except FeedRejected as exc:
            raise CommandError(f"cannot read {file}: {exc.errors[0].reason}") from exc
        if preview:
            return self.preview(file, text, path.name, skip_bad_rows)
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
                + (f", {result.bins_changed} bin locations set" if result.bins_changed else "")
                + (f"; skipped {len(result.skipped)}." if result.skipped else ".")
            )
        )

    def preview(self, file, text, filename, skip_bad_rows):
        """One line per row that would change something or be refused; nothing is written."""
        try:
            preview = preview_feed(text, filename)
        except FeedRejected as exc:
            raise CommandError(f"{file}: {exc}") from exc
        for row in preview.rows:
            changes = []
            if row.changes_stock:
                changes.append(f"on hand {row.on_hand} -> {row.new_on_hand}")
            if row.changes_bin:
                changes.append(
                    f"bin {row.bin_location or '(none)'} -> {row.new_bin_location or '(none)'}"
                )
            if changes:
                self.stdout.write(
                    f"line {row.line}: {row.sku} at {row.location_code}: " + ", ".join(changes)
                )
        for error in preview.errors:
            self.stdout.write(f"refused {error}")
        self.stdout.write(
            f"Preview of {filename} ({preview.mode}): {len(preview.rows)} rows, "
            f"{preview.stock_changes} change on hand, {preview.bin_changes} change a bin, "
            f"{preview.refused} refused. Nothing was changed."
        )
        if preview.errors and not skip_bad_rows:
            raise CommandError(
                f"{file}: importing it would be refused whole ({len(preview.errors)} problems "
                "listed above); fix them or use --skip-bad-rows"
            )
