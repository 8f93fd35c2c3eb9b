"""Hostile import files: time and memory of their refusal (not part of make bench or make test).

    .venv/bin/python -m bench.import_bombs            # all cases, a table on stdout
    .venv/bin/python -m bench.import_bombs --before   # also the reading as it was (tablib, whole file)

Each case runs in a child process of its own, so its peak memory (the high-water mark of
the resident set, ru_maxrss) is its own; the figure given is the rise of that mark while the
upload is parsed and read, on top of the file's bytes already in memory. The files are built
on disk first, streamed, so building a 1.2 GB bomb costs no memory.

What is measured is the path of the import page: the multipart body through the page's
upload handler (kept in memory up to MEMBER_IMPORT_MAX_BYTES, dropped past it), then
``members.importing.read_file``. The database is not touched.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile

HEADER = (
    "branch,uic,alias,kind,gender,birth_year,work_setting,joined_on,consent_on,peer_educator,legal_name,nik,phone\n"
)


def row(n):
    return (
        f"31,SIBU2{(n % 28) + 1:02d}{(n // 28) % 12 + 1:02d}{90 + n // 336 % 10:02d},Alias {n},regular,woman,"
        f"1990,street,2024-01-15,2024-01-15,no,,,\n"
    )


def write_csv(path, size=None, rows=None):
    with open(path, "w") as out:
        out.write(HEADER)
        n = 0
        while (size is not None and out.tell() < size) or (rows is not None and n < rows):
            out.write(row(n))
            n += 1


def write_xlsx(path, rows, padding=0, cell=None):
    """A workbook written by hand, streamed: ``rows`` member rows, then ``padding`` bytes of
    whitespace inside the sheet (compresses about 1000 to 1)."""
    sheet_head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
    }

    def xml_row(number, cells):
        inner = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in cells)
        return f'<row r="{number}">{inner}</row>'.encode()

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in parts.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(sheet_head.encode())
            sheet.write(xml_row(1, HEADER.strip().split(",")))
            for n in range(rows):
                sheet.write(xml_row(n + 2, cell(n) if cell else row(n).strip().split(",")))
            chunk = b" " * (1 << 20)
            for _ in range(padding >> 20):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")


CASES = {
    # name: (what, builder, file name)
    "csv-50mb": ("CSV of 50 MB (over the 5 MB limit)", lambda p: write_csv(p, size=50 * 1024 * 1024), "m.csv"),
    "csv-60k-rows": ("CSV under 5 MB, 60,000 rows (limit 5,000)", lambda p: write_csv(p, rows=60_000), "m.csv"),
    "xlsx-1mb-to-1.2gb": (
        "XLSX of 1.2 MB that unpacks to 1.2 GB",
        lambda p: write_xlsx(p, 2, 1200 * 1024 * 1024),
        "m.xlsx",
    ),
    "xlsx-300k-rows": ("XLSX of 300,000 rows (unpacks far past the limit)", lambda p: write_xlsx(p, 300_000), "m.xlsx"),
    "xlsx-15k-rows": (
        "XLSX under both size limits, 15,000 rows, no dimension element",
        lambda p: write_xlsx(p, 15_000),
        "m.xlsx",
    ),
    "xlsx-heaviest-allowed": (
        "XLSX of 5,000 rows x 15 cells of 100 characters (just under the limits)",
        lambda p: write_xlsx(p, 5000, cell=lambda n: [f"{n:05d}" + "x" * 95] * 15),
        "m.xlsx",
    ),
    "csv-5000-rows": ("CSV of 5,000 rows (accepted)", lambda p: write_csv(p, rows=5000), "m.csv"),
    "xlsx-5000-rows": ("XLSX of 5,000 rows (accepted)", lambda p: write_xlsx(p, 5000), "m.xlsx"),
}


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(case, path, before):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opsi.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.test import RequestFactory

    from members.importing import ImportUploadHandler, read_file

    name = CASES[case][2]
    content = open(path, "rb").read()
    if before:
        import tablib

        start_mark, start = peak_mb(), time.perf_counter()
        try:
            if name.endswith(".xlsx"):
                dataset = tablib.Dataset().load(content, format="xlsx")
            else:
                dataset = tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
            outcome = f"read, {len(dataset)} rows (refused only afterwards)"
        except Exception as error:  # noqa: BLE001 - what the old code met, whatever it was
            outcome = f"error: {type(error).__name__}"
        return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb() - start_mark, "outcome": outcome}
    # The multipart body as a browser sends it; the page's handler reads it.
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = RequestFactory().post("/members/import/", {"file": SimpleUploadedFile(name, content)})
    del content
    start_mark, start = peak_mb(), time.perf_counter()
    handler = ImportUploadHandler(request)
    request.upload_handlers = [handler]
    files = request.FILES
    if handler.too_large:
        outcome = "refused: too large (upload dropped while parsing)"
    else:
        try:
            dataset = read_file(files["file"])
            outcome = f"accepted, {len(dataset)} rows"
        except ValidationError as error:
            outcome = "refused: " + " ".join(error.messages)
    return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb() - start_mark, "outcome": outcome}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--case")
    parser.add_argument("--file")
    parser.add_argument("--before", action="store_true", help="also measure the old reading (tablib, whole file)")
    parser.add_argument("--only", nargs="*", help="case names")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(child(args.case, args.file, args.before)))
        return
    print("| file | on disk | now: seconds | now: memory rise | now: outcome | before: seconds | before: memory rise |")
    print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
    with tempfile.TemporaryDirectory() as directory:
        for case in args.only or CASES:
            what, build, name = CASES[case]
            path = os.path.join(directory, name)
            build(path)
            size = os.path.getsize(path) / (1024 * 1024)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(path) as book:
                    unpacked = sum(info.file_size for info in book.infolist()) / (1024 * 1024)
                size_text = f"{size:.1f} MB ({unpacked:,.0f} MB unpacked)"
            else:
                size_text = f"{size:.1f} MB"
            runs = [False] + ([True] if args.before and case not in ("xlsx-1mb-to-1.2gb", "xlsx-300k-rows") else [])
            figures = []
            for before in runs:
                out = subprocess.run(
                    [sys.executable, "-m", "bench.import_bombs", "--case", case, "--file", path]
                    + (["--before"] if before else []),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures.append(json.loads(out.stdout.strip().splitlines()[-1]))
            now = figures[0]
            old = figures[1] if len(figures) > 1 else None
            print(
                f"| {what} | {size_text} | {now['seconds']:.2f} | {now['peak_mb']:.0f} MB | {now['outcome'][:90]} | "
                + (f"{old['seconds']:.2f} | {old['peak_mb']:.0f} MB |" if old else "not run | |")
            )
            os.remove(path)


if __name__ == "__main__":
    main()
