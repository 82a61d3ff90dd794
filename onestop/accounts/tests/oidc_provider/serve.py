"""Run the test OpenID provider until terminated.

    OIDC_PROVIDER_DIR=… OIDC_PROVIDER_KEY=… python -m onestop.accounts.tests.oidc_provider.serve SEED

Migrates its SQLite file, creates the users and clients the test wrote to the SEED file (JSON:
`users` with username, password, national_id and optional first_name; `clients` with
client_id, client_secret and redirect_uri), binds a free port on 127.0.0.1 and prints
`listening <port>` once it accepts connections.
"""

import json
import os
import sys
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "onestop.accounts.tests.oidc_provider.settings"


def seed(data: dict) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    for user in data["users"]:
        User.objects.create_user(
            username=user["username"],
            password=user["password"],
            first_name=user.get("first_name", ""),
            last_name=user["national_id"],
        )
    for client in data["clients"]:
        Application.objects.create(
            name=client["client_id"],
            client_id=client["client_id"],
            client_secret=client["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=client["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )


def main() -> None:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    seed(json.loads(Path(sys.argv[1]).read_text()))

    from django.core.wsgi import get_wsgi_application
    from waitress.server import create_server

    server = create_server(get_wsgi_application(), host="127.0.0.1", port=0, threads=4)
    print(f"listening {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    main()
