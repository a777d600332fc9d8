"""Request bodies are capped before they are read: 413 and one sentence, nothing spooled.

Through the test client for the words, and through a real `patron serve` (gunicorn, two
worker processes) for the bytes: a body past the cap is answered before it is sent, and no
file appears in the temporary or data directories. The same server shows the API's throttle
of wrong tokens counted across its worker processes.
"""

import http.client
import json
import subprocess
import time
from pathlib import Path

import pytest

from patron.web.tests.test_cli import PATRON, environment, free_port, run

LIMIT_MB = 1
REQUEST_MAX = LIMIT_MB * 2**20 + 2**20  # the import limit plus a form's other fields
CHUNKED_MAX = 2_621_440


@pytest.mark.django_db
def test_a_body_past_the_cap_is_refused_in_the_users_language(client, emre, settings):
    settings.PATRON_REQUEST_MAX_BYTES = 1000
    client.force_login(emre)
    response = client.post("/imports/", data=b"x" * 1001, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "Bu istek, sunucunun kabul ettiği 1000" in response.content.decode()  # emre reads Turkish
    at_limit = client.post("/imports/", data=b"x" * 1000, content_type="application/octet-stream")
    assert at_limit.status_code != 413


@pytest.mark.django_db
def test_the_api_answers_413_in_json(client, thai_shop, settings):
    settings.PATRON_REQUEST_MAX_BYTES = 1000
    response = client.post("/api/customers", data=b"{" + b" " * 1000 + b"}", content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"].startswith("This request is larger than the 1000")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`patron serve` with a 1 MB import limit, its own temporary directory, and an Admin's token."""
    data = tmp_path_factory.mktemp("data")
    spool = tmp_path_factory.mktemp("spool")
    env = {"PATRON_IMPORT_MAX_MB": str(LIMIT_MB), "TMPDIR": str(spool), "PATRON_API_FAILURE_LIMIT": "4"}
    assert run(["migrate", "-v", "0"], data, **env).returncode == 0
    made = run(
        ["shell", "-c", "from django.contrib.auth.models import User; User.objects.create_superuser('root')"],
        data,
        **env,
    )
    assert made.returncode == 0, made.stderr
    token = run(["token", "create", "root"], data, **env).stdout.strip().splitlines()[-1]
    port = free_port()
    process = subprocess.Popen(
        [*PATRON, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=environment(data, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/login/")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "patron serve did not start"
                time.sleep(0.2)
        yield {"port": port, "data": data, "spool": spool, "token": token}
    finally:
        process.terminate()
        process.wait(timeout=30)


def files_in(*folders):
    return {
        path
        for folder in folders
        for path in Path(folder).rglob("*")
        if path.is_file() and ".sqlite3" not in path.name and path.parent.name != "static"
    }


def answer(connection):
    response = connection.getresponse()
    return response.status, response.read().decode()


def test_serve_refuses_a_body_past_the_cap_before_it_is_sent(server):
    before = files_in(server["data"], server["spool"])
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
    started = time.monotonic()
    connection.putrequest("POST", "/imports/")
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(REQUEST_MAX + 1))
    connection.endheaders()
    connection.send(b"--x\r\n" + b"y" * 65536)  # the start of the body; the rest is never sent
    status, page = answer(connection)
    assert status == 413 and time.monotonic() - started < 2
    assert "This request is larger than the 2.0" in page and "ask whoever runs Patron" in page
    assert files_in(server["data"], server["spool"]) == before


def test_serve_reads_a_body_at_the_cap(server):
    """Exactly the cap goes through to Django, which parses it (and refuses the form: no CSRF token)."""
    boundary = "x"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'.encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body = head + b"a" * (REQUEST_MAX - len(head) - len(tail)) + tail
    assert len(body) == REQUEST_MAX
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    connection.request("POST", "/login/", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer(connection)[0] == 403


def send_chunked(server, path, body, headers):
    connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=30)
    connection.putrequest("POST", path)
    for name, value in {**headers, "Transfer-Encoding": "chunked"}.items():
        connection.putheader(name, value)
    connection.endheaders()
    for start in range(0, len(body), 65536):
        chunk = body[start : start + 65536]
        connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    connection.send(b"0\r\n\r\n")
    return answer(connection)


def test_serve_takes_a_small_chunked_body_and_refuses_a_long_one(server):
    headers = {"Authorization": f"Bearer {server['token']}", "Content-Type": "application/json"}
    status, text = send_chunked(
        server, "/api/customers", json.dumps({"display_name": "Chunked"}).encode(), headers
    )
    assert status == 201 and json.loads(text)["display_name"] == "Chunked"
    long = b'{"display_name": "' + b"a" * CHUNKED_MAX + b'"}'
    status, text = send_chunked(server, "/api/customers", long, headers)
    assert status == 413
    assert json.loads(text) == {"detail": "A request sent without a Content-Length may be at most 2.5\xa0MB."}


def test_wrong_tokens_are_counted_across_the_server_processes(server):
    """Four wrong tokens, each on its own connection (so spread over both workers), then 429."""
    answers = []
    for n in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10)
        connection.request("GET", "/api/customers", headers={"Authorization": f"Bearer pat_wrong-{n}"})
        answers.append(answer(connection)[0])
    assert answers == [401, 401, 401, 401, 429]
