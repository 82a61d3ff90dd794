import os
import signal
from types import FrameType

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from .demo import DEMO_USERS, console_sign_ins


class Command(BaseCommand):
    help = "Serve onestop with a production WSGI server (waitress). HOST and PORT are honoured."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="embedded profile: do not run background work in this process",
        )

    def handle(
        self,
        *args: object,
        host: str,
        port: int,
        threads: int,
        no_worker: bool = False,
        **options: object,
    ) -> None:
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
            self.stdout.write(
                f"  officer console: http://{shown}:{port}/en/console/ as {console_sign_ins()}"
            )
            if settings.ONESTOP_SMS_PROVIDER == settings.ONESTOP_EMAIL_PROVIDER == "development":
                self.stdout.write(
                    f"  citizens: sign in at http://{shown}:{port}/en/sign-in/ with any phone "
                    "number or e-mail; the code is in the admin under Development messages"
                )
        worker = None
        if settings.PROFILE == "embedded" and not no_worker:
            from onestop.core.worker import BackgroundWorker

            worker = BackgroundWorker()
            worker.start_thread()
            # SIGTERM stops the server like Ctrl+C does, so the worker finishes its task in hand.
            signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
            self.stdout.write(f"  background worker: {worker.worker_id} (in this process)")
        try:
            serve(application, host=host, port=port, threads=threads, ident="onestop")
        except KeyboardInterrupt:
            # A stop request before waitress's own loop (which catches it) has started.
            self.stdout.write("onestop stopped.")
        finally:
            if worker is not None:
                worker.stop()


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt
