from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from onestop.accounts.services import citizen_account_ensure, citizen_account_link_person
from onestop.catalog.roles import catalog_editor_group_ensure
from onestop.catalog.selectors import agency_get
from onestop.centers.models import Center
from onestop.core import clock
from onestop.packs.loader import PackInvalid, pack_load
from onestop.people.identifiers import identifier_mask
from onestop.people.services import person_upsert
from onestop.registries.generate import population_generate
from onestop.registries.models import IdentityDocument, Person
from onestop.registries.writer import registries_are_empty
from onestop.staff.actors import SystemActor
from onestop.staff.roles import Role
from onestop.staff.selectors import staff_roles_current
from onestop.staff.services import staff_role_grant

DEMO_POPULATION = 2000  # people in the reference registries; `onestop synth` makes more

DEMO = SystemActor("cli:demo")


def _role(name: str) -> Role:
    """The role the demo's tables name in words ("front-office operator")."""
    return Role(name.replace("-", "_").replace(" ", "_"))


DEMO_USERS = (
    # username, password, is_superuser, role
    ("admin", "onestop-admin", True, "administrator"),
    ("editor", "onestop-editor", False, "catalog editor"),
    ("auditor", "onestop-auditor", False, "auditor"),
)
# The officer console's sign-ins (/en/console/): officers of two agencies that share the
# "having a baby" life event (birth registration, the child's passport), a supervisor, and a
# front-office operator at the central service center, who files at the console's counter.
DEMO_CONSOLE_USERS = (
    # username, password, role, agency code (a center's code for a center-scoped role)
    ("civil-officer", "onestop-civil", "agency officer", "civil-registry"),
    ("civil-supervisor", "onestop-supervisor", "supervisor", "civil-registry"),
    ("migration-officer", "onestop-migration", "agency officer", "migration-service"),
    ("counter-operator", "onestop-counter", "front-office operator", "capital-central"),
)
CENTER_ROLES = {"front-office operator", "center manager"}


# Where the SLA watch's staff alerts go (the development outbox, unless an SMTP server is set).
DEMO_STAFF_DOMAIN = "staff.onestop.gov.xm"


# A citizen whose account is linked to a person of the synthetic registries, so applying
# (prefilled from the registries) and "your data" can be tried at once. In production an account
# is linked by an e-ID sign-in or by an operator who saw the identity card.
DEMO_CITIZEN = "citizen@example.org"


def demo_citizen_link() -> str:
    """Link the demo citizen's account to the first living adult (by national ID) holding a
    valid identity card; returns that national ID. The same person on every run."""
    account = citizen_account_ensure(actor=DEMO.name, contact=DEMO_CITIZEN, channel="cli")
    if account.person_reference:
        return account.person_reference
    today = clock.now().date()
    adult = today.replace(year=today.year - 25)
    holders = IdentityDocument.objects.filter(
        kind="id_card",
        expires_on__gt=today,
        holder__death_date=None,
        holder__birth_date__lte=adult,
        holder__birth_date__gt=adult.replace(year=adult.year - 20),
    )
    national_id = holders.order_by("holder_id").values_list("holder_id", flat=True).first()
    if national_id is None:
        raise CommandError("The demo population holds no adult with an identity card.")
    record = Person.objects.get(national_id=national_id)
    person_upsert(
        actor=DEMO.name,
        national_id=national_id,
        given_names=record.given_name,
        family_name=record.family_name,
        birth_date=record.birth_date,
    )
    citizen_account_link_person(actor=DEMO.name, account=account, national_id=national_id)
    return national_id


def console_sign_ins() -> str:
    return ", ".join(
        f"{user} / {password} ({role}, {agency})"
        for user, password, role, agency in DEMO_CONSOLE_USERS
    )


class Command(BaseCommand):
    help = (
        "Set up the demo: migrate, load the demo country pack, fill the reference registries with "
        "a small synthetic population (once), create the demo sign-ins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pack", default=str(settings.ONESTOP_PACK_DIR))

    def handle(self, *args: object, pack: str, **options: object) -> None:
        if settings.PROFILE != "embedded":
            raise CommandError(
                "The demo sets known passwords; run it only in the embedded profile."
            )
        call_command("migrate", interactive=False, verbosity=0)
        try:
            report = pack_load(path=Path(pack), actor=DEMO)
        except PackInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError("The demo pack is invalid.") from invalid
        if registries_are_empty():
            population_generate(people=DEMO_POPULATION, seed=1, pack_dir=Path(pack))
            self.stdout.write(f"Reference registries: {DEMO_POPULATION} synthetic people.")
        with transaction.atomic():
            catalog_editor_group_ensure()
            for username, password, is_superuser, role in DEMO_USERS:
                user, created = get_user_model().objects.get_or_create(
                    username=username, defaults={"is_staff": True, "is_superuser": is_superuser}
                )
                if created:
                    user.set_password(password)
                    user.save()
                # The superuser flag opens Django's model screens; the role is what the
                # domain's permission checks ask for.
                if not staff_roles_current(user=user).filter(role=_role(role)).exists():
                    staff_role_grant(actor=DEMO, user=user, role=_role(role))
            self._console_users()
            linked = demo_citizen_link()
        self.stdout.write(self.style.SUCCESS(f"Demo ready ({report.total} catalog change(s))."))
        self.stdout.write(f"Officer console sign-ins (/en/console/): {console_sign_ins()}")
        self.stdout.write(
            f"Citizen sign-in (/en/sign-in/): {DEMO_CITIZEN} — linked to the synthetic person "
            f"{identifier_mask(linked)}; the one-time code is in the development outbox "
            "(admin → Development messages)."
        )

    def _console_users(self) -> None:
        for username, password, role, agency_code in DEMO_CONSOLE_USERS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            if created:
                user.set_password(password)
                user.save()
            if not user.email:
                user.email = f"{username}@{DEMO_STAFF_DOMAIN}"
                user.save(update_fields=["email"])
            if role in CENTER_ROLES:
                self._center_role(user, role, center_code=agency_code)
                continue
            agency = agency_get(code=agency_code)
            held = staff_roles_current(user=user).filter(role=_role(role), agency=agency)
            if not held.exists():
                staff_role_grant(actor=DEMO, user=user, role=_role(role), agency=agency)

    def _center_role(self, user: Any, role: str, *, center_code: str) -> None:
        center = Center.objects.get(code=center_code)
        held = staff_roles_current(user=user).filter(role=_role(role), center=center)
        if not held.exists():
            staff_role_grant(actor=DEMO, user=user, role=_role(role), center=center)
