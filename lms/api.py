from ninja import NinjaAPI

api = NinjaAPI(title="心育 LMS API", version="1.0.0", urls_namespace="api-v1")
