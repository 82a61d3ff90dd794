import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from .demo import DEMO_USERS


class Command(BaseCommand):
    help = "Serve onestop with a production WSGI server (waitress). HOST and PORT are honoured."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: object, host: str, port: int, threads: int, **options: object) -> None:
        from waitress import serve

        from onestop.wsgi import application

        shown = "localhost" if host in {"0.0.0.0", "::"} else host  # noqa: S104
        self.stdout.write(f"onestop is serving on http://{shown}:{port}/")
        self.stdout.write(f"  portal:  http://{shown}:{port}/")
        self.stdout.write(f"  admin:   http://{shown}:{port}/admin/")
        self.stdout.write(f"  API:     http://{shown}:{port}/api/v1/docs")
        if settings.PROFILE == "embedded":
            self.stdout.write(
                "  demo sign-ins (admin): "
                + ", ".join(
                    f"{user} / {password} ({role})" for user, password, _, role in DEMO_USERS
                )
            )
        serve(application, host=host, port=port, threads=threads, ident="onestop")
