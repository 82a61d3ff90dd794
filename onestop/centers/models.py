"""Places where people are served: service centers, mobile units, kiosks, partner outlets."""

from __future__ import annotations

from django.db import models

from onestop.core.ids import new_id


class CenterKind(models.TextChoices):
    CENTER = "center", "Service center"
    MOBILE_UNIT = "mobile_unit", "Mobile unit"
    KIOSK = "kiosk", "Kiosk"
    PARTNER_OUTLET = "partner_outlet", "Partner outlet"


class Center(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=20, choices=CenterKind.choices)
    name = models.JSONField()
    address = models.JSONField(default=dict, blank=True)
    region = models.CharField(max_length=60)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    telephone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    opening_hours = models.JSONField(
        default=dict, blank=True, help_text='{"mon": ["08:30-17:00"], …}; absent days are closed.'
    )
    time_zone = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
