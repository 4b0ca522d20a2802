"""The one bridge to servers that refuse the Elasticsearch 8 client's compatibility headers.

The 8.x client sends `application/vnd.elasticsearch+json; compatible-with=8`, which
OpenSearch-compatible servers (such as the in-memory one our tests run) reject. Used only
when LMS_SEARCH_BACKENDS sets "PLAIN_JSON": True.
"""

from elastic_transport import Urllib3HttpNode


class PlainJsonNode(Urllib3HttpNode):
    def perform_request(self, method, target, body=None, headers=None, **kwargs):
        headers = dict(headers or {})
        for name in list(headers):
            if name.lower() in ("accept", "content-type"):
                headers[name] = "application/json"
        return super().perform_request(method, target, body=body, headers=headers, **kwargs)
