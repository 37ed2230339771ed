"""The API's documentation page: a GOV.UK page written from the OpenAPI schema on the server,
so it works without JavaScript and under the strict CSP. Swagger UI (served from this site by
drf-spectacular-sidecar, no CDN) is offered beside it for trying requests in a browser."""

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularSwaggerSplitView

from .serializers import ErrorSerializer  # noqa: F401  (the schema's error component)


@cache
def schema() -> dict:
    """The schema, made once per process (it changes only with the code)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _type(spec: dict, components: dict) -> str:
    if "$ref" in spec:
        return spec["$ref"].rsplit("/", 1)[-1]
    if "allOf" in spec:
        return " ".join(_type(part, components) for part in spec["allOf"])
    if "oneOf" in spec:
        return " or ".join(_type(part, components) for part in spec["oneOf"])
    kind = spec.get("type", "")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}), components)}"
    if "enum" in spec:
        return "one of: " + ", ".join(str(value) for value in spec["enum"] if value)
    return spec.get("format", kind) or "any"


def _fields(ref: str, components: dict) -> list[dict]:
    """A request body's fields, from its component."""
    component = components.get(ref.rsplit("/", 1)[-1], {})
    required = set(component.get("required", []))
    return [
        {
            "name": name,
            "type": _type(spec, components),
            "required": name in required,
            "description": spec.get("description", ""),
        }
        for name, spec in component.get("properties", {}).items()
        if not spec.get("readOnly")
    ]


def operations() -> list[dict]:
    spec = schema()
    components = spec.get("components", {}).get("schemas", {})
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {})
            ref = body.get("application/json", {}).get("schema", {}).get("$ref", "")
            found.append(
                {
                    "id": operation["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "where": parameter["in"],
                            "type": _type(parameter.get("schema", {}), components),
                            "required": parameter.get("required", False),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "fields": _fields(ref, components) if ref else [],
                    "responses": [
                        {"code": code, "description": response.get("description", "")}
                        for code, response in operation.get("responses", {}).items()
                    ],
                }
            )
    return found


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    info = schema()["info"]
    return render(request, "api/docs.html", {"info": info, "operations": operations()})


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from this site's own static files; its start-up script is a separate file
    (the split view), so no inline script is needed."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"
