from ninja import NinjaAPI

api = NinjaAPI(title="onestop API", version="1", urls_namespace="api")
