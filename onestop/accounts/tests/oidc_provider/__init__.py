"""A real OpenID provider for the e-ID tests: django-oauth-toolkit's OIDC provider in a small
Django project of its own (settings, URLs, a validator adding the `national_id` claim), run by
`serve.py` in a subprocess with its own SQLite file and an RSA key the test generates."""
