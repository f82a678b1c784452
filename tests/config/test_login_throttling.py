from django.urls import reverse

PASSWORD = "correct horse battery staple"


def attempt(client, password, address="198.51.100.7"):
    return client.post(
        reverse("login"),
        {"username": "organiser", "password": password},
        REMOTE_ADDR=address,
    )


def test_five_wrong_passwords_lock_the_account_for_that_address(client, organiser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "guess").status_code == 200
    assert attempt(client, "guess").status_code == 429
    locked = attempt(client, PASSWORD)
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Quá nhiều lần thử" in html  # "Too many attempts"
    assert f"Hãy chờ {settings.AXES_COOLOFF_TIME.seconds // 60} phút" in html
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_lock_the_owner_out_from_another_address(client, organiser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "guess")
    response = attempt(client, PASSWORD, address="192.0.2.44")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(organiser.pk)


def test_a_few_mistakes_do_not_lock_anyone_out(client, organiser, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "guess")
    assert attempt(client, PASSWORD).status_code == 302


def test_client_address_comes_from_our_proxy_only(rf, settings):
    from lib.client_address import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the client cannot forge this entry
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"
