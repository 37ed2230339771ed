"""The OpenAPI schema's shape: every operation documents the errors it can answer with, in the
API's one error shape (api/errors.py), so that a checker (Schemathesis) holds every response
to the schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .serializers import ErrorSerializer

ERRORS = {
    "400": "Bad request: a parameter or field is not valid (see `errors`).",
    "401": "A token was sent that is not valid (unknown, revoked, expired or its owner "
    "deactivated), or a change was asked for without signing in.",
    "403": "Signed in, but not allowed to do this.",
    "404": "No such record that you can see.",
    "405": "Not a method this endpoint has.",
    "406": "Only JSON is offered.",
    "415": "Send JSON (or a form).",
    "429": "Too many requests: wait for the seconds in `Retry-After`.",
}
READ_ONLY = {"400", "401", "404", "406", "429"}


class TrackerSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = READ_ONLY if self.method == "GET" else ERRORS
        for code in sorted(codes):
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = ERRORS[code]
                responses[code] = response
        return responses


class PersonalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PersonalTokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "A personal API token, made on your API tokens page: `Token tst_…`.",
        }
