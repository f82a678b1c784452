"""API answers carry the app's own time, so clients and load tests can tell it apart
from time spent waiting in queues and on the network."""

import re


def test_an_api_answer_says_how_long_the_app_took(client, db):
    response = client.get("/api/v1/openapi.json")
    assert re.fullmatch(r"app;dur=\d+\.\d", response["Server-Timing"])


def test_pages_do_not_carry_the_timing(client, db):
    response = client.get("/healthz")
    assert "Server-Timing" not in response
