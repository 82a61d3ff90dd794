"""What administrators see of the core: the audit trail and domain events (read only), event
deliveries with their errors (parked ones re-runnable), periodic jobs and live workers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .dispatch import delivery_rerun
from .errors import DomainError
from .models import (
    AuditRecord,
    DomainEvent,
    EventDelivery,
    PeriodicJob,
    WorkerHeartbeat,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the platform: shown, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "occurred_at", "actor", "action", "entity_type", "entity_id"]
    list_filter = ["action", "entity_type"]
    search_fields = ["actor", "entity_id", "action"]
    date_hierarchy = "occurred_at"


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdmin):
    list_display = ["name", "occurred_at", "actor", "entity_type", "entity_id", "handled_at"]
    list_filter = ["name", "entity_type"]
    search_fields = ["entity_id", "actor"]
    date_hierarchy = "occurred_at"


@admin.register(EventDelivery)
class EventDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "event_name",
        "subscriber_name",
        "status",
        "attempts",
        "next_attempt_at",
        "finished_at",
        "error_summary",
    ]
    list_filter = ["status", "subscriber_name"]
    list_select_related = ["event"]
    search_fields = ["event__entity_id", "subscriber_name"]
    actions = ["rerun_parked"]

    def has_rerun_permission(self, request: HttpRequest) -> bool:
        # Rows stay read-only in forms; re-running is a separate, deliberate right.
        return request.user.has_perm("core.change_eventdelivery")

    @admin.display(description=_("event"), ordering="event__name")
    def event_name(self, delivery: EventDelivery) -> str:
        return f"{delivery.event.name} {delivery.event.entity_type}:{delivery.event.entity_id}"

    @admin.display(description=_("last error"))
    def error_summary(self, delivery: EventDelivery) -> str:
        lines = [line for line in delivery.last_error.strip().splitlines() if line.strip()]
        return lines[-1][:200] if lines else ""

    @admin.action(description=_("Re-run the selected parked deliveries"), permissions=["rerun"])
    def rerun_parked(self, request: HttpRequest, queryset: QuerySet[EventDelivery]) -> None:
        actor = f"staff:{request.user.get_username()}"
        done, refused = 0, 0
        for delivery_id in queryset.values_list("id", flat=True):
            try:
                delivery_rerun(delivery_id=delivery_id, actor=actor)
                done += 1
            except DomainError:
                refused += 1
        if done:
            self.message_user(
                request,
                gettext("%(count)s parked delivery(ies) queued to run again.") % {"count": done},
            )
        if refused:
            self.message_user(
                request,
                gettext(
                    "%(count)s selected delivery(ies) were not parked and were left as they are."
                )
                % {"count": refused},
                messages.WARNING,
            )


@admin.register(PeriodicJob)
class PeriodicJobAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "last_started_at",
        "last_duration_ms",
        "last_outcome",
        "run_count",
        "next_run_at",
        "leased_by",
    ]
    list_filter = ["last_outcome"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["worker_id", "hostname", "pid", "queues", "started_at", "last_seen"]
