"""A small DHIS2 on the loopback: ``POST /api/dataValueSets`` as the Web API documents it and
DHIS2's import service does it (``DefaultDataValueSetService``), for the values an export sends.

- a personal access token in ``Authorization: ApiToken ...``, else 401;
- ``idScheme=code``: data set, org unit, data elements and combos named by code; an unknown
  one is a conflict and the value is not imported;
- ``dryRun=true``: the summary of what would be done, nothing saved;
- a zero for a data element whose zero is not significant is ignored (the stored value stays);
- an empty value or ``"deleted": true`` deletes a stored value; an empty value with nothing
  stored is ignored;
- the answer in the envelope of DHIS2 2.38 and later, 409 when there are conflicts."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class FakeDhis2:
    def __init__(self, token, data_set, org_units, data_elements, zero_significant=()):
        self.token = token
        self.data_set = data_set
        self.org_units = set(org_units)
        self.data_elements = set(data_elements)
        self.zero_significant = set(zero_significant)
        self.stored = {}  # (de, coc, aoc, ou, period) -> value
        self.requests = []  # (query, payload) of each request

    def import_values(self, query, payload):
        dry_run = query.get("dryRun") == "true"
        conflicts = []
        counts = {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
        if query.get("idScheme") != "code" or payload.get("dataSet") != self.data_set:
            conflicts.append({"object": str(payload.get("dataSet")), "value": "Data set not found or not accessible"})
        stored = dict(self.stored)
        for value in payload.get("dataValues", []):
            org_unit = value.get("orgUnit", payload.get("orgUnit"))
            element = value.get("dataElement")
            if org_unit not in self.org_units:
                conflicts.append({"object": str(org_unit), "value": "Org unit not found or not accessible"})
                counts["ignored"] += 1
                continue
            if element not in self.data_elements:
                conflicts.append({"object": str(element), "value": "Data element not found or not accessible"})
                counts["ignored"] += 1
                continue
            key = (
                element,
                value.get("categoryOptionCombo", ""),
                value.get("attributeOptionCombo", payload.get("attributeOptionCombo", "")),
                org_unit,
                value.get("period", payload.get("period")),
            )
            text = (value.get("value") or "").strip()
            if text == "0" and element not in self.zero_significant:
                counts["ignored"] += 1
                continue
            delete = not text or value.get("deleted") is True
            if key in stored:
                if delete:
                    del stored[key]
                    counts["deleted"] += 1
                else:
                    stored[key] = text
                    counts["updated"] += 1
            elif delete:
                counts["ignored"] += 1
            else:
                stored[key] = text
                counts["imported"] += 1
        if not dry_run:
            self.stored = stored
        status = "WARNING" if conflicts else "SUCCESS"
        summary = {
            "responseType": "ImportSummary",
            "status": status,
            "description": "Import process completed successfully",
            "importCount": counts,
            "conflicts": conflicts,
        }
        envelope = {
            "httpStatus": "Conflict" if conflicts else "OK",
            "httpStatusCode": 409 if conflicts else 200,
            "status": "WARNING" if conflicts else "OK",
            "message": "One more conflicts encountered, please check import summary."
            if conflicts
            else "Import was successful.",
            "response": summary,
        }
        return envelope["httpStatusCode"], envelope

    def handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if url.path != "/api/dataValueSets":
                    return self.answer(404, {"httpStatus": "Not Found", "httpStatusCode": 404})
                if self.headers.get("Authorization") != f"ApiToken {server.token}":
                    return self.answer(401, {"httpStatus": "Unauthorized", "httpStatusCode": 401})
                if self.headers.get("Content-Type") != "application/json":
                    return self.answer(415, {"httpStatus": "Unsupported Media Type", "httpStatusCode": 415})
                payload = json.loads(body)
                server.requests.append((query, payload))
                code, answer = server.import_values(query, payload)
                self.answer(code, answer)

            def answer(self, code, body):
                content = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()
