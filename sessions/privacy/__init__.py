"""Personal-data requests, above everything else: what Digihelp holds about one
volunteer or one citizen's number, exported or erased. Each app says what it holds about
a person; requests.py asks them all."""
