"""The public JSON API, mounted at /api/v1/ by `onestop.urls`; docs/api.md describes it."""

from typing import NoReturn

from django.http import HttpRequest
from ninja import NinjaAPI, Router
from ninja.renderers import JSONRenderer

from .agency import router as agency_router
from .applications import router as applications_router
from .auth import auth_errors_install
from .catalog import router as catalog_router
from .drafts import router as drafts_router
from .errors import errors_install, route_not_found
from .notifications import router as notifications_router
from .outlet import router as outlet_router
from .outlet_drafts import router as outlet_drafts_router


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 as is: Arabic or Cyrillic text escaped as \\uXXXX would triple in size."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=UnicodeJSONRenderer(),
    title="onestop API",
    version="1",
    urls_namespace="api",
    description=(
        "The public service catalog of a one-stop shop: agencies, service passports, life "
        "events. Read-only and anonymous. Texts follow `lang` or Accept-Language; every read "
        "carries an ETag and answers If-None-Match with 304. Trusted agency systems also send "
        "notifications and read their status with an API key (`Authorization: Bearer <key>`); "
        "partner outlets and kiosks file applications for citizens with their center's key. "
        "Errors are "
        '`{"error": {"code", "message", "details"}}` with a stable code.'
    ),
)
errors_install(api)
auth_errors_install(api)
api.add_router("", catalog_router)
api.add_router("", notifications_router)
api.add_router("", applications_router)
api.add_router("", agency_router)
api.add_router("", outlet_router)
api.add_router("", drafts_router)
api.add_router("", outlet_drafts_router)

# Added last, so it only catches what no other route matched.
unknown_routes = Router()


@unknown_routes.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", include_in_schema=False
)
def route_unknown(request: HttpRequest, path: str) -> NoReturn:
    raise route_not_found(request)


@unknown_routes.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "", include_in_schema=False
)
def api_root(request: HttpRequest) -> NoReturn:
    raise route_not_found(request)


api.add_router("", unknown_routes)
