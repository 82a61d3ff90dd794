from django.core.management.base import BaseCommand, CommandError, CommandParser

from onestop.core.audit import audit_verify
from onestop.core.models import AuditHead


class Command(BaseCommand):
    help = "Audit trail operations: `onestop audit verify` proves the trail was not altered."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: object, action: str, **options: object) -> None:
        problems = audit_verify()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"The audit trail is NOT intact: {len(problems)} problem(s).")
        head = AuditHead.objects.filter(id=1).first()
        count = head.sequence if head else 0
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {count} entries."))
